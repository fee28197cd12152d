// `aasim test SPEC...`: a policy's assertions (simulator/spec.h) checked,
// as text, JSON lines, JUnit XML or SARIF.
#pragma once

#include "command_options.h"

#include <optional>
#include <string>
#include <vector>

namespace aasim::cli {

struct TestCommand : CommandOptions {
  std::vector<std::string> specs;
  std::vector<std::string> policies;  // --policy FILE (instead of the specs' own `policy` lines)
  std::optional<std::string> junit, sarif;
  bool json = false;
};

/// Exit status: 0 every assertion holds, 1 some fail (or cannot be
/// checked), 2 usage or policy errors.
int runTest(const TestCommand &command);

} // namespace aasim::cli

// `aasim test SPEC...`: a policy's assertions (simulator/spec.h) checked,
// as text, JSON lines, JUnit XML or SARIF.
#pragma once

#include "dfa/policy_compiler.h"
#include "frontend/frontend.h"
#include "simulator/decision.h"

#include <optional>
#include <string>
#include <vector>

namespace aasim::cli {

struct TestCommand {
  frontend::FrontendOptions frontend;
  dfa::CompileOptions compile;
  std::vector<std::string> specs;
  std::vector<std::string> policies;  // --policy FILE (instead of the specs' own `policy` lines)
  std::optional<std::string> junit, sarif;
  bool json = false;
  bool quiet = false;
  simulator::DecideOptions decide;
};

/// Exit status: 0 every assertion holds, 1 some fail (or cannot be
/// checked), 2 usage or policy errors.
int runTest(const TestCommand &command);

} // namespace aasim::cli

// `aasim lint POLICY...`: findings about the rules of a policy
// (simulator/lint.h), with --trace the rules no event used; text, JSON
// lines or SARIF for code review.
#pragma once

#include "command_options.h"

#include <optional>
#include <string>
#include <vector>

namespace aasim::cli {

struct LintCommand : CommandOptions {
  std::vector<std::string> policyFiles;
  std::vector<std::string> traces;    // --trace FILE: report dead rules
  std::optional<std::string> format;  // --format NAME (traces)
  std::optional<std::string> sarif;
  bool json = false;
  bool all = false;  // --all: judge the rules of included abstractions too
};

/// Exit status: 0 no findings, 1 findings, 2 usage or policy errors.
int runLint(const LintCommand &command);

} // namespace aasim::cli

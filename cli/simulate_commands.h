// `aasim query` and `aasim replay`: decisions of the simulator on the
// command line.
#pragma once

#include "command_options.h"

#include <optional>
#include <string>
#include <vector>

namespace aasim::cli {

struct SimulateCommand : CommandOptions {
  std::vector<std::string> policyFiles;
  std::vector<std::string> operation;  // query: PROFILE OPERATION ARGS...
  std::vector<std::string> traces;     // replay: --trace FILE...
  std::optional<std::string> format;   // replay: --format NAME
  bool json = false;
  std::optional<bool> table;  // replay: --table / --lines (default: a table on a terminal)
};

/// Exit status: 0 allowed, 1 denied, 2 usage or policy errors.
int runQuery(const SimulateCommand &command);

/// Exit status: 0 when every recorded event agrees with its prediction
/// and every line was read, 1 when some disagree or a line is malformed,
/// 2 for usage or policy errors.
int runReplay(const SimulateCommand &command);

} // namespace aasim::cli

// Runs the installed apparmor_parser (the oracle) and captures what it
// writes, without a shell: arguments are passed as they are.
#pragma once

#include <string>
#include <vector>

namespace aasim::cli {

struct ProcessResult {
  bool started = false;  // false: not found or could not run
  int exitStatus = -1;
  std::string out, err;
};

ProcessResult runProcess(const std::vector<std::string> &argv);

} // namespace aasim::cli

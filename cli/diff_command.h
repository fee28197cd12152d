// `aasim diff OLD NEW`: what a change of policy changes, profile by
// profile and rule class by rule class, with shortest witness requests
// (simulator/policy_diff.h); with --trace, the events of a trace whose
// decision, log or transition changes.
#pragma once

#include "command_options.h"

#include <optional>
#include <string>
#include <vector>

namespace aasim::cli {

struct DiffCommand : CommandOptions {
  std::vector<std::string> inputs;   // OLD NEW
  std::vector<std::string> traces;   // --trace FILE...
  std::optional<std::string> format; // --format NAME (traces)
  /// --rebase OLDDIR=NEWDIR: a directory of the old version and where the
  /// new version has it (search paths and sources under it correspond);
  /// OLD=NEW (their directories) always.
  std::vector<std::pair<std::string, std::string>> rebases;
  bool recursive = false;
  size_t witnesses = 3;    // --witnesses N: per kind of change and class
  unsigned jobs = 1;       // -j N: compile the changed files in N worker processes  // -r: profile files in subdirectories too
  bool json = false;
};

/// Exit status: 0 equivalent (with --trace: no event changed), 1 not, 2
/// usage or policy errors.
int runDiff(const DiffCommand &command);

} // namespace aasim::cli

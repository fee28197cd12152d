// `aasim suggest --trace FILE POLICY...`: for each denial a trace meets, the
// rule that would allow it (an abstraction of the policy's tree where one
// covers the access, else the smallest rule, written with the policy's
// variables), then a proof: the policy with the suggestions is replayed
// again (every suggested denial must be gone) and checked against the
// spec files of --spec (no assertion may break; a suggestion that breaks
// one is narrowed or dropped).
#pragma once

#include "command_options.h"

#include <optional>
#include <string>
#include <vector>

namespace aasim::cli {

struct SuggestCommand : CommandOptions {
  std::vector<std::string> policyFiles;
  std::vector<std::string> traces;
  std::optional<std::string> format;  // --format NAME (traces)
  std::vector<std::string> specs;     // --spec FILE
  std::optional<std::string> patch;   // --patch FILE: the suggestions as a unified diff
  bool abstractions = true;           // --no-abstractions: rules only
};

/// Exit status: 0 every denial has a suggestion that the re-replay proves
/// and no spec assertion fails, 1 otherwise, 2 usage or policy errors.
int runSuggest(const SuggestCommand &command);

} // namespace aasim::cli

// `aasim transitions POLICY...`: the exec transition graph of a policy
// (simulator/transition_graph.h) as text, Graphviz dot or JSON.
#pragma once

#include "command_options.h"

#include <string>
#include <vector>

namespace aasim::cli {

struct TransitionsCommand : CommandOptions {
  std::vector<std::string> policyFiles;
  bool dot = false;
  bool json = false;
};

/// Exit status: 0, 1 when a rule leads to a missing target, 2 usage or
/// policy errors.
int runTransitions(const TransitionsCommand &command);

} // namespace aasim::cli

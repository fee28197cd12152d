// `aasim transitions POLICY...`: the exec transition graph of a policy
// (simulator/transition_graph.h) as text, Graphviz dot or JSON.
#pragma once

#include "dfa/policy_compiler.h"
#include "frontend/frontend.h"

#include <string>
#include <vector>

namespace aasim::cli {

struct TransitionsCommand {
  frontend::FrontendOptions frontend;
  dfa::CompileOptions compile;
  std::vector<std::string> policyFiles;
  bool dot = false;
  bool json = false;
  bool quiet = false;
};

/// Exit status: 0, 1 when a rule leads to a missing target, 2 usage or
/// policy errors.
int runTransitions(const TransitionsCommand &command);

} // namespace aasim::cli

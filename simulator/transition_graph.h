// The exec transition graph of a policy (`aasim transitions`): which
// programs each profile attaches to, where each exec (and change_profile)
// rule leads, which targets are missing and which profiles nothing leads
// to. Edges come from the rules (aasim-compiled policy); targets found by
// attachment are the profiles whose attachment meets the rule's paths,
// decided on the automata.
#pragma once

#include "loaded_policy.h"

#include "dfa/policy_compiler.h"
#include "dfa/rule_set.h"

#include <string>
#include <vector>

namespace aasim::simulator {

struct TransitionEdge {
  std::string from;              // the profile whose rule it is
  dfa::RuleOrigin rule;
  std::string kind;              // "exec" or "change_profile"
  std::string mode;              // "Px", "cix", "ux", ... ("change_profile" for those)
  std::vector<std::string> to;   // target profiles ("unconfined" for ux; the profile itself for ix)
  std::string missing;           // a named target that is not loaded
  std::string fallback;          // "ix" or "ux" when the mode has one
  std::string example;           // a shortest path (or name) the rule matches
};

struct TransitionNode {
  std::string profile;
  bool hat = false, child = false;
  std::string attachesTo;  // a shortest path its attachment accepts; empty: attaches to nothing
  bool reachable = false;  // by attachment, an edge, or change_hat (hats)
};

struct TransitionGraph {
  std::vector<TransitionNode> nodes;  // load order
  std::vector<TransitionEdge> edges;
};

TransitionGraph transitionGraph(const LoadedPolicy &policy,
                                dfa::LanguageVersion version = dfa::LanguageVersion::V6_0);

} // namespace aasim::simulator

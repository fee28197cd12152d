// Findings about the rules of compiled profiles (`aasim lint`), decided on
// automata, not on the text of rules:
//
//  - redundant: the profile compiles to the same automaton without the
//    rule (other rules cover all it grants, logs and quiets);
//  - shadowed: deny rules take away everything an allow rule grants;
//  - missing-target: a named exec transition names no loaded profile;
//    no-attachment: no profile attaches to any program a px/cx rule runs;
//  - unconfined-exec, dangerous-capability, sensitive-write: grants that
//    give the confinement away.
//
// Rules come from aasim's compiler (RuleSources); a binary policy has no
// rules to lint.
#pragma once

#include "loaded_policy.h"

#include "dfa/policy_compiler.h"
#include "dfa/rule_set.h"

#include <functional>
#include <string>
#include <vector>

namespace aasim::simulator {

struct LintFinding {
  std::string kind;     // "redundant", "shadowed", "missing-target", ...
  std::string level;    // "warning" or "error"
  std::string profile;
  dfa::RuleOrigin rule;  // the rule at fault (loc invalid: the profile as a whole)
  std::string message;
  std::vector<dfa::RuleOrigin> related;  // the rules that cover or shadow it
  unsigned capability = 0;              // dangerous-capability: which
};

struct LintOptions {
  /// The rules to judge (e.g. those written in the profile's own file, not
  /// in shared abstractions); all when unset.
  std::function<bool(const dfa::RuleOrigin &)> judged;
  /// 3.0.8's accept permissions (an audit allow survives a deny).
  dfa::LanguageVersion version = dfa::LanguageVersion::V6_0;
};

/// Every finding for `profile`, in rule order within each kind.
std::vector<LintFinding> lintProfile(const LoadedPolicy &policy, const LoadedProfile &profile,
                                     const LintOptions &options);

/// The kinds `lintProfile` reports, with what each means.
const std::vector<std::pair<std::string, std::string>> &lintKinds();

} // namespace aasim::simulator

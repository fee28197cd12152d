// The rules of a compiled profile as they were written: the expressions
// one written rule compiled to, grouped by its source location, and
// automata of any subset of them, built as the compiler built the whole.
// `aasim lint` and `aasim transitions` judge rules through these.
#pragma once

#include "loaded_policy.h"

#include "dfa/builder.h"
#include "dfa/policy_compiler.h"
#include "dfa/regex.h"
#include "dfa/rule_set.h"

#include <optional>
#include <vector>

namespace aasim::simulator {

/// One written rule: it may compile to several expressions (both owner
/// halves, link pairs), judged together.
struct RuleGroup {
  dfa::RuleOrigin origin;
  std::vector<size_t> rules;  // indices into the rule set
};

/// The groups of a rule set, in the order their first rule appears.
std::vector<RuleGroup> ruleGroups(const dfa::RuleSet &set);

/// Automata of subsets of a rule set.
class SubsetBuilder {
public:
  SubsetBuilder(const dfa::RuleSet &set, dfa::DfaKind kind, dfa::LanguageVersion version);
  /// nullopt when a rule's regex does not parse (it compiled once, so
  /// only for a corrupted set) or the construction fails.
  std::optional<dfa::Dfa> build(const std::vector<size_t> &rules);

private:
  const dfa::RuleSet &set_;
  dfa::RegexArena arena_;
  std::vector<std::optional<dfa::NodeId>> roots_;
  dfa::BuildOptions options_;
};

/// The candidates (attachment order) whose attachment accepts some path
/// the rule automaton matches.
std::vector<const LoadedProfile *> attachingProfiles(const dfa::Dfa &rule,
                                                     const std::vector<const LoadedProfile *> &candidates);

} // namespace aasim::simulator

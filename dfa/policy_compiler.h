// Compiles the profiles of a parsed policy: each profile, hat and child
// gets its own automata: the file DFA (file rules, links, change_profile),
// with the exec-conflict check apparmor_parser makes while building it,
// and the policy DFA of the other mediation classes.
#pragma once

#include "attachment.h"
#include "dfa.h"
#include "file_rules.h"
#include "minimize.h"
#include "policy_rules.h"
#include "profile_record.h"

#include <string>
#include <vector>

namespace aasim::dfa {

struct CompileOptions {
  LanguageVersion version = LanguageVersion::V6_0;
  uint32_t stateLimit = 2'000'000;
  bool minimize = true;  // `check` only needs the construction's conflict check
  bool kernelStacks = true;  // the target kernel has domain/stack (from -M)
  PolicyFeatures features = PolicyFeatures::builtinDefault();  // what goes into the policy DFA
  /// Also compute each profile's record header and attachment automaton
  /// (compile -S/-o, crosscheck); `check` does not need them.
  bool records = false;
  RecordFeatures recordFeatures = RecordFeatures::builtinDefault();
};

struct CompiledProfile {
  std::string name;  // full name, parent//child
  FileRuleSet fileRules;
  Dfa fileDfa;                  // minimized, canonically numbered
  MinimizeStats fileStats;      // states before and after minimization
  RuleSet policyRules;
  std::optional<Dfa> policyDfa;  // absent when the target kernel has no policy DFA
  MinimizeStats policyStats;
  ProfileHeader header;              // with CompileOptions::records
  std::optional<Attachment> xmatch;  // when header.xmatchRegex is set
};

/// The rules of `set` that match `input` on their own (rules share flags in
/// the automaton, so naming them takes a match per rule). With `automaton`,
/// the set's own automaton, only rules whose flag reaches the state of
/// `input` are tried.
std::vector<size_t> rulesMatching(const RuleSet &set, const std::string &input, const Dfa *automaton = nullptr);

/// Compiles every profile; problems become errors in `diags` (with the
/// rules' locations), and failing profiles are left out of the result.
std::vector<CompiledProfile> compilePolicy(const frontend::ast::Policy &policy, const frontend::VariableTable &vars,
                                           frontend::Diagnostics &diags, const CompileOptions &options);

} // namespace aasim::dfa

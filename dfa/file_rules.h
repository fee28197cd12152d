// Lowering of a profile's file-class rules (file rules, link rules,
// change_profile) to regexes with permission flags, the input of the file
// DFA (kernel-semantics.md §3.2). Each rule gets its own flag so that every
// decision can name the rules behind it.
#pragma once

#include "builder.h"
#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "frontend/variables.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace aasim::dfa {

/// Which apparmor_parser's rule semantics to follow where versions differ.
enum class LanguageVersion { V3_0, V6_0 };

struct RuleOrigin {
  frontend::SourceLoc loc;
  std::string text;  // the rule as written, for messages
};

/// A profile's file DFA input. Rules with equal flags share one flag (as
/// apparmor_parser shares its accept nodes): states then differ only where
/// permissions can, which keeps the automaton small. `origins` and `globs`
/// stay per rule, so a decision can still be traced to its rules.
struct FileRuleSet {
  RegexArena arena;
  std::vector<RuleExpr> rules;
  std::vector<RuleFlag> flags;      // distinct flags
  std::vector<RuleOrigin> origins;  // per rule
  std::vector<std::string> regexes; // per rule, the regex text (for re-matching one rule)
  std::vector<std::string> xtable;  // named exec targets, slot i = nibble i + 4
};

struct LoweringContext {
  const frontend::VariableTable &vars;
  std::map<std::string, std::set<std::string>> automatic;  // @{profile_name}, ...
  std::string profileName;                                 // full name (parent//child)
  LanguageVersion version = LanguageVersion::V6_0;
  frontend::Diagnostics &diags;
  bool isHat = false;
  bool hasChildren = false;  // hats or child profiles
  std::vector<std::pair<std::string, std::string>> aliases;  // alias FROM -> TO, in order
  bool kernelStacks = true;  // features domain/stack: how namespaced change_profile targets are written
};

/// Lowers the rules of one profile body (not its children).
FileRuleSet lowerFileRules(const std::vector<frontend::ast::Stmt> &body, LoweringContext &cx);

} // namespace aasim::dfa

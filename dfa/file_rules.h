// Lowering of a profile's file-class rules (file rules, link rules,
// change_profile) to regexes with permission flags, the input of the file
// DFA (kernel-semantics.md §3.2). Each rule gets its own flag so that every
// decision can name the rules behind it.
#pragma once

#include "rule_set.h"
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

using FileRuleSet = RuleSet;

struct LoweringContext {
  const frontend::VariableTable &vars;
  std::map<std::string, std::set<std::string>> automatic;  // @{profile_name}, ...
  std::string profileName;                                 // full name (parent//child)
  std::string localName;   // the profile's own name (3.0.8 names cx targets after it: `child//grand`)
  LanguageVersion version = LanguageVersion::V6_0;
  frontend::Diagnostics &diags;
  bool isHat = false;
  bool hasChildren = false;  // hats or child profiles
  std::vector<std::pair<std::string, std::string>> aliases;  // alias FROM -> TO, in order
  bool kernelStacks = true;  // features domain/stack: how namespaced change_profile targets are written
  /// flags=(unconfined) or (default_allow): 6.0 writes no class markers for
  /// such a profile (language-6.0.md §4.1).
  bool unconfinedMode = false;
};

/// Lowers the rules of one profile body (not its children).
FileRuleSet lowerFileRules(const std::vector<frontend::ast::Stmt> &body, LoweringContext &cx);

} // namespace aasim::dfa

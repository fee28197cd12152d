// Subset construction over the positions of a regex tree (Aho-Sethi-Ullman
// followpos, as apparmor_parser's libapparmor_re does): a DFA state is the
// set of positions that may match next; accept markers of rules are
// positions too, and the flags of those in a state give its permissions.
#pragma once

#include "dfa.h"
#include "regex.h"

#include <optional>
#include <string>
#include <vector>

namespace aasim::dfa {

/// One rule: its regex and the flag its matches receive.
struct RuleExpr {
  NodeId regex;
  uint32_t flag;
};

struct BuildOptions {
  DfaKind kind = DfaKind::File;
  bool auditSurvivesDeny = false;  // 3.0.8's accept permissions (perms.h)
  /// Construction stops with an error past this many states instead of
  /// exhausting memory on a pathological profile.
  uint32_t stateLimit = 2'000'000;
};

struct BuildError {
  enum class Kind { TooManyStates, ExecConflict } kind = Kind::TooManyStates;
  std::string message;
  ExecConflict conflict;  // ExecConflict: the two flags
  std::string witness;    // ExecConflict: a shortest string both rules match
};

struct BuildResult {
  std::optional<Dfa> dfa;
  std::optional<BuildError> error;
};

BuildResult buildDfa(RegexArena &arena, const std::vector<RuleExpr> &rules, const std::vector<RuleFlag> &flags,
                     const BuildOptions &options);

} // namespace aasim::dfa

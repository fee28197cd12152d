// The input of one automaton: rules as regexes, each ending in a flag with
// its permissions. Rules with equal flags share one flag (as apparmor_parser
// shares its accept nodes): states then differ only where permissions can,
// which keeps the automaton small. `origins` and `regexes` stay per rule, so
// a decision can still be traced to its rules.
#pragma once

#include "builder.h"
#include "frontend/diagnostics.h"

#include <map>
#include <string>
#include <vector>

namespace aasim::dfa {

struct RuleOrigin {
  frontend::SourceLoc loc;
  std::string text;  // the rule as written, for messages
};

/// Slots of a profile's transition table (nibbles 4..15).
constexpr size_t kMaxNamedTransitions = 12;

struct RuleSet {
  RegexArena arena;
  std::vector<RuleExpr> rules;
  std::vector<RuleFlag> flags;      // distinct flags
  std::vector<RuleOrigin> origins;  // per rule
  std::vector<std::string> regexes; // per rule, the regex text (for re-matching one rule)
  std::vector<std::string> xtable;  // named exec (and pivot_root) targets, slot i = nibble i + 4
};

/// Appends rules to a set, sharing equal flags.
class RuleSetWriter {
public:
  RuleSetWriter(RuleSet &out, frontend::Diagnostics &diags) : out_(out), diags_(diags) {}

  /// Parses `regex` (the internal dialect) and adds it with `flag`; `exact`
  /// of the flag is computed from the regex when `computeExact`. Reports a
  /// malformed regex at the rule and returns false.
  bool add(const std::string &regex, RuleFlag flag, const RuleOrigin &origin, bool computeExact, bool v6Exactness);

  RuleSet &set() { return out_; }

private:
  RuleSet &out_;
  frontend::Diagnostics &diags_;
  std::map<RuleFlag, uint32_t> flagIndex_;
};

} // namespace aasim::dfa

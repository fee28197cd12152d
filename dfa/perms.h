// Permissions on accept states (kernel-semantics.md §4, language-6.0.md §1.3).
// Every rule ends in a flag: its priority, mode (allow/deny/prompt), whether
// its path is exact, its permission bits and audit bits. A DFA state reached
// by several flags gets their combination, resolved bit by bit: the highest
// priority wins a bit; within one priority deny beats an exact allow (exec
// bits only), which beats an allow, which beats prompt. Two allows tying on
// a half's exec bit with different exec types are a conflict.
#pragma once

#include <cstdint>
#include <optional>
#include <tuple>
#include <vector>

namespace aasim::dfa {

enum class FlagMode : uint8_t { Allow, Deny, Prompt };

struct RuleFlag {
  int priority = 0;
  FlagMode mode = FlagMode::Allow;
  bool exact = false;
  uint32_t perms = 0;
  uint32_t audit = 0;  // allow: audited bits; deny: quieted bits
  auto tie() const { return std::tuple(priority, mode, exact, perms, audit); }
  bool operator==(const RuleFlag &o) const { return tie() == o.tie(); }
  bool operator<(const RuleFlag &o) const { return tie() < o.tie(); }
};

struct StatePerms {
  uint32_t allow = 0;
  uint32_t deny = 0;
  uint32_t prompt = 0;
  uint32_t audit = 0;
  uint32_t quiet = 0;
  bool operator==(const StatePerms &o) const {
    return allow == o.allow && deny == o.deny && prompt == o.prompt && audit == o.audit && quiet == o.quiet;
  }
  bool empty() const { return !allow && !deny && !prompt && !audit && !quiet; }
};

/// Two flags whose exec transitions cannot both apply to one string.
struct ExecConflict {
  uint32_t first = 0, second = 0;  // flag indices
};

enum class DfaKind { File, Policy };

/// Combines the flags reaching one state. `flags` indexes into `all`.
/// Returns the conflict instead when two tying flags disagree on an exec type.
struct AcceptResult {
  StatePerms perms;
  std::optional<ExecConflict> conflict;
};
/// `auditSurvivesDeny`: apparmor_parser 3.0.8 ORs the audit bits of every
/// allow rule and never removes the ones a deny rule takes away (6.0
/// resolves audit per bit with the permission).
AcceptResult combineFlags(const std::vector<RuleFlag> &all, const std::vector<uint32_t> &flags, DfaKind kind,
                          bool auditSurvivesDeny = false);

/// Exec-type bits of one half (unsafe, inherit, pux, modifier nibble).
inline constexpr uint32_t kExecTypeMask = 0x3f80;
inline constexpr uint32_t kOtherShift = 14;

} // namespace aasim::dfa

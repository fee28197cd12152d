// The decision API: given loaded policy, the label of a task and a request,
// what the kernel decides, what it would log, and which rules are
// responsible. This is the core every command builds on (query, replay,
// diff, test); it is usable as a library on its own.
//
// The rules are those of the kernel (kernel-semantics.md §8-10):
// permissions from the loaded tables, then the profile's mode (complain,
// kill, unconfined) and audit mode, quiet and audit bits, and for exec the
// transition (exec.h).
#pragma once

#include "loaded_policy.h"
#include "request.h"

#include "dfa/rule_set.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aasim::simulator {

enum class Verdict : uint8_t { Allow, Deny };

/// What the kernel writes to the audit log for the request: `apparmor="…"`.
enum class LogKind : uint8_t { None, Audit, Allowed, Denied, Killed };
const char *logKindName(LogKind k);  // "none", "AUDIT", "ALLOWED", "DENIED", "KILLED"

/// The system-wide audit mode (/sys/module/apparmor/parameters/audit).
enum class AuditMode : uint8_t { Normal, QuietDenied, Quiet, NoQuiet, All };

struct DecideOptions {
  AuditMode auditMode = AuditMode::Normal;
  /// Name the rules behind each decision (aasim-compiled policy); costs a
  /// match of the candidate rules per decision.
  bool explain = true;
};

/// A rule that contributed: where it is written and what it did.
struct RuleRef {
  dfa::RuleOrigin origin;
  bool denies = false;  // a deny rule (else it grants)
};

/// Where an exec leads (kernel-semantics.md §9).
struct Transition {
  std::string mode;        // "ix", "px", "cx", "ux", "attach", "unconfined", "learning", ...
  std::string target;      // the new label (its name), when one was found
  bool scrub = false;      // secure exec: the environment is scrubbed
  bool fallback = false;   // the target was missing and a fallback applied
};

/// A further record the same operation writes after the decision's own:
/// an open that creates its file is checked as the creation (`mknod`),
/// then as the open, and when both are logged (complain mode, audit
/// rules) the kernel writes both records; under a stack of profiles each
/// profile that logs writes its own.
struct FollowingRecord {
  std::string profile;
  std::string operation;
  LogKind log = LogKind::None;
  uint32_t requested = 0, denied = 0;
};

struct Decision {
  Verdict verdict = Verdict::Allow;
  LogKind log = LogKind::None;
  int error = 0;  // the syscall's errno when denied (EACCES, EPERM, ...)
  std::string profile;  // the profile that decided ("unconfined" when none)
  std::string operation;
  uint32_t requested = 0;  // what the log would show as requested_mask
  uint32_t denied = 0;     // and denied_mask
  std::string info;        // the log's info="…", when the kernel sets one
  std::optional<Transition> transition;  // exec and change_profile
  std::vector<RuleRef> rules;  // the rules matching the request (aasim-compiled policy only)
  std::vector<FollowingRecord> following;  // records after this one's, in order
};

/// The profiles of a stacked label (`a//&b`), in order; one for a plain
/// label.
std::vector<std::string> stackedLabelParts(std::string_view label);
/// A stack's label as the kernel names it: its profiles sorted, each once.
std::string stackedLabel(std::vector<std::string> parts);

/// The profile a user names (`aasim query`, spec files): a profile name,
/// or the path of an executable (the profile attaching to it); nullopt
/// when neither.
std::optional<std::string> resolveProfile(const LoadedPolicy &policy, const std::string &word);

/// The label of a task is a profile name (`unconfined` for none), with an
/// optional namespace `:ns:` prefix.
Decision decide(const LoadedPolicy &policy, const std::string &label, const Request &request,
                const DecideOptions &options = {});

} // namespace aasim::simulator

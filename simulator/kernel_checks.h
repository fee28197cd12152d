// How the kernel turns a profile's permissions and a request into a verdict
// and an audit record (kernel-semantics.md §8.4, §10.1, §10.2): the audit
// mode, quiet and audit bits, complain and kill modes. Three variants
// exist in the kernel and differ in small ways (file accesses force-audit
// only the low 16 bits in audit mode; capabilities have their own kill
// and quiet words), so each has its own function.
#pragma once

#include "decision.h"
#include "kernel_perms.h"
#include "loaded_policy.h"

#include <cstdint>

namespace aasim::simulator {

struct CheckResult {
  Verdict verdict = Verdict::Allow;
  LogKind log = LogKind::None;
  int error = 0;
  uint32_t denied = 0;  // request & ~allow
  uint32_t requested = 0, reported = 0;  // requested_mask and denied_mask as the record shows them
};

/// The audit mode in force for `profile`: the global one unless normal,
/// else ALL for flags=(audit).
AuditMode effectiveAuditMode(const LoadedProfile &profile, AuditMode global);

/// aa_audit_file: a file access (also exec and link).
CheckResult checkFile(const LoadedProfile &profile, const Perms &perms, uint32_t request, AuditMode global);

/// aa_apply_modes_to_perms + aa_check_perms: the policy-automaton classes.
CheckResult checkPolicy(const LoadedProfile &profile, Perms perms, uint32_t request, AuditMode global);

/// profile_capable + audit_caps (without the duplicate-message cache,
/// which belongs to a replay's state).
CheckResult checkCapability(const LoadedProfile &profile, unsigned cap, AuditMode global);

/// Copies the verdict into `d`; `request` is what was asked.
void applyCheck(const CheckResult &c, uint32_t request, Decision &d);

} // namespace aasim::simulator

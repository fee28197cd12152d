#include "kernel_checks.h"

#include <cerrno>

namespace aasim::simulator {

namespace {

constexpr uint32_t kAllPerms = 0xffffffffu;

// aa_audit's last steps: kill mode turns DENIED into KILLED, the quiet
// audit modes suppress the message (not the decision), complain turns the
// denial into success.
CheckResult finishAudit(const LoadedProfile &profile, LogKind type, CheckResult c, AuditMode mode) {
  if (type == LogKind::Denied && profile.mode == ProfileMode::Complain)
    type = LogKind::Allowed;
  if (profile.mode == ProfileMode::Kill && type == LogKind::Denied)
    type = LogKind::Killed;
  if (mode == AuditMode::Quiet || (type == LogKind::Denied && mode == AuditMode::QuietDenied))
    return c;
  c.log = type;
  if (type == LogKind::Allowed) {
    c.verdict = Verdict::Allow;
    c.error = 0;
  }
  return c;
}

} // namespace

AuditMode effectiveAuditMode(const LoadedProfile &profile, AuditMode global) {
  if (global != AuditMode::Normal)
    return global;
  return profile.auditAll ? AuditMode::All : AuditMode::Normal;
}

CheckResult checkFile(const LoadedProfile &profile, const Perms &perms, uint32_t request, AuditMode global) {
  const AuditMode mode = effectiveAuditMode(profile, global);
  CheckResult c;
  const uint32_t denied = request & ~perms.allow;
  if (!denied) {
    uint32_t mask = mode == AuditMode::All ? 0xffff : perms.audit;
    c.requested = request & mask;
    if (!c.requested)
      return c;
    return finishAudit(profile, LogKind::Audit, c, mode);
  }
  c.verdict = Verdict::Deny;
  c.error = EACCES;
  c.denied = denied;
  // Only the denied permissions are reported; quiet ones are dropped
  // unless the audit mode says otherwise, and if nothing is left the
  // denial is silent, in complain mode too.
  uint32_t reported = denied;
  LogKind type = LogKind::Denied;
  if (reported & perms.kill)
    type = LogKind::Killed;
  if ((reported & perms.quiet) && mode != AuditMode::NoQuiet && mode != AuditMode::All)
    reported &= ~perms.quiet;
  if (!reported)
    return c;
  c.requested = reported;
  c.reported = reported;
  return finishAudit(profile, type, c, mode);
}

CheckResult checkPolicy(const LoadedProfile &profile, Perms perms, uint32_t request, AuditMode global) {
  const AuditMode mode = effectiveAuditMode(profile, global);
  uint32_t complain = 0;
  switch (mode) {
  case AuditMode::All:
    perms.audit = kAllPerms;
    perms.quiet = 0;
    break;
  case AuditMode::NoQuiet: perms.quiet = 0; break;
  case AuditMode::Quiet:
    perms.audit = 0;
    perms.quiet = kAllPerms;
    break;
  case AuditMode::QuietDenied: perms.quiet = kAllPerms; break;
  case AuditMode::Normal: break;
  }
  if (profile.mode == ProfileMode::Kill)
    perms.kill = kAllPerms;
  else if (profile.mode == ProfileMode::Complain)
    complain = kAllPerms;

  CheckResult c;
  uint32_t denied = request & ~perms.allow;
  if (!denied) {
    c.requested = request & perms.audit;
    if (c.requested)
      c.log = LogKind::Audit;
    return c;
  }
  c.verdict = Verdict::Deny;
  c.error = EACCES;
  c.denied = denied;
  LogKind type = (denied & perms.kill) ? LogKind::Killed : denied == (denied & complain) ? LogKind::Allowed
                                                                                          : LogKind::Denied;
  denied &= ~perms.quiet;
  if (!denied)
    return c;
  c.requested = request;
  c.reported = denied;
  c.log = type;
  if (type == LogKind::Allowed) {
    c.verdict = Verdict::Allow;
    c.error = 0;
  }
  return c;
}

CheckResult checkCapability(const LoadedProfile &profile, unsigned cap, AuditMode global) {
  const AuditMode mode = effectiveAuditMode(profile, global);
  auto raised = [&](uint64_t word) { return cap < 64 && (word >> cap) & 1; };
  CheckResult c;
  c.requested = 0;
  if (raised(profile.capsAllow)) {
    if (mode != AuditMode::All && !raised(profile.capsAudit))
      return c;
    return finishAudit(profile, LogKind::Audit, c, mode);
  }
  c.verdict = Verdict::Deny;
  c.error = EPERM;
  LogKind type = LogKind::Denied;
  if (profile.mode == ProfileMode::Kill || raised(profile.capsKill))
    type = LogKind::Killed;
  else if (raised(profile.capsQuiet) && mode != AuditMode::NoQuiet && mode != AuditMode::All)
    return c;  // quiet: denied silently, in complain mode too
  return finishAudit(profile, type, c, mode);
}

void applyCheck(const CheckResult &c, uint32_t request, Decision &d) {
  d.verdict = c.verdict;
  d.log = c.log;
  d.error = c.error;
  // What a record shows: a file denial reports only the denied
  // permissions as requested_mask (aa_audit_file), others the request.
  const bool logged = c.log != LogKind::None;
  d.requested = logged ? c.requested : request;
  d.denied = logged && c.reported ? c.reported : c.denied;
}

} // namespace aasim::simulator

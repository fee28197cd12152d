#include "perms.h"

#include <array>
#include <climits>
#include <tuple>

namespace aasim::dfa {

namespace {

constexpr int kMinInternalPriority = -1001;
// Exec types never take part in the per-bit walk: they travel with x.
constexpr uint32_t kFileNonIterated = 0x0fe03f80;
constexpr uint32_t kMayExec = 0x1, kExecMmap = 0x40, kExecInherit = 0x200;

int strength(const RuleFlag &f, int bit) {
  int bonus = f.mode == FlagMode::Deny ? 3
              : (f.exact && (bit == 0 || bit == static_cast<int>(kOtherShift))) ? 2
              : f.mode == FlagMode::Prompt ? 0
                                           : 1;
  return 4 * f.priority + bonus;
}

} // namespace

AcceptResult combineFlags(const std::vector<RuleFlag> &all, const std::vector<uint32_t> &flags, DfaKind kind,
                          bool auditSurvivesDeny) {
  AcceptResult out;
  StatePerms &p = out.perms;
  const bool file = kind == DfaKind::File;
  std::array<int, 32> best;
  best.fill(4 * kMinInternalPriority);
  // Which flag last set each half's exec type at the winning strength, for
  // naming both sides of a conflict.
  std::array<uint32_t, 2> execOwner{UINT32_MAX, UINT32_MAX};

  for (uint32_t fi : flags) {
    const RuleFlag &m = all[fi];
    uint32_t bits = m.perms | m.audit;
    if (file)
      bits &= ~kFileNonIterated;
    for (int i = 0; i < 32; ++i) {
      if (!(bits & (1u << i)))
        continue;
      int eff = strength(m, i);
      if (best[i] > eff)
        continue;
      uint32_t amask = 1u << i;
      int half = -1;
      if (file && i == 0)
        half = 0;
      else if (file && i == static_cast<int>(kOtherShift))
        half = 1;
      uint32_t execPart = half < 0 ? 0 : kExecTypeMask << (half * kOtherShift);
      amask |= execPart;
      if (best[i] < eff) {
        best[i] = eff;
        p.allow &= ~amask;
        p.deny &= ~amask;
        p.prompt &= ~amask;
        p.audit &= ~amask;
        p.quiet &= ~amask;
        if (half >= 0)
          execOwner[half] = UINT32_MAX;
      }
      if (m.mode == FlagMode::Deny) {
        p.deny |= m.perms & amask;
        p.quiet |= m.audit & amask;
        p.allow &= ~amask;
        p.audit &= ~amask;
        p.prompt &= ~amask;
        continue;
      }
      // Allow, exact allow or prompt at a tie: exec types must agree.
      if (half >= 0) {
        uint32_t held = (m.mode == FlagMode::Prompt ? p.prompt : p.allow);
        if ((held & amask & ~execPart) && (m.perms & (1u << i)) && (held & execPart) != (m.perms & execPart)) {
          out.conflict = ExecConflict{execOwner[half], fi};
          return out;
        }
        if (m.perms & (1u << i))
          execOwner[half] = fi;
      }
      if (m.mode == FlagMode::Prompt)
        p.prompt |= m.perms & amask;
      else
        p.allow |= m.perms & amask;
      p.audit |= m.audit & amask;
    }
  }
  if (file) {
    // ix implies mmap when the x winner is at least as strong as any m rule.
    for (int half = 0; half < 2; ++half) {
      int shift = half * kOtherShift;
      uint32_t x = kMayExec << shift, inherit = kExecInherit << shift, mm = kExecMmap << shift;
      if ((p.allow & x) && (p.allow & inherit) && best[6 + shift] <= best[shift])
        p.allow |= mm;
    }
  }
  if (auditSurvivesDeny)
    for (uint32_t fi : flags)
      if (all[fi].mode != FlagMode::Deny)
        p.audit |= all[fi].audit & (file ? ~kFileNonIterated : ~0u);
  p.allow &= ~p.deny;
  p.prompt &= ~p.deny;
  p.quiet &= p.deny;
  return out;
}

} // namespace aasim::dfa

#include "exec.h"

#include "kernel_checks.h"

#include "dfa/policy_compiler.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace aasim::simulator {

uint32_t leftMatch(const dfa::KernelDfa &t, std::string_view path, uint32_t &count) {
  // match.c's leftmatch_fb as Debian 12's 6.1 kernel has it (is_loop
  // before upstream's 2024 fix; tests/kernel/ found it): a ring of the
  // last 32 pre-step states, zero at first. A step "loops" as soon as it
  // goes to a state numbered no higher than the one it left; the count
  // then drops by the distance back to where that state was recorded, or
  // by the ring's length plus one when it was never recorded (so an
  // unsigned count can wrap, as the kernel's does). After a loop the rest
  // is matched plainly. The ring's length wraps at 32 too.
  constexpr uint32_t kHistory = 32;
  std::array<uint32_t, kHistory> history{};
  uint32_t pos = 0, len = 0;
  uint32_t state = dfa::KernelDfa::kStart;
  count = 0;
  for (size_t k = 0; k < path.size(); ++k) {
    uint8_t byte = static_cast<uint8_t>(path[k]);
    if (byte == 0)
      break;
    history[pos] = state;
    uint32_t c = t.equivClass ? (*t.equivClass)[byte] : byte;
    uint32_t at = dfa::KernelDfa::baseIndex(t.base[state]) + c;
    state = t.check[at] == state ? t.next[at] : t.def[state];
    if (history[pos] >= state) {
      uint32_t p = pos, back = 0;
      for (; back <= len && history[p] != state; ++back)
        p = (p + kHistory - 1) & (kHistory - 1);
      state = t.walk(path.substr(k + 1), state);
      count -= back;
      break;
    }
    pos = (pos + 1) & (kHistory - 1);
    len = (len + 1) & (kHistory - 1);
    ++count;
  }
  if (state == dfa::KernelDfa::kNoMatch)
    count = 0;
  return state;
}

namespace {


// aa_xattrs_match: the number of xattrs matched, or -1 when the profile
// must not attach.
int xattrsMatch(const LoadedProfile &p, uint32_t state,
                const std::vector<std::pair<std::string, std::string>> &fileXattrs) {
  const dfa::KernelDfa &t = *p.xmatch;
  int matched = static_cast<int>(p.xattrs.size());
  state = t.stepOutOfBand(state);
  for (const std::string &name : p.xattrs) {
    const std::string *value = nullptr;
    for (const auto &[n, v] : fileXattrs)
      if (n == name)
        value = &v;
    if (value) {
      state = t.step(state, 0);
      state = t.walk(*value, state);
      if (!(t.accept[state] & kMayExecAttach))
        return -1;
    }
    state = t.stepOutOfBand(state);
    if (!value) {
      if (state == dfa::KernelDfa::kNoMatch)
        return -1;
      --matched;  // a missing optional xattr does not count
    }
  }
  return matched;
}

} // namespace

AttachResult findAttachment(const std::vector<const LoadedProfile *> &candidates, std::string_view path,
                            const std::vector<std::pair<std::string, std::string>> &xattrs) {
  AttachResult out;
  uint32_t candidateLen = 0;
  int candidateXattrs = 0;
  for (const LoadedProfile *p : candidates) {
    if (!p->xmatch) {
      // A plain name attaches by exact comparison and ends the search.
      if (p->localName() == path || p->name == path) {
        out.profile = p;
        out.conflict = false;
        return out;
      }
      continue;
    }
    uint32_t count = 0;
    uint32_t state = leftMatch(*p->xmatch, path, count);
    if (!(p->xmatch->accept[state] & kMayExecAttach))
      continue;
    if (count < candidateLen)
      continue;
    int matched = 0;
    if (!p->xattrs.empty()) {
      matched = xattrsMatch(*p, state, xattrs);
      if (matched < 0)
        continue;
    }
    if (count == candidateLen && matched <= candidateXattrs) {
      if (matched == candidateXattrs && out.profile)
        out.conflict = true;
      continue;
    }
    out.profile = p;
    candidateLen = std::max(count, p->xmatchLen);
    candidateXattrs = matched;
    out.conflict = false;
  }
  if (out.conflict)
    out.profile = nullptr;
  return out;
}

namespace {

// The rule's mode as profiles write it: ix, px, Px, Cix, PUx, ux, ...

const LoadedProfile *tableTarget(const LoadedPolicy &policy, const LoadedProfile &profile,
                                 const std::optional<std::string> &ns, const std::string &entry) {
  std::string name = entry;
  if (!name.empty() && name[0] == '&')
    name.erase(0, 1);
  if (!name.empty() && name[0] == ':') {
    size_t sep = name.find_first_of(std::string_view(":\0", 2), 1);
    if (sep == std::string::npos)
      return nullptr;
    std::string targetNs = name.substr(1, sep - 1);
    std::string rest = name.substr(sep + 1);
    if (rest.rfind("//", 0) == 0)
      rest.erase(0, 2);
    return policy.find(rest, targetNs);
  }
  return policy.find(name, profile.ns ? profile.ns : ns);
}

// A table entry naming a stack of profiles (`cx -> &b` is written
// `a//&a//b`).
bool namesStack(const std::string &entry) {
  return entry.find("//&", entry.rfind('&', 0) == 0 ? 1 : 0) != std::string::npos;
}

// The label of such a stack, as the kernel names it (profiles sorted, each
// once); none when one of its profiles is not loaded.
std::optional<std::string> stackedTarget(const LoadedPolicy &policy, const LoadedProfile &profile,
                                         const std::optional<std::string> &ns, const std::string &entry) {
  std::vector<std::string> parts = stackedLabelParts(entry[0] == '&' ? entry.substr(1) : entry);
  for (const auto &part : parts)
    if (part.empty() || !policy.find(part, profile.ns ? profile.ns : ns))
      return std::nullopt;
  return stackedLabel(std::move(parts));
}

} // namespace

std::optional<std::string> tableEntryTarget(const LoadedPolicy &policy, const LoadedProfile &profile,
                                            const std::string &entry) {
  if (namesStack(entry))
    return stackedTarget(policy, profile, profile.ns, entry);
  if (const LoadedProfile *t = tableTarget(policy, profile, profile.ns, entry))
    return t->name;
  return std::nullopt;
}

std::string execModeName(const ExecIndex &x) {
  std::string kind;
  if (x.type == ExecIndex::Type::None) {
    if (x.inherit)
      kind.push_back('i');
    else if (x.unconfined)
      kind.push_back(x.unsafe ? 'u' : 'U');
  } else {
    kind.push_back(x.child ? (x.unsafe ? 'c' : 'C') : (x.unsafe ? 'p' : 'P'));
    if (x.inherit)
      kind.push_back('i');
    else if (x.unconfined)
      kind.push_back(x.unsafe ? 'u' : 'U');
  }
  kind.push_back('x');
  return kind;
}

Decision decideExec(const LoadedPolicy &policy, const LoadedProfile *profile, const std::optional<std::string> &ns,
                    const ExecRequest &request, const DecideOptions &options) {
  Decision d;
  d.operation = "exec";
  d.requested = perm::kExec;
  if (!profile) {
    d.profile = "unconfined";
    AttachResult a = findAttachment(policy.topLevel(ns), request.path, request.xattrs);
    if (a.profile)
      d.transition = Transition{"attach", a.profile->name, false, false};
    else
      d.transition = Transition{"unconfined", "unconfined", false, false};
    if (a.conflict)
      d.info = "conflicting profile attachments";
    return d;
  }
  d.profile = profile->name;
  Perms perms = profile->file ? filePermsAt(*profile->file, profile->fileState(request.path), request.owner)
                              : filePerms(0, 0, request.owner);
  int error = 0;
  std::optional<Transition> next;
  const ExecIndex &x = perms.xindex;
  if (perms.allow & perm::kExec) {
    const LoadedProfile *target = nullptr;
    bool attachConflict = false;
    std::optional<std::string> stack;  // the rule leads to a stack of profiles
    if (x.type == ExecIndex::Type::Table) {
      if (x.tableIndex < profile->xtable.size()) {
        const std::string &entry = profile->xtable[x.tableIndex];
        if (namesStack(entry))
          stack = stackedTarget(policy, *profile, ns, entry);
        else
          target = tableTarget(policy, *profile, ns, entry);
      }
    } else if (x.type == ExecIndex::Type::Name) {
      AttachResult a = findAttachment(x.child ? policy.children(*profile) : policy.topLevel(profile->ns ? profile->ns : ns),
                                      request.path, request.xattrs);
      target = a.profile;
      attachConflict = a.conflict;
    }
    if (stack) {
      // The task runs under the whole stack (every profile of it decides
      // what it does next: decision.cpp's decideStack).
      next = Transition{execModeName(x), *stack, !x.unsafe, false};
    } else if (target) {
      ExecIndex shown = x;
      shown.child = x.child || target->parentName() == profile->name;  // a cx -> name entry
      next = Transition{execModeName(shown), target->name, !x.unsafe && target != profile, false};
    } else if (x.inherit) {
      next = Transition{execModeName(x), profile->name, false, x.type != ExecIndex::Type::None};
      d.info = "ix fallback";
    } else if (x.unconfined) {
      next = Transition{execModeName(x), "unconfined", !x.unsafe, x.type != ExecIndex::Type::None};
      d.info = "ux fallback";
    } else {
      error = EACCES;
      d.info = attachConflict ? "conflicting profile attachments" : "profile transition not found";
      perms.allow &= ~perm::kExec;
    }
  } else if (profile->mode == ProfileMode::Complain) {
    // Learning: the task goes on in a null profile under this one.
    error = EACCES;
    next = Transition{"learning", profile->name + "//null-" + request.path, false, false};
  } else {
    error = EACCES;
  }
  CheckResult c = checkFile(*profile, perms, perm::kExec, options.auditMode);
  // The exec's own error decides whether it fails; the audit record
  // follows the permissions (a missing target in complain mode is logged
  // ALLOWED, yet the exec fails).
  if (error && c.verdict == Verdict::Allow && !next)
    c.verdict = Verdict::Deny;
  applyCheck(c, perm::kExec, d);
  if (d.verdict == Verdict::Allow && !next)
    d.verdict = Verdict::Deny;
  if (d.verdict == Verdict::Deny) {
    d.error = error ? error : EACCES;
    next.reset();
  }
  d.transition = next;
  if (profile->sources && options.explain) {
    const dfa::RuleSet &set = profile->sources->fileRules;
    const dfa::Dfa *automaton = profile->sources->fileDfa ? &*profile->sources->fileDfa : nullptr;
    for (size_t i : dfa::rulesMatching(set, request.path, automaton)) {
      const auto &f = set.flags[set.rules[i].flag];
      if (filePerms(f.perms, 0, request.owner).allow & perm::kExec)
        d.rules.push_back({set.origins[i], f.mode == dfa::FlagMode::Deny});
    }
  }
  return d;
}

} // namespace aasim::simulator

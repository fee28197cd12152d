#include "policy_diff.h"

#include "exec.h"
#include "kernel_perms.h"
#include "operation_syntax.h"
#include "witness_request.h"

#include "dfa/equivalence.h"
#include "dfa/product_walk.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>

namespace aasim::simulator {

const char *diffVerdictName(DiffVerdict v) {
  switch (v) {
  case DiffVerdict::Equivalent: return "equivalent";
  case DiffVerdict::MorePermissive: return "more permissive";
  case DiffVerdict::LessPermissive: return "less permissive";
  case DiffVerdict::Incomparable: return "incomparable";
  case DiffVerdict::Changed: return "changed";
  }
  return "?";
}

const char *changeName(Change c) {
  switch (c) {
  case Change::NewlyAllowed: return "newly allowed";
  case Change::NewlyDenied: return "newly denied";
  case Change::Logging: return "logging changed";
  case Change::Transition: return "transition changed";
  }
  return "?";
}

namespace {

DiffVerdict combine(bool more, bool less, bool other) {
  if (more && less)
    return DiffVerdict::Incomparable;
  if (more)
    return DiffVerdict::MorePermissive;
  if (less)
    return DiffVerdict::LessPermissive;
  return other ? DiffVerdict::Changed : DiffVerdict::Equivalent;
}

} // namespace

DiffVerdict ClassDiff::verdict() const { return combine(morePermissive, lessPermissive, otherChange); }

DiffVerdict ProfileDiff::verdict() const {
  // A profile added or removed changes which programs run confined:
  // neither side is simply more permissive.
  if (status == Status::Added || status == Status::Removed)
    return DiffVerdict::Changed;
  bool more = false, less = false, other = false;
  for (const auto &c : classes) {
    more |= c.morePermissive;
    less |= c.lessPermissive;
    other |= c.otherChange;
  }
  return combine(more, less, other);
}

namespace {


// An automaton that accepts nothing: the side of a comparison whose
// profile lacks the table.
const dfa::KernelDfa &emptyKernelDfa() {
  static const dfa::KernelDfa empty = [] {
    dfa::KernelDfa d;
    d.accept = {0, 0};
    d.base = {0, 0};
    d.def = {0, 0};
    d.next.assign(256, 0);
    d.check.assign(256, UINT32_MAX);
    return d;
  }();
  return empty;
}

const dfa::KernelDfa &tableOf(const std::optional<dfa::KernelDfa> &t) { return t ? *t : emptyKernelDfa(); }

// An exec index as its rule would write it, with a named target resolved
// through the profile's transition table.
std::string transitionText(const LoadedProfile &p, const ExecIndex &x) {
  std::string mode = execModeName(x);
  if (x.type != ExecIndex::Type::Table)
    return mode;
  if (x.tableIndex >= p.xtable.size())
    return mode + " -> <missing table entry>";
  std::string target = p.xtable[x.tableIndex];
  for (char &c : target)
    if (c == '\0')
      c = ':';
  return mode + " -> " + dfa::showBytes(target);
}

std::string bitsText(uint32_t bits, bool file) {
  return file ? fileMaskString(bits) : fmt::format("{:#x}", bits);
}

// What a side makes of `bits` at a state: "allowed (Px -> gzip)", "denied".
std::string accessText(const LoadedProfile &p, const Perms &perms, uint32_t bits, bool file) {
  if ((perms.allow & bits) != bits)
    return (perms.allow & bits) ? fmt::format("allows only {}", bitsText(perms.allow & bits, file)) : "denied";
  if (file && (bits & perm::kExec))
    return fmt::format("allowed ({})", transitionText(p, perms.xindex));
  return "allowed";
}

std::string loggingText(const Perms &perms, uint32_t bits) {
  std::vector<std::string> parts;
  if (perms.audit & bits)
    parts.push_back("audit");
  if (perms.quiet & bits)
    parts.push_back("quiet");
  if (perms.kill & bits)
    parts.push_back("kill");
  if (parts.empty())
    return "logged by default";
  std::string out;
  for (const auto &s : parts)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The comparison of one automaton pair (file, a policy class, xmatch):
// every reachable pair of states, a witness for the first pair showing
// each kind of change.
struct PermsComparison {
  const LoadedProfile &before, &after;
  ClassDiff &out;
  bool file;  // the file automaton (words and masks as file permissions)
  size_t limit;
  std::array<size_t, 4> found{};

  bool allFound() const {
    return std::all_of(found.begin(), found.end(), [&](size_t n) { return n >= limit; });
  }

  void witness(Change c, const std::string &input, std::vector<std::string> words, std::string was, std::string now) {
    auto i = static_cast<size_t>(c);
    if (found[i] >= limit)
      return;
    for (const auto &w : out.witnesses)
      if (w.change == c && input.compare(0, w.input.size(), w.input) == 0)
        return;  // a longer way to a change already shown
    ++found[i];
    out.witnesses.push_back({c, input, std::move(words), std::move(was), std::move(now)});
  }

  std::vector<std::string> wordsFor(const std::string &input, uint32_t bits, bool owner) const {
    return file ? fileWitnessWords(input, bits, owner) : policyWitnessWords(input, bits);
  }

  void compare(const std::string &input, const Perms &o, const Perms &n, bool owner) {
    if (uint32_t gained = n.allow & ~o.allow) {
      out.morePermissive = true;
      witness(Change::NewlyAllowed, input, wordsFor(input, gained, owner), accessText(before, o, gained, file),
              accessText(after, n, gained, file));
    }
    if (uint32_t lost = o.allow & ~n.allow) {
      out.lessPermissive = true;
      witness(Change::NewlyDenied, input, wordsFor(input, lost, owner), accessText(before, o, lost, file),
              accessText(after, n, lost, file));
    }
    if (uint32_t bits = (o.audit ^ n.audit) | (o.quiet ^ n.quiet) | (o.kill ^ n.kill)) {
      out.otherChange = true;
      witness(Change::Logging, input, wordsFor(input, bits, owner), loggingText(o, bits), loggingText(n, bits));
    }
    if (file && (o.allow & n.allow & perm::kExec)) {
      std::string was = transitionText(before, o.xindex), now = transitionText(after, n.xindex);
      if (was != now) {
        out.otherChange = true;
        witness(Change::Transition, input, wordsFor(input, perm::kExec, owner), was, now);
      }
    }
  }
};

ClassDiff compareFiles(const LoadedProfile &before, const LoadedProfile &after, size_t limit) {
  ClassDiff out;
  out.ruleClass = "file";
  const dfa::KernelDfa &o = tableOf(before.file), &n = tableOf(after.file);
  PermsComparison cmp{before, after, out, true, limit};
  dfa::ProductWalk walk(dfa::KernelDfaView{o}, dfa::KernelDfaView{n});
  walk.run(
      dfa::KernelDfa::kStart, dfa::KernelDfa::kStart,
      [&](uint32_t l, uint32_t r) {
        if (o.accept[l] == n.accept[r] && (o.accept2.empty() ? 0 : o.accept2[l]) == (n.accept2.empty() ? 0 : n.accept2[r]) &&
            before.xtable == after.xtable)
          return true;  // the same words mean the same permissions (the input is built only for a difference)
        std::string input = walk.input();
        for (bool owner : {true, false})
          cmp.compare(input, filePermsAt(o, l, owner), filePermsAt(n, r, owner), owner);
        return !cmp.allFound();
      },
      [](uint32_t l, uint32_t r) { return l != 0 || r != 0; });
  return out;
}

ClassDiff comparePolicyClass(const LoadedProfile &before, const LoadedProfile &after, uint8_t cls, size_t limit) {
  ClassDiff out;
  out.ruleClass = policyClassName(cls);
  uint32_t so = before.classStart(cls), sn = after.classStart(cls);
  if (!so || !sn) {
    // A class the kernel does not mediate for a profile allows everything.
    out.notes.push_back(fmt::format("{} is mediated only by the {} policy", out.ruleClass, so ? "old" : "new"));
    (so ? out.morePermissive : out.lessPermissive) = true;
    return out;
  }
  const dfa::KernelDfa &o = *before.policydb, &n = *after.policydb;
  PermsComparison cmp{before, after, out, false, limit};
  dfa::ProductWalk walk(dfa::KernelDfaView{o}, dfa::KernelDfaView{n});
  const std::string prefix(1, static_cast<char>(cls));
  walk.run(
      so, sn,
      [&](uint32_t l, uint32_t r) {
        // The word reaching the class start says nothing; perms start after it.
        if (o.accept[l] == n.accept[r] && (o.accept2.empty() ? 0 : o.accept2[l]) == (n.accept2.empty() ? 0 : n.accept2[r]) &&
            before.abi == after.abi)
          return true;
        cmp.compare(prefix + walk.input(), policyPermsAt(o, l, before.abi), policyPermsAt(n, r, after.abi), true);
        return !cmp.allFound();
      },
      [](uint32_t l, uint32_t r) { return l != 0 || r != 0; });
  return out;
}

ClassDiff compareCapabilities(const LoadedProfile &before, const LoadedProfile &after, size_t limit) {
  ClassDiff out;
  out.ruleClass = "capability";
  auto add = [&](Change c, uint64_t bits, std::string was, std::string now) {
    size_t n = 0;
    for (unsigned cap = 0; cap < 64 && n < limit; ++cap)
      if (bits >> cap & 1) {
        out.witnesses.push_back({c, capabilityName(cap), {"capability", capabilityName(cap)}, was, now});
        ++n;
      }
  };
  if (uint64_t gained = after.capsAllow & ~before.capsAllow) {
    out.morePermissive = true;
    add(Change::NewlyAllowed, gained, "denied", "allowed");
  }
  if (uint64_t lost = before.capsAllow & ~after.capsAllow) {
    out.lessPermissive = true;
    add(Change::NewlyDenied, lost, "allowed", "denied");
  }
  uint64_t logging = (before.capsAudit ^ after.capsAudit) | (before.capsQuiet ^ after.capsQuiet) |
                     (before.capsKill ^ after.capsKill);
  if (logging) {
    out.otherChange = true;
    unsigned cap = static_cast<unsigned>(__builtin_ctzll(logging));
    auto text = [cap](const LoadedProfile &p) {
      Perms perms;
      perms.audit = static_cast<uint32_t>(p.capsAudit >> cap & 1);
      perms.quiet = static_cast<uint32_t>(p.capsQuiet >> cap & 1);
      perms.kill = static_cast<uint32_t>(p.capsKill >> cap & 1);
      return loggingText(perms, 1);
    };
    add(Change::Logging, uint64_t{1} << cap, text(before), text(after));
  }
  return out;
}

ClassDiff compareAttachments(const LoadedProfile &before, const LoadedProfile &after, size_t limit) {
  ClassDiff out;
  out.ruleClass = "attachment";
  const dfa::KernelDfa &o = tableOf(before.xmatch), &n = tableOf(after.xmatch);
  size_t gained = 0, lost = 0;
  dfa::ProductWalk walk(dfa::KernelDfaView{o}, dfa::KernelDfaView{n}, /*outOfBand=*/true);
  walk.run(
      dfa::KernelDfa::kStart, dfa::KernelDfa::kStart,
      [&](uint32_t l, uint32_t r) {
        bool was = o.accept[l] & kMayExecAttach, now = n.accept[r] & kMayExecAttach;
        if (was == now || (now ? gained : lost) >= limit)
          return true;
        std::vector<size_t> outOfBand;
        std::string input = walk.input(&outOfBand);
        const Change kind = now ? Change::NewlyAllowed : Change::NewlyDenied;
        for (const auto &w : out.witnesses)
          if (w.change == kind && input.compare(0, w.input.size(), w.input) == 0)
            return true;
        std::vector<std::string> words;
        if (outOfBand.empty())
          words = {"exec", input};
        ++(now ? gained : lost);
        out.witnesses.push_back({kind, input, std::move(words), was ? "attaches" : "does not attach",
                                 now ? "attaches" : "does not attach"});
        return gained < limit || lost < limit;
      },
      [](uint32_t l, uint32_t r) { return l != 0 || r != 0; });
  // Attaching to more programs confines more of them: neither side of
  // permissive, a change of what runs where.
  out.otherChange = gained || lost;
  if (before.xattrs != after.xattrs) {
    out.otherChange = true;
    out.notes.push_back("the xattrs the attachment tests changed");
  }
  if (before.xmatchLen != after.xmatchLen && before.xmatch && after.xmatch) {
    out.otherChange = true;
    out.notes.push_back(fmt::format("the attachment's specificity changed ({} -> {}): it may win or lose against "
                                    "other profiles' attachments",
                                    before.xmatchLen, after.xmatchLen));
  }
  return out;
}

const char *modeText(ProfileMode m) {
  switch (m) {
  case ProfileMode::Enforce: return "enforce";
  case ProfileMode::Complain: return "complain";
  case ProfileMode::Kill: return "kill";
  case ProfileMode::Unconfined: return "unconfined";
  }
  return "?";
}

ClassDiff compareProfileFlags(const LoadedProfile &before, const LoadedProfile &after) {
  ClassDiff out;
  out.ruleClass = "profile";
  if (before.mode != after.mode) {
    out.notes.push_back(fmt::format("mode {} -> {}", modeText(before.mode), modeText(after.mode)));
    auto lenient = [](ProfileMode m) { return m == ProfileMode::Complain || m == ProfileMode::Unconfined; };
    if (lenient(after.mode) && !lenient(before.mode))
      out.morePermissive = true;
    else if (lenient(before.mode) && !lenient(after.mode))
      out.lessPermissive = true;
    else
      out.otherChange = true;
  }
  if (before.auditAll != after.auditAll) {
    out.notes.push_back(after.auditAll ? "flags=(audit) added: every access is logged" : "flags=(audit) removed");
    out.otherChange = true;
  }
  if (before.hat != after.hat) {
    out.notes.push_back(after.hat ? "now a hat" : "no longer a hat");
    out.otherChange = true;
  }
  if (before.netAllowedAf != after.netAllowedAf) {
    out.notes.push_back("the network table (kernels without the policy's network class) differs");
    out.otherChange = true;
  }
  return out;
}

} // namespace

ProfileDiff diffProfile(const LoadedProfile &before, const LoadedProfile &after, const DiffOptions &options) {
  const size_t limit = std::max<size_t>(options.witnessesPerChange, 1);
  ProfileDiff d;
  d.name = after.name;
  auto keep = [&](ClassDiff c) {
    // Shown by kind, each kind shortest first (the order they were found).
    std::stable_sort(c.witnesses.begin(), c.witnesses.end(),
                     [](const Witness &a, const Witness &b) { return a.change < b.change; });
    if (!c.witnesses.empty() || !c.notes.empty() || c.morePermissive || c.lessPermissive || c.otherChange)
      d.classes.push_back(std::move(c));
  };
  keep(compareProfileFlags(before, after));
  keep(compareAttachments(before, after, limit));
  keep(compareFiles(before, after, limit));
  keep(compareCapabilities(before, after, limit));
  const bool filesApart = before.file || after.file;  // file rules are compared on the file automaton
  for (unsigned cls = 1; cls < 256; ++cls) {
    if (cls == policy_class::kFile && filesApart)
      continue;
    if (before.classStart(static_cast<uint8_t>(cls)) || after.classStart(static_cast<uint8_t>(cls)))
      keep(comparePolicyClass(before, after, static_cast<uint8_t>(cls), limit));
  }
  return d;
}

namespace {

std::string key(const LoadedProfile &p) { return p.ns ? ":" + *p.ns + ":" + p.name : p.name; }

bool sameAutomata(const LoadedProfile &a, const LoadedProfile &b) {
  return a.file == b.file && a.policydb == b.policydb && a.xmatch == b.xmatch && a.capsAllow == b.capsAllow &&
         a.xtable == b.xtable;
}

} // namespace

PolicyDiff diffPolicies(const LoadedPolicy &before, const LoadedPolicy &after, const DiffOptions &options) {
  PolicyDiff out;
  std::map<std::string, const LoadedProfile *> old, now;
  for (const auto &p : before.profiles())
    old.emplace(key(p), &p);
  for (const auto &p : after.profiles())
    now.emplace(key(p), &p);
  std::vector<const LoadedProfile *> removed, added;
  for (auto &[name, p] : old) {
    auto it = now.find(name);
    if (it == now.end()) {
      removed.push_back(p);
      continue;
    }
    ++out.comparedProfiles;
    ProfileDiff d = diffProfile(*p, *it->second, options);
    d.name = name;
    if (!d.classes.empty())
      out.profiles.push_back(std::move(d));
  }
  for (auto &[name, p] : now)
    if (!old.count(name))
      added.push_back(p);
  // A rename keeps the automata, or at least the attachment.
  std::vector<bool> matched(added.size());
  for (const LoadedProfile *r : removed) {
    std::optional<size_t> pick;
    for (size_t i = 0; i < added.size() && !pick; ++i)
      if (!matched[i] && sameAutomata(*r, *added[i]))
        pick = i;
    for (size_t i = 0; i < added.size() && !pick; ++i)
      if (!matched[i] && r->xmatch && r->xmatch == added[i]->xmatch)
        pick = i;
    if (!pick) {
      out.profiles.push_back({ProfileDiff::Status::Removed, key(*r), {}, {}});
      continue;
    }
    matched[*pick] = true;
    ProfileDiff d = diffProfile(*r, *added[*pick], options);
    d.status = ProfileDiff::Status::Renamed;
    d.name = key(*added[*pick]);
    d.oldName = key(*r);
    out.profiles.push_back(std::move(d));
  }
  for (size_t i = 0; i < added.size(); ++i)
    if (!matched[i])
      out.profiles.push_back({ProfileDiff::Status::Added, key(*added[i]), {}, {}});
  return out;
}

} // namespace aasim::simulator

#include "lint.h"

#include "exec.h"
#include "kernel_perms.h"
#include "operation_syntax.h"
#include "rule_groups.h"

#include "dfa/builder.h"
#include "dfa/equivalence.h"
#include "dfa/product_walk.h"
#include "dfa/regex.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace aasim::simulator {

const std::vector<std::pair<std::string, std::string>> &lintKinds() {
  static const std::vector<std::pair<std::string, std::string>> kKinds = {
      {"redundant", "the profile compiles to the same automaton without this rule"},
      {"shadowed", "deny rules take away everything this allow rule grants"},
      {"missing-target", "a named exec transition names no loaded profile"},
      {"no-attachment", "no profile attaches to any program this px/cx rule runs"},
      {"unconfined-exec", "programs run (or may fall back to running) unconfined"},
      {"dangerous-capability", "a capability that can undo the confinement"},
      {"sensitive-write", "write access to a file that controls the system's security"},
      {"dead", "no event of the trace used this rule"}};
  return kKinds;
}

namespace {

bool matches(const dfa::StatePerms &p) { return !p.empty(); }

// The rules a group's strings can meet: those whose flag the whole
// automaton holds where the group matches (rules share flags, so a few
// more may come along; they are in both sides of every comparison).
std::vector<size_t> overlapping(const dfa::RuleSet &set, const RuleGroup &g, const dfa::Dfa &groupDfa,
                                const dfa::Dfa &whole) {
  std::set<uint32_t> flags;
  dfa::ProductWalk walk(dfa::DfaView{groupDfa}, dfa::DfaView{whole});
  walk.run(
      dfa::Dfa::kStart, dfa::Dfa::kStart,
      [&](uint32_t l, uint32_t r) {
        if (matches(groupDfa.perms[l]))
          flags.insert(whole.acceptFlags[r].begin(), whole.acceptFlags[r].end());
        return true;
      },
      [](uint32_t l, uint32_t r) { return l != dfa::Dfa::kDead && r != dfa::Dfa::kDead; });
  std::vector<size_t> out;
  for (size_t i = 0; i < set.rules.size(); ++i)
    if (flags.count(set.rules[i].flag) || std::find(g.rules.begin(), g.rules.end(), i) != g.rules.end())
      out.push_back(i);
  return out;
}

// A shortest string the group matches.
std::optional<std::string> shortestMatch(const dfa::Dfa &d) {
  std::optional<std::string> found;
  dfa::ProductWalk walk(dfa::DfaView{d}, dfa::DfaView{d});
  walk.run(
      dfa::Dfa::kStart, dfa::Dfa::kStart,
      [&](uint32_t l, uint32_t) {
        if (!matches(d.perms[l]))
          return true;
        found = walk.input();
        return false;
      },
      [](uint32_t l, uint32_t) { return l != dfa::Dfa::kDead; });
  return found;
}

bool inGroup(const RuleGroup &g, size_t i) { return std::find(g.rules.begin(), g.rules.end(), i) != g.rules.end(); }

std::vector<dfa::RuleOrigin> ruleOrigins(const dfa::RuleSet &set, const std::vector<size_t> &rules, const RuleGroup &g,
                                         size_t limit = 3) {
  std::vector<dfa::RuleOrigin> out;
  std::set<std::pair<uint32_t, uint32_t>> seen;
  for (size_t i : rules) {
    if (inGroup(g, i) || !seen.emplace(set.origins[i].loc.file, set.origins[i].loc.offset).second)
      continue;
    out.push_back(set.origins[i]);
    if (out.size() == limit)
      break;
  }
  return out;
}

struct Linter {
  const LoadedPolicy &policy;
  const LoadedProfile &profile;
  const LintOptions &options;
  std::vector<LintFinding> out;

  void add(std::string kind, std::string level, const dfa::RuleOrigin &rule, std::string message,
           std::vector<dfa::RuleOrigin> related = {}) {
    LintFinding f;
    f.kind = std::move(kind);
    f.level = std::move(level);
    f.profile = profile.name;
    f.rule = rule;
    f.message = std::move(message);
    f.related = std::move(related);
    out.push_back(std::move(f));
  }

  // Redundant and shadowed rules of one automaton's rule set.
  void coverage(const dfa::RuleSet &set, const std::optional<dfa::Dfa> &whole, dfa::DfaKind kind) {
    if (!whole)
      return;
    SubsetBuilder builder(set, kind, options.version);
    for (const RuleGroup &g : ruleGroups(set)) {
      if (options.judged && !options.judged(g.origin))
        continue;
      auto alone = builder.build(g.rules);
      if (!alone)
        continue;
      std::vector<size_t> near = overlapping(set, g, *alone, *whole);
      bool allows = std::any_of(g.rules.begin(), g.rules.end(),
                                [&](size_t i) { return set.flags[set.rules[i].flag].mode == dfa::FlagMode::Allow; });
      if (allows) {
        // Shadowed: with the deny rules it meets, the rule grants nothing.
        std::vector<size_t> withDenies = g.rules;
        std::vector<size_t> denies;
        for (size_t i : near)
          if (!inGroup(g, i) && set.flags[set.rules[i].flag].mode == dfa::FlagMode::Deny) {
            withDenies.push_back(i);
            denies.push_back(i);
          }
        if (!denies.empty()) {
          auto shadowed = builder.build(withDenies);
          if (shadowed && std::all_of(shadowed->perms.begin(), shadowed->perms.end(),
                                      [](const dfa::StatePerms &p) { return p.allow == 0; })) {
            add("shadowed", "warning", g.origin, "deny rules take away everything this rule grants",
                ruleOrigins(set, denies, g));
            continue;
          }
        }
      }
      std::vector<size_t> without;
      for (size_t i : near)
        if (!inGroup(g, i))
          without.push_back(i);
      auto with = builder.build(near), rest = builder.build(without);
      if (with && rest && !dfa::firstDifference(*with, *rest)) {
        // The rules that cover it, named on a shortest string it matches.
        std::optional<std::string> sample = shortestMatch(*alone);
        std::vector<size_t> covering = sample ? dfa::rulesMatching(set, *sample, &*whole) : std::vector<size_t>{};
        add("redundant", "warning", g.origin, "other rules of the profile already grant (and log) all it does",
            ruleOrigins(set, covering, g));
      }
    }
  }

  // Exec transitions and grants that give the confinement away.
  void grants(const dfa::RuleSet &set) {
    SubsetBuilder builder(set, dfa::DfaKind::File, options.version);
    static const std::vector<std::string> kSensitive = {
        "/etc/shadow",         "/etc/gshadow",       "/etc/sudoers",     "/etc/sudoers.d/a",
        "/etc/apparmor.d/a",   "/etc/apparmor/parser.conf",             "/etc/ld.so.preload",
        "/etc/passwd",         "/root/.ssh/authorized_keys",            "/boot/a",
        "/dev/mem",            "/dev/kmem",          "/sys/kernel/security/apparmor/policy/a",
        "/proc/1/attr/current", "/proc/1/attr/apparmor/current",        "/usr/bin/a",
        "/etc/cron.d/a",       "/etc/systemd/system/a.service"};
    for (const RuleGroup &g : ruleGroups(set)) {
      if (options.judged && !options.judged(g.origin))
        continue;
      for (size_t i : g.rules) {
        const dfa::RuleFlag &f = set.flags[set.rules[i].flag];
        if (f.mode != dfa::FlagMode::Allow)
          continue;
        // Either half of the accept word: owner or other.
        Perms owner = filePerms(f.perms, 0, true), other = filePerms(f.perms, 0, false);
        const Perms &p = (owner.allow & perm::kExec) ? owner : other;
        if (p.allow & perm::kExec) {
          exec(set, g, p.xindex, builder);
          break;
        }
      }
      bool writes = std::any_of(g.rules.begin(), g.rules.end(), [&](size_t i) {
        const dfa::RuleFlag &f = set.flags[set.rules[i].flag];
        return f.mode == dfa::FlagMode::Allow &&
               ((filePerms(f.perms, 0, true).allow | filePerms(f.perms, 0, false).allow) & (perm::kWrite | perm::kAppend));
      });
      if (!writes)
        continue;
      auto alone = builder.build(g.rules);
      if (!alone)
        continue;
      for (const auto &path : kSensitive) {
        uint32_t s = alone->walk(path);
        if (s == dfa::Dfa::kDead)
          continue;
        uint32_t bits = filePerms(alone->perms[s].allow, 0, true).allow | filePerms(alone->perms[s].allow, 0, false).allow;
        if (bits & (perm::kWrite | perm::kAppend)) {
          add("sensitive-write", "warning", g.origin, fmt::format("grants write access to {}", path));
          break;
        }
      }
    }
  }

  void exec(const dfa::RuleSet &set, const RuleGroup &g, const ExecIndex &x, SubsetBuilder &builder) {
    const std::string mode = execModeName(x);
    if (x.unconfined && x.type == ExecIndex::Type::None) {
      add("unconfined-exec", "warning", g.origin,
          fmt::format("{}: the programs it runs are not confined at all{}", mode,
                      x.unsafe ? ", and their environment is not scrubbed" : ""));
      return;
    }
    const bool fallback = x.inherit || x.unconfined;
    if (x.unconfined)
      add("unconfined-exec", "warning", g.origin,
          fmt::format("{}: falls back to running the program unconfined when no profile attaches", mode));
    if (x.type == ExecIndex::Type::Table) {
      if (x.tableIndex >= profile.xtable.size())
        return;
      const std::string &entry = profile.xtable[x.tableIndex];
      if (!tableEntryTarget(policy, profile, entry)) {
        std::string shown = entry;
        std::replace(shown.begin(), shown.end(), '\0', ':');
        add("missing-target", fallback ? "warning" : "error", g.origin,
            fmt::format("{} -> {}: no such profile is loaded; the exec {}", mode, shown,
                        fallback ? "falls back" : "fails (profile transition not found)"));
      }
      return;
    }
    if (x.type == ExecIndex::Type::Name) {
      auto alone = builder.build(g.rules);
      if (!alone)
        return;
      auto candidates = x.child ? policy.children(profile) : policy.topLevel(profile.ns);
      if (attachingProfiles(*alone, candidates).empty())
        add("no-attachment", fallback ? "warning" : "error", g.origin,
            fmt::format("{}: no {} attaches to any program this rule runs; the exec {}", mode,
                        x.child ? "child profile" : "profile", fallback ? "falls back" : "fails"));
    }
  }

  void capabilities() {
    static const std::vector<std::pair<unsigned, const char *>> kDangerous = {
        {21, "administers the system (mount, namespaces, much more)"},
        {16, "loads kernel modules"},
        {17, "raw I/O to devices and memory"},
        {19, "traces any process"},
        {32, "overrides mandatory access control"},
        {33, "changes mandatory access control policy"},
        {1, "bypasses file permission checks"},
        {2, "bypasses file read and directory search checks"},
        {39, "loads BPF programs"},
        {22, "reboots the system"}};
    for (auto [cap, why] : kDangerous)
      if (profile.capsAllow >> cap & 1) {
        LintFinding f;
        f.kind = "dangerous-capability";
        f.level = "warning";
        f.profile = profile.name;
        f.rule.text = "capability " + capabilityName(cap);
        f.message = fmt::format("capability {}: {}", capabilityName(cap), why);
        f.capability = cap;
        out.push_back(std::move(f));
      }
  }
};

} // namespace

std::vector<LintFinding> lintProfile(const LoadedPolicy &policy, const LoadedProfile &profile,
                                     const LintOptions &options) {
  Linter l{policy, profile, options, {}};
  if (profile.sources) {
    l.coverage(profile.sources->fileRules, profile.sources->fileDfa, dfa::DfaKind::File);
    l.coverage(profile.sources->policyRules, profile.sources->policyDfa, dfa::DfaKind::Policy);
    l.grants(profile.sources->fileRules);
  }
  l.capabilities();
  return std::move(l.out);
}

} // namespace aasim::simulator

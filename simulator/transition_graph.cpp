#include "transition_graph.h"

#include "exec.h"
#include "kernel_perms.h"
#include "rule_groups.h"

#include "dfa/product_walk.h"

#include <algorithm>
#include <map>

namespace aasim::simulator {

namespace {

template <class View> std::string shortestAccepted(View view, uint32_t start, bool (*accepts)(const View &, uint32_t)) {
  std::string found;
  bool any = false;
  dfa::ProductWalk walk(view, view);
  walk.run(
      start, start,
      [&](uint32_t s, uint32_t) {
        if (!accepts(view, s))
          return true;
        found = walk.input();
        any = true;
        return false;
      },
      [](uint32_t s, uint32_t) { return s != 0; });
  return any ? found : std::string();
}

bool xmatchAccepts(const dfa::KernelDfaView &v, uint32_t s) { return v.dfa.accept[s] & kMayExecAttach; }
bool ruleAccepts(const dfa::DfaView &v, uint32_t s) { return !v.dfa.perms[s].empty(); }

// The allow entry of a group with these bits, owner half first.
std::optional<Perms> groupPerms(const dfa::RuleSet &set, const RuleGroup &g, uint32_t bits) {
  for (size_t i : g.rules) {
    const dfa::RuleFlag &f = set.flags[set.rules[i].flag];
    if (f.mode != dfa::FlagMode::Allow)
      continue;
    for (bool owner : {true, false}) {
      Perms p = filePerms(f.perms, 0, owner);
      if (p.allow & bits)
        return p;
    }
  }
  return std::nullopt;
}

} // namespace

TransitionGraph transitionGraph(const LoadedPolicy &policy, dfa::LanguageVersion version) {
  TransitionGraph g;
  std::map<std::string, size_t> nodeOf;
  for (const auto &p : policy.profiles()) {
    TransitionNode n;
    n.profile = p.name;
    n.hat = p.hat;
    n.child = !p.hat && p.name.find("//") != std::string::npos;
    if (p.xmatch)
      n.attachesTo = shortestAccepted(dfa::KernelDfaView{*p.xmatch}, dfa::KernelDfa::kStart, xmatchAccepts);
    else if (!n.child && !n.hat && !p.name.empty() && p.name[0] == '/')
      n.attachesTo = p.name;  // a profile named by a path attaches to it
    n.reachable = !n.attachesTo.empty() || n.hat;  // hats: by change_hat
    nodeOf[p.name] = g.nodes.size();
    g.nodes.push_back(std::move(n));
  }
  for (const auto &p : policy.profiles()) {
    if (!p.sources)
      continue;
    const dfa::RuleSet &set = p.sources->fileRules;
    SubsetBuilder builder(set, dfa::DfaKind::File, version);
    for (const RuleGroup &group : ruleGroups(set)) {
      auto exec = groupPerms(set, group, perm::kExec);
      auto change = groupPerms(set, group, perm::kChangeProfile | perm::kOnexec);
      if (!exec && !change)
        continue;
      auto automaton = builder.build(group.rules);
      if (!automaton)
        continue;
      TransitionEdge e;
      e.from = p.name;
      e.rule = group.origin;
      if (change) {
        e.kind = "change_profile";
        e.mode = "change_profile";
        for (const auto &q : policy.profiles()) {
          uint32_t s = automaton->walk(q.name);
          if (s != dfa::Dfa::kDead && !automaton->perms[s].empty())
            e.to.push_back(q.name);
        }
        if (uint32_t s = automaton->walk("unconfined"); s != dfa::Dfa::kDead && !automaton->perms[s].empty())
          e.to.push_back("unconfined");
        g.edges.push_back(std::move(e));
        continue;
      }
      const ExecIndex &x = exec->xindex;
      e.kind = "exec";
      e.example = shortestAccepted(dfa::DfaView{*automaton}, dfa::Dfa::kStart, ruleAccepts);
      e.mode = execModeName(x);
      if (x.type != ExecIndex::Type::None && (x.inherit || x.unconfined))
        e.fallback = x.inherit ? "ix" : "ux";
      if (x.type == ExecIndex::Type::Table) {
        std::string entry = x.tableIndex < p.xtable.size() ? p.xtable[x.tableIndex] : std::string();
        if (auto target = tableEntryTarget(policy, p, entry)) {
          // `cx -> name` is written to the table like `px -> parent//name`.
          const LoadedProfile *t = policy.find(*target, p.ns);
          if (t && t->parentName() == p.name) {
            ExecIndex shown = x;
            shown.child = true;
            e.mode = execModeName(shown);
          }
          e.to.push_back(*target);
        } else {
          std::replace(entry.begin(), entry.end(), '\0', ':');
          e.missing = entry;
        }
      } else if (x.type == ExecIndex::Type::Name) {
        auto candidates = x.child ? policy.children(p) : policy.topLevel(p.ns);
        for (const LoadedProfile *c : attachingProfiles(*automaton, candidates))
          e.to.push_back(c->name);
        if (e.to.empty())
          e.missing = x.child ? "(no child profile attaches)" : "(no profile attaches)";
      } else if (x.inherit) {
        e.to.push_back(p.name);
      } else if (x.unconfined) {
        e.to.push_back("unconfined");
      }
      g.edges.push_back(std::move(e));
    }
  }
  for (const auto &e : g.edges)
    for (const auto &t : e.to)
      if (auto it = nodeOf.find(t); it != nodeOf.end() && t != e.from)
        g.nodes[it->second].reachable = true;
  return g;
}

} // namespace aasim::simulator

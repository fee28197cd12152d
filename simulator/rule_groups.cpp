#include "rule_groups.h"

#include "exec.h"

#include "dfa/product_walk.h"

#include <map>

namespace aasim::simulator {

std::vector<RuleGroup> ruleGroups(const dfa::RuleSet &set) {
  std::vector<RuleGroup> out;
  std::map<std::pair<uint32_t, uint32_t>, size_t> at;  // (file, offset) -> group
  for (size_t i = 0; i < set.rules.size(); ++i) {
    const dfa::RuleOrigin &o = set.origins[i];
    if (!o.loc.valid()) {
      out.push_back({o, {i}});
      continue;
    }
    auto [it, fresh] = at.try_emplace({o.loc.file, o.loc.offset}, out.size());
    if (fresh)
      out.push_back({o, {}});
    out[it->second].rules.push_back(i);
  }
  return out;
}

SubsetBuilder::SubsetBuilder(const dfa::RuleSet &set, dfa::DfaKind kind, dfa::LanguageVersion version) : set_(set) {
  options_.kind = kind;
  options_.auditSurvivesDeny = version == dfa::LanguageVersion::V3_0;
  for (const auto &regex : set.regexes) {
    dfa::RegexError error;
    roots_.push_back(dfa::parseRegex(regex, arena_, error));
  }
}

std::optional<dfa::Dfa> SubsetBuilder::build(const std::vector<size_t> &rules) {
  std::vector<dfa::RuleExpr> exprs;
  for (size_t i : rules) {
    if (!roots_[i])
      return std::nullopt;
    exprs.push_back({*roots_[i], set_.rules[i].flag});
  }
  dfa::BuildResult r = dfa::buildDfa(arena_, exprs, set_.flags, options_);
  return std::move(r.dfa);
}

std::vector<const LoadedProfile *> attachingProfiles(const dfa::Dfa &rule,
                                                     const std::vector<const LoadedProfile *> &candidates) {
  std::vector<const LoadedProfile *> out;
  for (const LoadedProfile *c : candidates) {
    if (!c->xmatch) {
      // Attached by its name alone (a plain path).
      std::string_view name = c->localName();
      uint32_t s = rule.walk(name);
      if (!name.empty() && name[0] == '/' && s != dfa::Dfa::kDead && !rule.perms[s].empty())
        out.push_back(c);
      continue;
    }
    bool found = false;
    dfa::ProductWalk walk(dfa::DfaView{rule}, dfa::KernelDfaView{*c->xmatch});
    walk.run(
        dfa::Dfa::kStart, dfa::KernelDfa::kStart,
        [&](uint32_t l, uint32_t r) {
          found = !rule.perms[l].empty() && (c->xmatch->accept[r] & kMayExecAttach);
          return !found;
        },
        [](uint32_t l, uint32_t r) { return l != dfa::Dfa::kDead && r != 0; });
    if (found)
      out.push_back(c);
  }
  return out;
}

} // namespace aasim::simulator

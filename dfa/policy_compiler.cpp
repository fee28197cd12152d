#include "policy_compiler.h"

#include "equivalence.h"
#include "minimize.h"

#include <fmt/format.h>

#include <algorithm>

namespace aasim::dfa {

using namespace frontend;
using namespace frontend::ast;

namespace {

bool ruleMatches(const FileRuleSet &set, size_t rule, const std::string &input) {
  RegexArena arena;
  RegexError err;
  auto root = parseRegex(set.regexes[rule], arena, err);
  if (!root)
    return false;
  std::vector<RuleFlag> one{RuleFlag{0, FlagMode::Allow, false, 1, 0}};
  auto built = buildDfa(arena, {{*root, 0}}, one, {});
  return built.dfa && built.dfa->perms[built.dfa->walk(input)].allow;
}

// Which rule with `flag` matches `witness`: the first such rule, or the
// first rule with the flag when none does on its own.
size_t ruleMatching(const FileRuleSet &set, uint32_t flag, const std::string &witness) {
  size_t fallback = set.rules.size();
  for (size_t i = 0; i < set.rules.size(); ++i) {
    if (set.rules[i].flag != flag)
      continue;
    if (fallback == set.rules.size())
      fallback = i;
    if (ruleMatches(set, i, witness))
      return i;
  }
  return fallback;
}


class Compiler {
public:
  Compiler(const Policy &policy, const VariableTable &vars, Diagnostics &diags, const CompileOptions &options)
      : vars_(vars), diags_(diags), options_(options) {
    for (const auto &item : policy.preamble)
      if (auto *a = std::get_if<Alias>(&item.node)) {
        ExpandError err;
        auto from = vars_.expandWord(a->from.text, err), to = vars_.expandWord(a->to.text, err);
        aliases_.emplace_back(from.value_or(a->from.text), to.value_or(a->to.text));
      }
  }

  void profile(const Profile &p, const std::string &parentName, std::vector<CompiledProfile> &out) {
    // Names may use variables; the profile is known by the expanded name.
    ExpandError nameErr;
    std::string name = nameWithoutNamespace(vars_.expandWord(p.name.text, nameErr).value_or(p.name.text));
    std::string full = parentName.empty() ? name : parentName + "//" + name;
    std::optional<std::string> attach;
    if (p.attachment) {
      ExpandError err;
      attach = vars_.expandWord(p.attachment->text, err);
    } else if (!name.empty() && name[0] == '/') {
      attach = name;
    }
    // 3.0.8 knows only @{profile_name}; a variable the policy defines
    // itself keeps its own value (roddhjav's profiles define @{exec_path}).
    auto automatic = automaticVariables(full, options_.version == LanguageVersion::V3_0 ? std::nullopt : attach);
    for (auto it = automatic.begin(); it != automatic.end();)
      it = vars_.exists(it->first) ? automatic.erase(it) : std::next(it);
    LoweringContext cx{vars_, std::move(automatic), full, name, options_.version, diags_,
                       p.kind == ProfileKind::Hat, hasChildren(p.body), aliases_, options_.kernelStacks};
    for (const auto &w : p.flags)
      if (w.text == "unconfined" || w.text == "default_allow")
        cx.unconfinedMode = true;
    size_t errorsBefore = diags_.errorCount();
    CompiledProfile cp;
    cp.name = full;
    cp.fileRules = lowerFileRules(p.body, cx);
    // Lowered even for a kernel without a policy DFA (then with every
    // class off): pivot_root targets take transition-table slots either way.
    const PolicyFeatures lowerFor = options_.features.policydb ? options_.features : PolicyFeatures{};
    RuleSet lowered = lowerPolicyRules(p.body, cx, lowerFor, cp.fileRules.xtable);
    if (options_.features.policydb)
      cp.policyRules = std::move(lowered);
    if (options_.records)
      buildRecord(cp, p);  // a failure is an error diagnostic: the profile is left out below
    headers_.push_back(cp.header);
    if (diags_.errorCount() == errorsBefore && buildFile(cp, p) && buildPolicy(cp, p))
      out.push_back(std::move(cp));
    children(p.body, full, out);
    headers_.pop_back();
  }

private:
  static bool hasChildren(const std::vector<Stmt> &body) {
    for (const auto &s : body) {
      if (std::holds_alternative<Profile>(s.node))
        return true;
      if (auto *b = std::get_if<PrefixBlock>(&s.node); b && hasChildren(b->body))
        return true;
      if (auto *c = std::get_if<Conditional>(&s.node); c && hasChildren(c->body))
        return true;
    }
    return false;
  }

  void children(const std::vector<Stmt> &body, const std::string &parent, std::vector<CompiledProfile> &out) {
    for (const auto &s : body) {
      if (auto *child = std::get_if<Profile>(&s.node))
        profile(*child, parent, out);
      else if (auto *b = std::get_if<PrefixBlock>(&s.node))
        children(b->body, parent, out);
      else if (auto *c = std::get_if<Conditional>(&s.node))
        children(c->body, parent, out);
    }
  }

  bool buildFile(CompiledProfile &cp, const Profile &p) {
    BuildOptions bo;
    bo.kind = DfaKind::File;
    bo.stateLimit = options_.stateLimit;
    bo.auditSurvivesDeny = options_.version == LanguageVersion::V3_0;
    BuildResult r = buildDfa(cp.fileRules.arena, cp.fileRules.rules, cp.fileRules.flags, bo);
    if (r.error) {
      if (r.error->kind == BuildError::Kind::ExecConflict) {
        uint32_t firstFlag = r.error->conflict.first;
        if (firstFlag >= cp.fileRules.flags.size())
          firstFlag = r.error->conflict.second;
        const RuleOrigin &a = cp.fileRules.origins[ruleMatching(cp.fileRules, firstFlag, r.error->witness)];
        const RuleOrigin &b =
            cp.fileRules.origins[ruleMatching(cp.fileRules, r.error->conflict.second, r.error->witness)];
        diags_.error(b.loc, fmt::format("profile {} has merged rule with conflicting x modifiers: '{}' and '{}' "
                                        "both match '{}'",
                                        cp.name, a.text, b.text, showBytes(r.error->witness)));
        diags_.report(Severity::Note, a.loc, fmt::format("'{}' is here", a.text));
      } else {
        diags_.error(p.loc, fmt::format("profile {}: {}", cp.name, r.error->message));
      }
      return false;
    }
    if (options_.minimize) {
      cp.fileDfa = minimize(*r.dfa, &cp.fileStats);
    } else {
      cp.fileStats = {r.dfa->stateCount(), r.dfa->stateCount(), 0};
      cp.fileDfa = std::move(*r.dfa);
    }
    return true;
  }

  // The record fields besides the file and policy automata.
  bool buildRecord(CompiledProfile &cp, const Profile &p) {
    std::string error;
    auto header = profileHeader(p, headers_.empty() ? nullptr : &headers_.back(), vars_, options_.recordFeatures,
                                aliases_, error);
    if (!header) {
      diags_.error(p.loc, fmt::format("profile {}: {}", cp.name, error));
      return false;  // the profile is left out; its children still get their own diagnostics
    }
    cp.header = std::move(*header);
    for (const auto &d : cp.header.downgrades)
      diags_.warning(p.loc, frontend::WarningFlag::RuleDowngraded, fmt::format("profile {}: {}", cp.name, d), cp.name);
    if (cp.header.xmatchRegex) {
      std::vector<std::string> values;
      for (const auto &x : cp.header.xattrs)
        values.push_back(x.valueRegex);
      cp.xmatch = buildAttachment(*cp.header.xmatchRegex, values, options_.stateLimit, error);
      if (!cp.xmatch) {
        diags_.error(p.loc, fmt::format("profile {}: {}", cp.name, error));
        return false;
      }
    }
    return true;
  }

  bool buildPolicy(CompiledProfile &cp, const Profile &p) {
    if (!options_.features.policydb)
      return true;
    BuildOptions bo;
    bo.kind = DfaKind::Policy;
    bo.stateLimit = options_.stateLimit;
    bo.auditSurvivesDeny = options_.version == LanguageVersion::V3_0;
    BuildResult r = buildDfa(cp.policyRules.arena, cp.policyRules.rules, cp.policyRules.flags, bo);
    if (r.error) {
      diags_.error(p.loc, fmt::format("profile {}: {}", cp.name, r.error->message));
      return false;
    }
    if (options_.minimize) {
      cp.policyDfa = minimize(*r.dfa, &cp.policyStats);
    } else {
      cp.policyStats = {r.dfa->stateCount(), r.dfa->stateCount(), 0};
      cp.policyDfa = std::move(*r.dfa);
    }
    return true;
  }

  const VariableTable &vars_;
  Diagnostics &diags_;
  const CompileOptions &options_;
  std::vector<std::pair<std::string, std::string>> aliases_;
  std::vector<ProfileHeader> headers_;  // of the enclosing profiles (children need their path and namespace)
};

} // namespace

std::vector<size_t> rulesMatching(const RuleSet &set, const std::string &input, const Dfa *automaton) {
  std::vector<size_t> out;
  const std::vector<uint32_t> *flags = nullptr;
  if (automaton)
    flags = &automaton->acceptFlags[automaton->walk(input)];
  for (size_t i = 0; i < set.rules.size(); ++i) {
    if (flags && !std::binary_search(flags->begin(), flags->end(), set.rules[i].flag))
      continue;
    if (ruleMatches(set, i, input))
      out.push_back(i);
  }
  return out;
}

std::vector<CompiledProfile> compilePolicy(const Policy &policy, const VariableTable &vars, Diagnostics &diags,
                                           const CompileOptions &options) {
  std::vector<CompiledProfile> out;
  Compiler c(policy, vars, diags, options);
  for (const auto &p : policy.profiles)
    c.profile(p, "", out);
  return out;
}

} // namespace aasim::dfa

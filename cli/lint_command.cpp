#include "lint_command.h"

#include "decision_output.h"
#include "policy_loader.h"
#include "report_formats.h"
#include "trace_input.h"

#include "simulator/audit_log.h"
#include "simulator/lint.h"
#include "simulator/operation_syntax.h"
#include "simulator/replay.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace aasim::cli {

namespace {

constexpr int kExitClean = 0, kExitFindings = 1, kExitUsage = 2;

using Place = std::pair<uint32_t, uint32_t>;  // (file, offset) of a rule
Place placeOf(const frontend::SourceLoc &loc) { return {loc.file, loc.offset}; }

std::string lower(std::string s) {
  for (char &c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Where each profile's `capability` rules are written: capability
// permissions are bits of the profile, named by no automaton.
struct CapabilityPlaces {
  std::map<std::pair<std::string, std::string>, frontend::SourceLoc> at;  // (profile, capability) -> rule

  void walk(const std::vector<frontend::ast::Stmt> &body, const std::string &profile) {
    using namespace frontend::ast;
    for (const Stmt &s : body) {
      if (const auto *c = std::get_if<CapabilityRule>(&s.node)) {
        if (c->prefix.mode != RuleMode::Deny)
          for (const Word &w : c->names)
            at.try_emplace({profile, lower(w.text)}, c->loc);
      } else if (const auto *b = std::get_if<PrefixBlock>(&s.node)) {
        if (b->prefix.mode != RuleMode::Deny)
          walk(b->body, profile);
      } else if (const auto *i = std::get_if<Conditional>(&s.node)) {
        walk(i->body, profile);
      } else if (const auto *p = std::get_if<Profile>(&s.node)) {
        walk(p->body, profile + "//" + frontend::ast::nameWithoutNamespace(p->name.text));
      }
    }
  }
};

} // namespace

int runLint(const LintCommand &c) {
  if (c.policyFiles.empty()) {
    fmt::print(stderr, "usage: aasim lint [-I DIR]... [-b DIR] [-M FEATURES] [--all] [--trace FILE]... [--json] "
                       "[--sarif FILE] POLICY...\n");
    return kExitUsage;
  }
  dfa::CompileOptions co = c.compile;
  auto fe = openFrontend(c.frontend, co);
  if (!fe)
    return kExitUsage;
  simulator::LoadedPolicy policy;
  std::vector<frontend::LoadedFile> sources;
  if (!loadPolicyFiles(*fe, c.policyFiles, {co, c.quiet}, policy, &sources))
    return kExitUsage;
  const frontend::SourceManager &sm = fe->sources();

  // The files the profiles are written in: their rules are judged, the
  // abstractions they include only with --all.
  std::set<uint32_t> profileFiles;
  CapabilityPlaces caps;
  for (const auto &f : sources)
    if (f.policy)
      for (const auto &p : f.policy->profiles) {
        profileFiles.insert(p.loc.file);
        caps.walk(p.body, frontend::ast::nameWithoutNamespace(p.name.text));
      }
  simulator::LintOptions options;
  options.version = c.compile.version;
  if (!c.all)
    options.judged = [&](const dfa::RuleOrigin &o) { return o.loc.valid() && profileFiles.count(o.loc.file); };

  std::vector<simulator::LintFinding> findings;
  for (const auto &p : policy.profiles()) {
    auto some = simulator::lintProfile(policy, p, options);
    for (auto &f : some) {
      if (f.kind == "dangerous-capability") {
        auto at = caps.at.find({p.name, simulator::capabilityName(f.capability)});
        if (at != caps.at.end())
          f.rule.loc = at->second;
      }
      findings.push_back(std::move(f));
    }
  }

  // Dead rules: the judged rules of the profiles a trace exercised that no
  // decision named.
  if (!c.traces.empty()) {
    std::set<Place> used;
    std::set<std::string> exercised;
    simulator::DecideOptions decide = c.decide;
    decide.explain = true;
    std::optional<simulator::Replayer> replayer;
    auto counts = readTraces(
        c.traces, c.format, [&](const std::string &) { replayer.emplace(policy, decide); },
        [&](const std::string &, const simulator::TraceEvent &e) {
          if (e.notDecided)
            return;
          simulator::ReplayStep step = replayer->step(e);
          if (!step.decision)
            return;
          exercised.insert(step.decision->profile);
          for (const auto &r : step.decision->rules)
            used.insert(placeOf(r.origin.loc));
        });
    if (!counts || counts->problems)
      return kExitUsage;  // dead rules from part of a trace would be wrong
    for (const auto &p : policy.profiles()) {
      if (!p.sources || !exercised.count(p.name))
        continue;
      std::set<Place> reported;
      for (const dfa::RuleSet *set : {&p.sources->fileRules, &p.sources->policyRules})
        for (const auto &o : set->origins) {
          if ((options.judged && !options.judged(o)) || used.count(placeOf(o.loc)) ||
              !reported.insert(placeOf(o.loc)).second)
            continue;
          simulator::LintFinding f;
          f.kind = "dead";
          f.level = "note";
          f.profile = p.name;
          f.rule = o;
          f.message = "no event of the trace used this rule";
          findings.push_back(std::move(f));
        }
    }
  }

  std::vector<Finding> report;
  for (const auto &f : findings) {
    const bool located = f.rule.loc.valid();
    std::string where = located ? describeLocation(sm, f.rule.loc) : "<profile " + f.profile + ">";
    std::string rule = located ? ruleText(sm, f.rule) : f.rule.text;
    if (c.json) {
      std::string related;
      for (const auto &r : f.related)
        related += fmt::format("{}{{\"location\":{},\"rule\":{}}}", related.empty() ? "" : ",",
                               simulator::jsonQuote(describeLocation(sm, r.loc)), simulator::jsonQuote(ruleText(sm, r)));
      fmt::print("{{\"kind\":\"{}\",\"level\":\"{}\",\"profile\":{},\"location\":{},\"rule\":{},\"message\":{},"
                 "\"related\":[{}]}}\n",
                 f.kind, f.level, simulator::jsonQuote(f.profile), simulator::jsonQuote(where),
                 simulator::jsonQuote(rule), simulator::jsonQuote(f.message), related);
    } else {
      fmt::print("{}: {}: [{}] profile {}: {}\n    {}\n", where, f.level, f.kind, f.profile, f.message, rule);
      for (const auto &r : f.related)
        fmt::print("  note: {} {}: {}\n", f.kind == "shadowed" ? "denied by" : "granted by",
                   describeLocation(sm, r.loc), ruleText(sm, r));
    }
    Finding out;
    out.ruleId = f.kind;
    out.level = f.level;
    out.message = fmt::format("profile {}: {}: {}", f.profile, f.message, rule);
    if (located) {
      frontend::LineCol lc = sm.lineCol(f.rule.loc);
      out.place = {sm.path(f.rule.loc.file), lc.line, lc.col};
    } else if (!c.policyFiles.empty()) {
      out.place = {c.policyFiles.front(), 0, 0};
    }
    for (const auto &r : f.related) {
      frontend::LineCol lc = sm.lineCol(r.loc);
      out.related.push_back({{sm.path(r.loc.file), lc.line, lc.col}, ruleText(sm, r)});
    }
    report.push_back(std::move(out));
  }
  if (c.sarif) {
    std::vector<ReportRule> rules;
    for (const auto &[id, description] : simulator::lintKinds())
      rules.push_back({id, description});
    if (!writeReport(*c.sarif, sarifLog(rules, report)))
      return kExitUsage;
  }
  std::fflush(stdout);
  std::map<std::string, size_t> byKind;
  for (const auto &f : findings)
    ++byKind[f.kind];
  std::string counts;
  for (const auto &[kind, n] : byKind)
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, kind);
  fmt::print(stderr, "aasim: {} profiles linted, {} findings{}\n", policy.profiles().size(), findings.size(),
             counts.empty() ? "" : " (" + counts + ")");
  return findings.empty() ? kExitClean : kExitFindings;
}

} // namespace aasim::cli

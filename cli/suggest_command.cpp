#include "suggest_command.h"

#include "decision_output.h"
#include "policy_loader.h"
#include "rule_suggestion.h"
#include "trace_input.h"

#include "frontend/include_resolver.h"
#include "simulator/audit_log.h"
#include "simulator/replay.h"
#include "simulator/spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace aasim::cli {

namespace {

constexpr int kExitProved = 0, kExitUnresolved = 1, kExitUsage = 2;

struct Denial {
  std::string trace;
  size_t line = 0;
  std::string profile;
  simulator::Request request;
  simulator::Decision decision;
};

struct Suggestion {
  std::string profile;
  std::string rule;                         // the smallest rule
  std::optional<std::string> abstraction;   // "abstractions/NAME" covering the access
  bool useAbstraction = false;
  std::vector<size_t> denials;              // indices into the denials
  std::optional<std::string> rejected;      // why it was dropped (a spec assertion)

  std::string text() const { return useAbstraction ? "include <" + *abstraction + ">" : rule; }
};

// Where a profile's body ends: new lines go before its closing brace.
struct ProfilePlace {
  std::string file;
  size_t offset = 0;  // of the closing brace
};

std::string readText(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void collectPlaces(const frontend::SourceManager &sm, const std::vector<frontend::ast::Stmt> &body,
                   const std::string &parent, std::map<std::string, ProfilePlace> &out);

void addPlace(const frontend::SourceManager &sm, const frontend::ast::Profile &p, const std::string &parent,
              std::map<std::string, ProfilePlace> &out) {
  std::string name = frontend::ast::nameWithoutNamespace(p.name.text);
  if (!name.empty() && name[0] == '^')
    name.erase(0, 1);
  std::string full = parent.empty() ? name : parent + "//" + name;
  if (p.closeLoc.valid())
    out.emplace(full, ProfilePlace{sm.path(p.closeLoc.file), p.closeLoc.offset});
  collectPlaces(sm, p.body, full, out);
}

void collectPlaces(const frontend::SourceManager &sm, const std::vector<frontend::ast::Stmt> &body,
                   const std::string &parent, std::map<std::string, ProfilePlace> &out) {
  for (const auto &s : body) {
    if (const auto *p = std::get_if<frontend::ast::Profile>(&s.node))
      addPlace(sm, *p, parent, out);
    else if (const auto *c = std::get_if<frontend::ast::Conditional>(&s.node))
      collectPlaces(sm, c->body, parent, out);
  }
}

// The text of `file` with lines inserted before the closing braces.
struct Insertion {
  size_t offset;
  std::string lines;  // whole lines, each ending in '\n'
};

std::string applyInsertions(std::string text, std::vector<Insertion> insertions) {
  std::sort(insertions.begin(), insertions.end(), [](const auto &a, const auto &b) { return a.offset > b.offset; });
  for (const auto &ins : insertions) {
    size_t lineStart = text.rfind('\n', ins.offset == 0 ? 0 : ins.offset - 1);
    lineStart = lineStart == std::string::npos ? 0 : lineStart + 1;
    bool braceAlone = text.find_first_not_of(" \t", lineStart) == ins.offset;
    if (braceAlone)
      text.insert(lineStart, ins.lines);
    else
      text.insert(ins.offset, "\n" + ins.lines);
  }
  return text;
}

// The indentation of rules in a profile whose closing brace is at `offset`.
std::string indentFor(const std::string &text, size_t offset) {
  size_t lineStart = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  lineStart = lineStart == std::string::npos ? 0 : lineStart + 1;
  size_t end = text.find_first_not_of(" \t", lineStart);
  return text.substr(lineStart, std::min(end, offset) - lineStart) + "  ";
}

// A unified diff of insertions (3 lines of context, nearby ones merged).
std::string unifiedDiff(const std::string &path, const std::string &before, const std::string &after) {
  std::vector<std::string> a, b;
  for (auto [text, out] : {std::pair{&before, &a}, std::pair{&after, &b}}) {
    std::stringstream in(*text);
    for (std::string l; std::getline(in, l);)
      out->push_back(l);
  }
  // Insertions only: walk both, marking the lines of `after` that are new.
  std::vector<bool> added(b.size(), false);
  size_t i = 0;
  for (size_t j = 0; j < b.size(); ++j) {
    if (i < a.size() && a[i] == b[j])
      ++i;
    else
      added[j] = true;
  }
  std::string out = fmt::format("--- a/{}\n+++ b/{}\n", path, path);
  size_t j = 0, oldLine = 0;  // oldLine: lines of `before` passed
  while (j < b.size()) {
    if (!added[j]) {
      ++j;
      ++oldLine;
      continue;
    }
    // A hunk from 3 lines before the first added line to 3 after the last
    // one that lies within 6 lines of the next.
    size_t start = j >= 3 ? j - 3 : 0, oldStart = oldLine - (j - start);
    size_t end = j;
    for (size_t k = j; k < b.size(); ++k) {
      if (added[k])
        end = k;
      else if (k - end > 6)
        break;
    }
    size_t stop = std::min(b.size(), end + 4);
    size_t oldCount = 0, newCount = stop - start;
    std::string body;
    for (size_t k = start; k < stop; ++k) {
      body += (added[k] ? "+" : " ") + b[k] + "\n";
      oldCount += !added[k];
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n{}", oldStart + 1, oldCount, start + 1, newCount, body);
    oldLine = oldStart + oldCount;
    j = stop;
  }
  return out;
}

struct Suggester {
  const SuggestCommand &c;
  dfa::CompileOptions compile;
  std::vector<std::string> sourceFiles;  // in load order
  std::map<std::string, std::string> originals;
  std::map<std::string, ProfilePlace> places;
  std::vector<Denial> denials;
  std::vector<Suggestion> suggestions;

  struct Loaded {
    std::unique_ptr<frontend::Frontend> fe;
    simulator::LoadedPolicy policy;
  };

  /// The policy with `patched` texts in place of their files (`only`: that
  /// file alone, for a probe of one profile).
  std::optional<Loaded> load(const std::map<std::string, std::string> &patched, bool quiet = true,
                             const std::string *only = nullptr) const {
    Loaded l;
    std::string error;
    l.fe = frontend::Frontend::create(c.frontend, error);
    if (!l.fe)
      return std::nullopt;
    for (const auto &file : sourceFiles) {
      if (only && file != *only)
        continue;
      auto it = patched.find(file);
      std::string text = it != patched.end() ? it->second : originals.at(file);
      if (!loadPolicySource(*l.fe, file, std::move(text), {compile, quiet}, l.policy))
        return std::nullopt;
    }
    return l;
  }

  std::map<std::string, std::string> patchedTexts(const std::vector<const Suggestion *> &active) const {
    std::map<std::string, std::vector<Insertion>> byFile;
    std::map<std::string, std::string> linesByProfile;
    for (const Suggestion *s : active)
      linesByProfile[s->profile] += indentFor(originals.at(places.at(s->profile).file), places.at(s->profile).offset) +
                                    s->text() + "\n";
    for (const auto &[profile, lines] : linesByProfile) {
      const ProfilePlace &p = places.at(profile);
      byFile[p.file].push_back({p.offset, lines});
    }
    std::map<std::string, std::string> out;
    for (auto &[file, ins] : byFile)
      out[file] = applyInsertions(originals.at(file), ins);
    return out;
  }

  std::vector<const Suggestion *> active() const {
    std::vector<const Suggestion *> out;
    for (const auto &s : suggestions)
      if (!s.rejected)
        out.push_back(&s);
    return out;
  }

  // The denials of the traces under `policy`: (trace, line) of each.
  std::optional<std::set<std::pair<std::string, size_t>>> deniedEvents(const simulator::LoadedPolicy &policy,
                                                                       std::vector<Denial> *collect) const {
    std::set<std::pair<std::string, size_t>> out;
    simulator::DecideOptions options = c.decide;
    options.explain = collect != nullptr;
    std::optional<simulator::Replayer> replayer;
    auto counts = readTraces(
        c.traces, c.format, [&](const std::string &) { replayer.emplace(policy, options); },
        [&](const std::string &traceName, const simulator::TraceEvent &e) {
          if (e.notDecided)
            return;
          simulator::ReplayStep step = replayer->step(e);  // every event: starts and forks set labels
          if (!e.request || !step.decision || step.decision->verdict != simulator::Verdict::Deny)
            return;
          out.insert({traceName, e.line});
          if (collect)
            collect->push_back({traceName, e.line, step.label, *e.request, *step.decision});
        });
    if (!counts || counts->problems)
      return std::nullopt;
    return out;
  }

  // The spec assertions that fail under `policy` (their texts).
  std::vector<std::string> specFailures(const simulator::LoadedPolicy &policy,
                                        const std::vector<simulator::SpecFile> &specs) const {
    std::vector<std::string> out;
    for (const auto &spec : specs)
      for (const auto &a : spec.assertions)
        if (!simulator::checkAssertion(policy, a, c.decide).passed)
          out.push_back(fmt::format("{}:{}: {}", spec.path, a.line, a.text));
    return out;
  }

  // Abstractions of the search paths that mention the path's last name.
  std::vector<std::pair<std::string, size_t>> abstractionCandidates(const std::string &path) const {
    std::string token = path.substr(path.find_last_of('/') + 1);
    if (token.size() < 3) {
      std::string parent = path.substr(0, path.find_last_of('/'));
      token = parent.substr(parent.find_last_of('/') + 1);
    }
    std::vector<std::pair<std::string, size_t>> out;
    if (token.size() < 3)
      return out;
    std::vector<std::string> dirs = c.frontend.paths.includeDirs;
    if (!c.frontend.paths.baseDir.empty())
      dirs.push_back(c.frontend.paths.baseDir);
    std::set<std::string> seen;
    for (const auto &dir : dirs) {
      std::string abs = dir + "/abstractions";
      for (const auto &name : frontend::sortedDirectoryNames(abs)) {
        bool loud = false;
        if (frontend::isIgnoredIncludeName(name, loud) || !seen.insert(name).second)
          continue;
        std::string text = readText(abs + "/" + name);
        if (text.find(token) != std::string::npos)
          out.emplace_back("abstractions/" + name, text.size());
      }
    }
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.second < b.second; });
    if (out.size() > 8)
      out.resize(8);
    return out;
  }

  // The smallest candidate abstraction whose include allows the request.
  std::optional<std::string> coveringAbstraction(const Denial &d) const {
    const auto *f = std::get_if<simulator::FileRequest>(&d.request);
    if (!f || !c.abstractions)
      return std::nullopt;
    for (const auto &[name, size] : abstractionCandidates(f->path)) {
      Suggestion probe;
      probe.profile = d.profile;
      probe.abstraction = name;
      probe.useAbstraction = true;
      auto loaded = load(patchedTexts({&probe}), true, &places.at(d.profile).file);
      if (!loaded)
        continue;
      simulator::DecideOptions fast = c.decide;
      fast.explain = false;
      if (simulator::decide(loaded->policy, d.profile, d.request, fast).verdict == simulator::Verdict::Allow)
        return name;
    }
    return std::nullopt;
  }
};

} // namespace

int runSuggest(const SuggestCommand &c) {
  if (c.policyFiles.empty() || c.traces.empty()) {
    fmt::print(stderr, "usage: aasim suggest [-I DIR]... [-b DIR] [-M FEATURES] --trace FILE... [--spec SPEC]... "
                       "[--patch FILE] [--no-abstractions] POLICY...\n");
    return kExitUsage;
  }
  Suggester s{c, c.compile, {}, {}, {}, {}, {}};
  auto fe = openFrontend(c.frontend, s.compile);
  if (!fe)
    return kExitUsage;
  simulator::LoadedPolicy policy;
  std::vector<frontend::LoadedFile> sources;
  if (!loadPolicyFiles(*fe, c.policyFiles, {s.compile, c.quiet}, policy, &sources))
    return kExitUsage;
  for (const auto &p : policy.profiles())
    if (!p.sources) {
      fmt::print(stderr, "aasim: error: profile {} comes from binary policy: suggest needs its source\n", p.name);
      return kExitUsage;
    }
  for (const auto &f : sources) {
    s.sourceFiles.push_back(f.name);
    s.originals[f.name] = readText(f.name);
    if (f.policy)
      for (const auto &p : f.policy->profiles)
        addPlace(fe->sources(), p, "", s.places);
  }
  std::vector<simulator::SpecFile> specs;
  for (const auto &path : c.specs) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      fmt::print(stderr, "aasim: error: cannot read spec '{}'\n", path);
      return kExitUsage;
    }
    std::vector<simulator::SpecProblem> problems;
    specs.push_back(simulator::parseSpec(path, readText(path), problems));
    for (const auto &p : problems)
      fmt::print(stderr, "{}:{}: error: {}\n", path, p.line, p.message);
    if (!problems.empty())
      return kExitUsage;
  }
  std::vector<std::string> failingBefore = s.specFailures(policy, specs);

  if (!s.deniedEvents(policy, &s.denials))
    return kExitUsage;

  // One suggestion per distinct rule of a profile.
  std::map<std::pair<std::string, std::string>, size_t> byRule;
  size_t unresolved = 0;
  for (size_t i = 0; i < s.denials.size(); ++i) {
    const Denial &d = s.denials[i];
    std::string what = fmt::format("{}:{}: {} {} {}", d.trace, d.line, d.profile, d.decision.operation,
                                   requestName(d.request));
    auto denyRule = std::find_if(d.decision.rules.begin(), d.decision.rules.end(), [](const auto &r) { return r.denies; });
    if (denyRule != d.decision.rules.end()) {
      fmt::print("not suggested: {}: denied by {}: {} (an allow rule cannot override a deny rule)\n", what,
                 describeLocation(fe->sources(), denyRule->origin.loc), ruleText(fe->sources(), denyRule->origin));
      ++unresolved;
      continue;
    }
    if (!s.places.count(d.profile)) {
      fmt::print("not suggested: {}: the source of profile {} was not found\n", what, d.profile);
      ++unresolved;
      continue;
    }
    bool attaches = false;
    if (const auto *e = std::get_if<simulator::ExecRequest>(&d.request)) {
      simulator::Decision a = simulator::decide(policy, "unconfined", *e);
      attaches = a.transition && a.transition->target != "unconfined";
    }
    std::string why;
    const frontend::VariableTable *vars = nullptr;
    for (const auto &f : sources)
      if (f.name == s.places.at(d.profile).file)
        vars = &f.vars;
    frontend::VariableTable none;
    auto rule = suggestRule(d.request, d.decision, vars ? *vars : none, attaches, why);
    if (!rule) {
      fmt::print("not suggested: {}: {}\n", what, why);
      ++unresolved;
      continue;
    }
    auto [it, fresh] = byRule.try_emplace({d.profile, *rule}, s.suggestions.size());
    if (fresh) {
      Suggestion sg;
      sg.profile = d.profile;
      sg.rule = *rule;
      sg.abstraction = s.coveringAbstraction(d);
      sg.useAbstraction = sg.abstraction.has_value();
      s.suggestions.push_back(std::move(sg));
    }
    s.suggestions[it->second].denials.push_back(i);
  }

  // The proof: the spec must hold as it did; narrow abstractions to their
  // rule, then drop rules, until it does.
  auto failuresWith = [&](const std::vector<const Suggestion *> &active) -> std::optional<std::vector<std::string>> {
    auto loaded = s.load(s.patchedTexts(active));
    if (!loaded)
      return std::nullopt;
    std::vector<std::string> f = s.specFailures(loaded->policy, specs);
    std::vector<std::string> fresh;
    for (const auto &x : f)
      if (std::find(failingBefore.begin(), failingBefore.end(), x) == failingBefore.end())
        fresh.push_back(x);
    return fresh;
  };
  if (!specs.empty()) {
    auto broken = failuresWith(s.active());
    if (!broken) {
      fmt::print(stderr, "aasim: error: the policy with the suggestions does not compile\n");
      return kExitUsage;
    }
    for (size_t round = 0; broken && !broken->empty() && round < 2; ++round)
      for (auto &sg : s.suggestions) {
        if (sg.rejected || broken->empty())
          continue;
        bool wasAbstraction = sg.useAbstraction;
        if (round == 0 && sg.useAbstraction)
          sg.useAbstraction = false;  // the abstraction grants too much: its rule may not
        else if (round == 1)
          sg.rejected = "";
        else
          continue;
        auto now = failuresWith(s.active());
        if (now && now->size() < broken->size()) {
          // Name an assertion this suggestion broke.
          for (const auto &b : *broken)
            if (std::find(now->begin(), now->end(), b) == now->end()) {
              if (sg.rejected)
                sg.rejected = "it would break " + b;
              break;
            }
          broken = now;
        } else {
          sg.useAbstraction = wasAbstraction;
          sg.rejected.reset();
        }
      }
  }

  auto finalTexts = s.patchedTexts(s.active());
  auto finalPolicy = s.load(finalTexts, /*quiet=*/false);
  if (!finalPolicy) {
    fmt::print(stderr, "aasim: error: the policy with the suggestions does not compile\n");
    return kExitUsage;
  }
  auto stillDenied = s.deniedEvents(finalPolicy->policy, nullptr);
  if (!stillDenied)
    return kExitUsage;

  std::map<std::string, std::vector<const Suggestion *>> byProfile;
  for (const auto &sg : s.suggestions)
    byProfile[sg.profile].push_back(&sg);
  size_t proved = 0, notProved = 0;
  for (const auto &[profile, list] : byProfile) {
    const ProfilePlace &place = s.places.at(profile);
    fmt::print("profile {} ({}):\n", profile, place.file);
    for (const Suggestion *sg : list) {
      const Denial &first = s.denials[sg->denials.front()];
      std::string events = fmt::format("{}:{}", first.trace, first.line);
      if (sg->denials.size() > 1)
        events += fmt::format(" and {} more", sg->denials.size() - 1);
      bool gone = std::all_of(sg->denials.begin(), sg->denials.end(), [&](size_t i) {
        return !stillDenied->count({s.denials[i].trace, s.denials[i].line});
      });
      if (sg->rejected) {
        fmt::print("  - {}    # not suggested: {} ({})\n", sg->rule, *sg->rejected, events);
        notProved += sg->denials.size();
        continue;
      }
      (gone ? proved : notProved) += sg->denials.size();
      fmt::print("  + {}    # {} {} {}{}{}\n", sg->text(), events, first.decision.operation, requestName(first.request),
                 sg->useAbstraction ? fmt::format(" (or: {})", sg->rule) : "",
                 gone ? "" : "  [STILL DENIED after the change]");
    }
  }
  if (c.patch) {
    std::string diff;
    for (const auto &[file, text] : finalTexts)
      diff += unifiedDiff(file, s.originals.at(file), text);
    std::ofstream out(*c.patch, std::ios::binary | std::ios::trunc);
    out << diff;
    if (!out) {
      fmt::print(stderr, "aasim: error: cannot write '{}'\n", *c.patch);
      return kExitUsage;
    }
  }
  std::fflush(stdout);
  std::vector<std::string> specNow;
  if (!specs.empty())
    if (auto f = failuresWith(s.active()))
      specNow = *f;
  fmt::print(stderr, "aasim: {} denied events; re-replayed with the suggestions: {} now allowed, {} still denied{}\n",
             s.denials.size(), proved, s.denials.size() - proved,
             specs.empty() ? std::string()
                           : fmt::format("; spec: {}", specNow.empty() ? "no assertion broken"
                                                                      : fmt::format("{} assertions broken", specNow.size())));
  for (const auto &f : specNow)
    fmt::print(stderr, "  broken: {}\n", f);
  return unresolved == 0 && notProved == 0 && specNow.empty() ? kExitProved : kExitUnresolved;
}

} // namespace aasim::cli

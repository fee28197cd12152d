#include "test_command.h"

#include "decision_output.h"
#include "policy_loader.h"
#include "report_formats.h"

#include "simulator/audit_log.h"
#include "simulator/spec.h"
#include "simulator/witness_request.h"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <memory>

namespace aasim::cli {

namespace {

constexpr int kExitPass = 0, kExitFail = 1, kExitUsage = 2;

// A policy loaded once for every spec that names the same files.
struct LoadedSet {
  std::unique_ptr<frontend::Frontend> frontend;
  simulator::LoadedPolicy policy;
};

std::string directoryOf(const std::string &file) {
  size_t slash = file.rfind('/');
  return slash == std::string::npos ? "" : file.substr(0, slash + 1);
}

const char *kindName(simulator::SpecAssertion::Kind k) {
  switch (k) {
  case simulator::SpecAssertion::Kind::Allow: return "allow";
  case simulator::SpecAssertion::Kind::Deny: return "deny";
  case simulator::SpecAssertion::Kind::Log: return "log";
  case simulator::SpecAssertion::Kind::Transition: return "transition";
  case simulator::SpecAssertion::Kind::Never: return "never";
  }
  return "?";
}

const std::vector<ReportRule> &assertionRules() {
  static const std::vector<ReportRule> kRules = {
      {"allow", "the operation must be allowed"},
      {"deny", "the operation must be denied"},
      {"log", "the operation must be logged as said"},
      {"transition", "the exec must lead to the named profile"},
      {"never", "no request of this kind may be allowed (checked over every input)"},
      {"spec", "the spec line must be well-formed and name existing profiles"}};
  return kRules;
}

std::vector<RelatedPlace> rulePlaces(const frontend::SourceManager &sm, const simulator::Decision &d) {
  std::vector<RelatedPlace> out;
  for (const auto &r : d.rules) {
    if (!r.origin.loc.valid())
      continue;
    frontend::LineCol lc = sm.lineCol(r.origin.loc);
    out.push_back({{sm.path(r.origin.loc.file), lc.line, lc.col},
                   fmt::format("{}: {}", r.denies ? "denied by" : "granted by", ruleText(sm, r.origin))});
  }
  return out;
}

} // namespace

int runTest(const TestCommand &c) {
  if (c.specs.empty()) {
    fmt::print(stderr, "usage: aasim test [-I DIR]... [-b DIR] [-M FEATURES] [--policy FILE]... [--json] [--junit FILE] "
                       "[--sarif FILE] SPEC...\n");
    return kExitUsage;
  }
  std::map<std::string, LoadedSet> loaded;
  std::vector<Finding> findings;
  std::vector<TestCase> cases;
  size_t passed = 0, failed = 0, errors = 0;
  bool usageError = false;
  for (const std::string &specPath : c.specs) {
    std::ifstream in(specPath, std::ios::binary);
    if (!in) {
      fmt::print(stderr, "aasim: error: cannot read spec '{}'\n", specPath);
      usageError = true;
      continue;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<simulator::SpecProblem> problems;
    simulator::SpecFile spec = simulator::parseSpec(specPath, text, problems);
    for (const auto &p : problems) {
      fmt::print(stderr, "{}:{}: error: {}\n", specPath, p.line, p.message);
      Finding f;
      f.ruleId = "spec";
      f.level = "error";
      f.message = p.message;
      f.place = {specPath, p.line, 0};
      findings.push_back(std::move(f));
      cases.push_back({specPath, fmt::format("line {}", p.line), p.message, "", true});
      ++errors;
    }
    // --policy replaces the spec's own policy: the same assertions, asked
    // of another version.
    std::vector<std::string> files = c.policies;
    if (files.empty())
      for (const auto &p : spec.policies)
        files.push_back(!p.empty() && p[0] == '/' ? p : directoryOf(specPath) + p);
    if (files.empty()) {
      fmt::print(stderr, "{}: error: no policy: give --policy FILE or a `policy FILE` line\n", specPath);
      usageError = true;
      continue;
    }
    std::string key;
    for (const auto &f : files)
      key += f + '\n';
    auto [it, fresh] = loaded.try_emplace(key);
    LoadedSet &set = it->second;
    if (fresh) {
      dfa::CompileOptions co = c.compile;
      set.frontend = openFrontend(c.frontend, co);
      if (!set.frontend)
        return kExitUsage;
      if (!loadPolicyFiles(*set.frontend, files, {co, c.quiet}, set.policy))
        return kExitUsage;
    }
    if (!set.frontend)
      return kExitUsage;
    const frontend::SourceManager &sm = set.frontend->sources();
    for (const auto &a : spec.assertions) {
      simulator::AssertionResult r = simulator::checkAssertion(set.policy, a, c.decide);
      // An assertion that names no profile is an error of the spec.
      const bool error = !r.passed && !r.decision && r.counterexample.empty() && r.profile.empty();
      std::vector<RelatedPlace> related = r.decision ? rulePlaces(sm, *r.decision) : std::vector<RelatedPlace>{};
      if (r.passed)
        ++passed;
      else
        ++(error ? errors : failed);
      const char *verdict = r.passed ? "PASS" : error ? "ERROR" : "FAIL";
      if (c.json) {
        std::string rules;
        for (const auto &rp : related)
          rules += fmt::format("{}{{\"location\":{},\"rule\":{}}}", rules.empty() ? "" : ",",
                               simulator::jsonQuote(fmt::format("{}:{}:{}", rp.place.file, rp.place.line, rp.place.column)),
                               simulator::jsonQuote(rp.message));
        fmt::print("{{\"spec\":{},\"line\":{},\"assertion\":{},\"kind\":\"{}\",\"result\":\"{}\",\"profile\":{},"
                   "\"message\":{},\"counterexample\":{},\"rules\":[{}]}}\n",
                   simulator::jsonQuote(specPath), a.line, simulator::jsonQuote(a.text), kindName(a.kind),
                   r.passed ? "pass" : error ? "error" : "fail", simulator::jsonQuote(r.profile),
                   simulator::jsonQuote(r.message),
                   simulator::jsonQuote(r.counterexample.empty() ? "" : simulator::joinWords(r.counterexample)), rules);
      } else if (!r.passed || !c.quiet) {
        fmt::print("{} {}:{}: {}\n", verdict, specPath, a.line, a.text);
        if (!r.passed)
          fmt::print("     {}\n", r.message);
        if (!r.passed)
          for (const auto &rp : related)
            fmt::print("     {} ({}:{}:{})\n", rp.message, rp.place.file, rp.place.line, rp.place.column);
      }
      std::string name = fmt::format("line {}: {}", a.line, a.text);
      if (r.passed) {
        cases.push_back({specPath, name, std::nullopt, "", false});
        continue;
      }
      std::string details = r.message;
      for (const auto &rp : related)
        details += fmt::format("\n{} ({}:{}:{})", rp.message, rp.place.file, rp.place.line, rp.place.column);
      cases.push_back({specPath, name, r.message, details, error});
      Finding f;
      f.ruleId = error ? "spec" : kindName(a.kind);
      f.level = "error";
      f.message = fmt::format("{}: {}", a.text, r.message);
      f.place = {specPath, a.line, 0};
      f.related = std::move(related);
      findings.push_back(std::move(f));
    }
  }
  if (c.junit && !writeReport(*c.junit, junitXml("aasim test", cases)))
    return kExitUsage;
  if (c.sarif && !writeReport(*c.sarif, sarifLog(assertionRules(), findings)))
    return kExitUsage;
  std::fflush(stdout);
  fmt::print(stderr, "aasim: {} assertions: {} passed, {} failed{}\n", passed + failed + errors, passed, failed,
             errors ? fmt::format(", {} errors", errors) : "");
  if (usageError)
    return kExitUsage;
  return failed || errors ? kExitFail : kExitPass;
}

} // namespace aasim::cli

// `aasim lint`'s findings (simulator/lint.h): every kind on the fixture
// (tests/fixtures/lint), and over corpus profiles the coverage findings
// against `aasim diff`'s comparison: deleting a rule reported redundant or
// shadowed leaves the policy equivalent, deleting one not reported changes
// it.
#include "simulator/lint.h"
#include "simulator/policy_diff.h"

#include "simulator_support.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace {

using namespace aasim;
using namespace aasim::simulator;
namespace fs = std::filesystem;
using test::kernelFeatures;
using test::readFile;

// The line of an offset in a text.
size_t lineOf(const std::string &text, uint32_t offset) {
  return static_cast<size_t>(std::count(text.begin(), text.begin() + std::min<size_t>(offset, text.size()), '\n')) + 1;
}

TEST(Lint, FixtureHasEveryKindOfFinding) {
  std::string text = readFile(fs::path(AASIM_TEST_FIXTURES) / "lint" / "findings.profile");
  std::string error;
  auto policy = test::loadPolicyText(text, kernelFeatures(), error);
  ASSERT_TRUE(policy) << error;
  std::multiset<std::pair<std::string, size_t>> found;
  for (const auto &p : policy->profiles())
    for (const auto &f : lintProfile(*policy, p, {}))
      found.insert({f.kind, f.rule.loc.valid() ? lineOf(text, f.rule.loc.offset) : 0});
  std::multiset<std::pair<std::string, size_t>> expected = {
      {"redundant", 7},       {"shadowed", 9},        {"missing-target", 12}, {"no-attachment", 14},
      {"unconfined-exec", 16}, {"unconfined-exec", 18}, {"no-attachment", 18}, {"dangerous-capability", 0},
      {"sensitive-write", 22}};
  EXPECT_EQ(found, expected);
}

TEST(Lint, CleanProfileHasNoFindings) {
  std::string error;
  auto policy = test::loadPolicyText(R"(
profile clean /usr/bin/clean {
  /etc/clean/** r,
  /var/lib/clean/* rw,
  /usr/bin/other Px,
  deny /etc/clean/secret r,
}
profile other /usr/bin/other {
  /tmp/** rw,
}
)",
                                     kernelFeatures(), error);
  ASSERT_TRUE(policy) << error;
  for (const auto &p : policy->profiles())
    EXPECT_TRUE(lintProfile(*policy, p, {}).empty()) << p.name;
}

// Each written rule of a file on one line of its own: the line without it.
std::optional<std::string> withoutLine(const std::string &text, size_t line) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  if (line == 0 || line > lines.size())
    return std::nullopt;
  const std::string &l = lines[line - 1];
  // Only a whole rule alone on its line (no braces: not a block).
  if (l.find('{') != std::string::npos && l.find('}') == std::string::npos)
    return std::nullopt;
  if (l.find_last_not_of(" \t\r") == std::string::npos || l[l.find_last_not_of(" \t\r")] != ',')
    return std::nullopt;
  lines.erase(lines.begin() + static_cast<long>(line) - 1);
  std::string out;
  for (const auto &x : lines)
    out += x + "\n";
  return out;
}

TEST(LintCorpus, CoverageFindingsAgreeWithDiff) {
  fs::path abi3 = test::corpusDir() / "profiles" / "roddhjav" / "abi3";
  if (!fs::exists(abi3 / "parser-status.tsv"))
    GTEST_SKIP() << "corpus not found at " << test::corpusDir() << " (set AASIM_CORPUS)";
  const char *env = std::getenv("AASIM_LINT_STRIDE");
  size_t stride = std::max<size_t>(env ? std::strtoul(env, nullptr, 10) : 40, 1);
  frontend::SearchPaths paths;
  paths.baseDir = (abi3 / "base").string();
  size_t covered = 0, kept = 0, files = 0;
  for (const auto &file : test::parserAcceptedFiles(abi3, stride)) {
    std::string text = readFile(abi3 / "apparmor.d" / file);
    std::string error;
    uint32_t mainFile = 0;
    auto policy = test::loadPolicyText(text, kernelFeatures(), error, dfa::LanguageVersion::V3_0, paths, &mainFile);
    if (!policy)
      continue;
    ++files;
    LintOptions options;
    options.version = dfa::LanguageVersion::V3_0;
    options.judged = [&](const dfa::RuleOrigin &o) { return o.loc.valid() && o.loc.file == mainFile; };
    std::set<size_t> reported, judged;
    for (const auto &p : policy->profiles()) {
      for (const auto &f : lintProfile(*policy, p, options))
        if (f.kind == "redundant" || f.kind == "shadowed")
          reported.insert(lineOf(text, f.rule.loc.offset));
      if (p.sources)
        for (const dfa::RuleSet *set : {&p.sources->fileRules, &p.sources->policyRules})
          for (const auto &o : set->origins)
            if (options.judged(o))
              judged.insert(lineOf(text, o.loc.offset));
    }
    // Every reported rule, and up to three that were not.
    size_t unreportedTried = 0;
    for (size_t line : judged) {
      bool isReported = reported.count(line) != 0;
      if (!isReported && unreportedTried >= 3)
        continue;
      auto changed = withoutLine(text, line);
      if (!changed)
        continue;
      auto after = test::loadPolicyText(*changed, kernelFeatures(), error, dfa::LanguageVersion::V3_0, paths);
      if (!after)
        continue;
      // A line may hold a rule that also compiles elsewhere (one of several
      // on the line): only compare when the line held exactly the rules
      // the lint judged.
      bool equivalent = diffPolicies(*policy, *after).equivalent();
      std::string what = fmt::format("{} line {}", file, line);
      if (isReported) {
        EXPECT_TRUE(equivalent) << what << ": reported redundant or shadowed, yet deleting it changes the policy";
        ++covered;
      } else {
        ++unreportedTried;
        EXPECT_FALSE(equivalent) << what << ": not reported, yet deleting it changes nothing";
        ++kept;
      }
    }
  }
  std::cout << "[          ] " << files << " files: " << covered << " redundant or shadowed rules deleted without change, "
            << kept << " other rules whose deletion changes the policy\n";
  EXPECT_GT(covered, 5u);
  EXPECT_GT(kept, 20u);
}

} // namespace

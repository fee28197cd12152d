// `aasim transitions` (simulator/transition_graph.h): the fixture's graph
// edge by edge, and every exec edge checked against the decision API on
// its example path, over the fixture and corpus profiles.
#include "simulator/decision.h"
#include "simulator/transition_graph.h"

#include "simulator_support.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

namespace {

using namespace aasim;
using namespace aasim::simulator;
namespace fs = std::filesystem;
using test::kernelFeatures;
using test::readFile;

// The exec of an edge's example path decided from its profile goes where
// the edge says (or, for a missing target, fails or falls back).
size_t expectEdgesAgreeWithDecisions(const LoadedPolicy &policy, const TransitionGraph &g, const std::string &what) {
  size_t checked = 0;
  for (const auto &e : g.edges) {
    if (e.kind != "exec" || e.example.empty() || e.example.find('\0') != std::string::npos)
      continue;
    DecideOptions fast;
    fast.explain = false;
    Decision d = decide(policy, e.from, ExecRequest{e.example, true, {}}, fast);
    std::string context = fmt::format("{}: {} exec {} ({})", what, e.from, e.example, e.mode);
    if (d.verdict == Verdict::Deny) {
      // Denied: another rule (a deny, a more specific exec rule) may win on
      // this path; a missing target without fallback fails.
      if (!e.missing.empty() && e.fallback.empty())
        ++checked;
      continue;
    }
    EXPECT_TRUE(d.transition) << context;
    if (!d.transition)
      continue;
    // Another exec rule on the same path may decide it (the kernel merges
    // their modes): then this edge says nothing about the path.
    if (d.transition->mode != e.mode)
      continue;
    if (d.transition->fallback) {
      // A path of the rule that no candidate attaches to.
      EXPECT_FALSE(e.fallback.empty()) << context;
    } else {
      EXPECT_TRUE(e.missing.empty()) << context << ": decided " << d.transition->target;
      EXPECT_NE(std::find(e.to.begin(), e.to.end(), d.transition->target), e.to.end())
          << context << ": decided " << d.transition->target;
    }
    ++checked;
  }
  return checked;
}

TEST(Transitions, FixtureGraph) {
  std::string error;
  auto policy = test::loadPolicyText(readFile(fs::path(AASIM_TEST_FIXTURES) / "transitions" / "graph.profile"),
                                     kernelFeatures(), error);
  ASSERT_TRUE(policy) << error;
  TransitionGraph g = transitionGraph(*policy);
  std::map<std::string, std::string> edges;  // mode and rule -> targets
  for (const auto &e : g.edges) {
    std::string to;
    for (const auto &t : e.to)
      to += (to.empty() ? "" : ",") + t;
    if (!e.missing.empty())
      to += "!" + e.missing;
    edges[e.mode + " " + (e.kind == "exec" ? e.example : e.rule.text)] = to + (e.fallback.empty() ? "" : " else " + e.fallback);
  }
  std::map<std::string, std::string> expected = {
      {"Cx /usr/bin/gzip", "backupd//gzip"},
      {"cx /usr/bin/tar", "backupd//tar"},
      {"Px /usr/bin/rsync", "rsync"},
      {"Px /usr/bin/ssh", "!nosuch"},
      {"ix /usr/lib/backupd/a", "backupd"},
      {"pux /usr/bin/logger", "!(no profile attaches) else ux"},
      {"ux /usr/bin/sh", "unconfined"},
  };
  for (const auto &[k, v] : expected)
    EXPECT_EQ(edges[k], v) << k;
  size_t changeProfiles = 0;
  for (const auto &e : g.edges)
    if (e.kind == "change_profile") {
      ++changeProfiles;
      EXPECT_EQ(e.to, std::vector<std::string>{"idle"});
    }
  EXPECT_EQ(changeProfiles, 1u);
  std::map<std::string, bool> reachable;
  for (const auto &n : g.nodes)
    reachable[n.profile] = n.reachable;
  EXPECT_FALSE(reachable["lonely"]);
  EXPECT_FALSE(reachable["backupd//orphan"]);
  EXPECT_TRUE(reachable["backupd//maintenance"]);  // a hat
  EXPECT_TRUE(reachable["idle"]);                  // by change_profile
  EXPECT_TRUE(reachable["backupd//gzip"]);
  EXPECT_GE(expectEdgesAgreeWithDecisions(*policy, g, "fixture"), 6u);
}

TEST(TransitionsCorpus, EdgesAgreeWithDecisions) {
  fs::path abi3 = test::corpusDir() / "profiles" / "roddhjav" / "abi3";
  if (!fs::exists(abi3 / "parser-status.tsv"))
    GTEST_SKIP() << "corpus not found at " << test::corpusDir() << " (set AASIM_CORPUS)";
  frontend::SearchPaths paths;
  paths.baseDir = (abi3 / "base").string();
  size_t checked = 0, files = 0;
  for (const auto &file : test::parserAcceptedFiles(abi3, 20)) {
    std::string error;
    auto policy = test::loadPolicyText(readFile(abi3 / "apparmor.d" / file), kernelFeatures(), error,
                                       dfa::LanguageVersion::V3_0, paths);
    if (!policy)
      continue;
    ++files;
    checked += expectEdgesAgreeWithDecisions(*policy, transitionGraph(*policy, dfa::LanguageVersion::V3_0), file);
  }
  std::cout << "[          ] " << checked << " exec edges of " << files << " files agree with the decision API\n";
  EXPECT_GT(checked, 50u);
}

} // namespace

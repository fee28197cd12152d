// `aasim test`'s assertions (simulator/spec.h): the spec format, every
// assertion kind passing and failing, counterexamples confirmed by the
// decision API, and `never` invariants checked against sampled decisions
// over corpus profiles (the exact product walk must agree with them).
#include "simulator/decision.h"
#include "simulator/spec.h"
#include "simulator/witness_request.h"

#include "dfa/attachment.h"
#include "dfa/glob.h"

#include "automaton_samples.h"
#include "simulator_support.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

namespace {

using namespace aasim;
using namespace aasim::simulator;
namespace fs = std::filesystem;
using test::kernelFeatures;
using test::readFile;

const char *kPolicy = R"(
profile app /usr/bin/app {
  /etc/app/** r,
  owner /var/lib/app/** rw,
  deny /etc/app/secret r,
  audit /var/log/app.log w,
  /usr/bin/helper Px -> helper,
  /usr/bin/tool ux,
  capability chown,
  signal send set=term peer=helper,
}
profile helper /usr/bin/helper {
  /tmp/** rw,
}
profile learner /usr/bin/learner flags=(complain) {
  /tmp/learner r,
}
)";

SpecFile parse(const std::string &text, std::vector<SpecProblem> *problems = nullptr) {
  std::vector<SpecProblem> local;
  SpecFile f = parseSpec("t.spec", text, problems ? *problems : local);
  if (!problems)
    EXPECT_TRUE(local.empty()) << local.front().line << ": " << local.front().message;
  return f;
}

AssertionResult check(const LoadedPolicy &policy, const std::string &line) {
  SpecFile f = parse(line + "\n");
  EXPECT_EQ(f.assertions.size(), 1u) << line;
  if (f.assertions.empty())
    return {};
  return checkAssertion(policy, f.assertions[0]);
}

// A failing invariant's counterexample is a request the policy allows
// (the kernel may still deny an exec whose target is missing).
void expectCounterexampleAllowed(const LoadedPolicy &policy, const AssertionResult &r, const std::string &what) {
  ASSERT_FALSE(r.counterexample.empty()) << what << ": " << r.message;
  std::string error;
  auto request = parseOperation(r.counterexample, error);
  ASSERT_TRUE(request) << what << ": " << error;
  Decision d = decide(policy, r.profile, *request);
  EXPECT_EQ(d.verdict, Verdict::Allow) << what << ": " << joinWords(r.counterexample);
}

TEST(Spec, ParsesEveryKindAndReportsMalformedLines) {
  std::vector<SpecProblem> problems;
  SpecFile f = parse(R"(# a comment
policy a.profile b.profile
allow app open /etc/app/x r   # trailing comment
deny app open /etc/app/secret r
log audit app open /var/log/app.log w
transition app exec /usr/bin/helper -> helper
never * write /etc/shadow
never app exec ux *
never * capability sys_admin
never * mount
never app rw /srv/** other
frobnicate app
allow app
log loud app open /x r
transition app exec /x helper
never * capability nosuch
never * fly /x
never * read /x sideways
allow app open /x qq
)",
                     &problems);
  EXPECT_EQ(f.policies, (std::vector<std::string>{"a.profile", "b.profile"}));
  ASSERT_EQ(f.assertions.size(), 9u);
  EXPECT_EQ(f.assertions[0].kind, SpecAssertion::Kind::Allow);
  EXPECT_EQ(f.assertions[0].line, 3u);
  EXPECT_EQ(f.assertions[0].text, "allow app open /etc/app/x r   # trailing comment");
  EXPECT_EQ(f.assertions[2].log, LogKind::Audit);
  EXPECT_EQ(f.assertions[3].target, "helper");
  EXPECT_EQ(f.assertions[5].never.kind, Invariant::Kind::Exec);
  EXPECT_EQ(f.assertions[5].never.execMode, "ux");
  EXPECT_EQ(f.assertions[7].never.className, "mount");
  EXPECT_EQ(f.assertions[8].never.owner, std::optional<bool>(false));
  std::vector<size_t> lines;
  for (const auto &p : problems)
    lines.push_back(p.line);
  EXPECT_EQ(lines, (std::vector<size_t>{12, 13, 14, 15, 16, 17, 18, 19}));
}

TEST(Spec, SingleDecisionsPassAndFail) {
  LoadedPolicy policy = test::loadOrFail(kPolicy);
  EXPECT_TRUE(check(policy, "allow app open /etc/app/x r").passed);
  EXPECT_FALSE(check(policy, "allow app open /etc/app/secret r").passed);
  EXPECT_TRUE(check(policy, "deny app open /etc/app/secret r").passed);
  EXPECT_TRUE(check(policy, "allow /usr/bin/app open /etc/app/x r").passed);  // by attachment
  EXPECT_TRUE(check(policy, "log audit app open /var/log/app.log w").passed);
  EXPECT_FALSE(check(policy, "log none app open /var/log/app.log w").passed);
  EXPECT_TRUE(check(policy, "transition app exec /usr/bin/helper -> helper").passed);
  AssertionResult r = check(policy, "transition app exec /usr/bin/tool -> helper");
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.message.find("-> unconfined"), std::string::npos) << r.message;
  ASSERT_TRUE(r.decision);
  EXPECT_FALSE(r.decision->rules.empty());  // the rule behind it is named
  AssertionResult missing = check(policy, "allow nosuch open /x r");
  EXPECT_FALSE(missing.passed);
  EXPECT_FALSE(missing.decision);
}

TEST(Spec, InvariantsHoldOrGiveAConfirmedCounterexample) {
  LoadedPolicy policy = test::loadOrFail(kPolicy);
  // Hold: nothing grants them, in any profile that enforces.
  EXPECT_TRUE(check(policy, "never app write /etc/**").passed);
  EXPECT_TRUE(check(policy, "never app read /etc/app/secret").passed);
  EXPECT_TRUE(check(policy, "never helper exec any *").passed);
  EXPECT_TRUE(check(policy, "never app capability sys_admin").passed);
  EXPECT_TRUE(check(policy, "never app write /var/lib/app/** other").passed);  // owner only
  EXPECT_TRUE(check(policy, "never helper signal").passed);
  EXPECT_TRUE(check(policy, "never app change_profile").passed);

  struct Case {
    const char *line;
    const char *counterexample;
  } failing[] = {
      {"never app write /var/**", "access /var/lib/app/a w"},
      {"never app read /etc/app/*", "access /etc/app/a r"},
      {"never app exec ux *", "exec /usr/bin/tool"},
      {"never app exec unconfined /usr/bin/*", "exec /usr/bin/tool"},
      {"never app exec Px /**", "exec /usr/bin/helper"},
      {"never app capability chown", "capability chown"},
      {"never app write /var/log/app.log", "access /var/log/app.log w"},
  };
  for (const auto &c : failing) {
    AssertionResult r = check(policy, c.line);
    EXPECT_FALSE(r.passed) << c.line;
    EXPECT_EQ(r.profile, "app") << c.line;
    EXPECT_EQ(joinWords(r.counterexample), c.counterexample) << c.line;
    expectCounterexampleAllowed(policy, r, c.line);
  }
  AssertionResult sig = check(policy, "never app signal");
  ASSERT_FALSE(sig.passed);
  EXPECT_EQ(joinWords(sig.counterexample), "signal 15 helper send");
  expectCounterexampleAllowed(policy, sig, "signal");
}

TEST(Spec, ComplainModeBreaksEveryInvariant) {
  LoadedPolicy policy = test::loadOrFail(kPolicy);
  AssertionResult r = check(policy, "never * write /etc/shadow");
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.profile, "learner");
  EXPECT_NE(r.message.find("complain mode"), std::string::npos) << r.message;
  expectCounterexampleAllowed(policy, r, "complain");
}

// The exact check against sampled decisions: for corpus profiles and a
// few invariants, a passing invariant must not be contradicted by any
// sampled path the glob names, and a failing one's counterexample must be
// allowed.
TEST(SpecCorpus, InvariantsAgreeWithSampledDecisions) {
  fs::path abi3 = test::corpusDir() / "profiles" / "roddhjav" / "abi3";
  if (!fs::exists(abi3 / "parser-status.tsv"))
    GTEST_SKIP() << "corpus not found at " << test::corpusDir() << " (set AASIM_CORPUS)";
  const char *env = std::getenv("AASIM_SPEC_STRIDE");
  size_t stride = std::max<size_t>(env ? std::strtoul(env, nullptr, 10) : 25, 1);
  const char *invariants[] = {"write /etc/**", "read /etc/shadow", "write /home/*/.ssh/**", "exec ux /**",
                              "exec Px /usr/bin/*", "mmap /usr/lib/**", "read /proc/*/mem", "link /**"};
  std::mt19937 rng(7);
  size_t checked = 0, held = 0, broken = 0, samples = 0;
  for (const auto &file : test::parserAcceptedFiles(abi3, stride)) {
    std::ifstream in(abi3 / "apparmor.d" / file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    frontend::SearchPaths paths;
    paths.baseDir = (abi3 / "base").string();
    std::string error;
    auto policy = test::loadPolicyText(text, kernelFeatures(), error, dfa::LanguageVersion::V3_0, paths);
    if (!policy)
      continue;
    for (const auto &p : policy->profiles()) {
      if (p.mode != ProfileMode::Enforce || !p.file)
        continue;
      auto sampled = test::sampleAccepted(*p.file, dfa::KernelDfa::kStart, rng, 200, /*printable=*/true);
      for (const char *inv : invariants) {
        SpecFile f = parse(fmt::format("never \"{}\" {}\n", p.name, inv));
        ASSERT_EQ(f.assertions.size(), 1u);
        const Invariant &n = f.assertions[0].never;
        AssertionResult r = checkAssertion(*policy, f.assertions[0]);
        ++checked;
        std::string what = fmt::format("{} profile {} never {}", file, p.name, inv);
        if (!r.passed) {
          ++broken;
          expectCounterexampleAllowed(*policy, r, what);
          continue;
        }
        ++held;
        ASSERT_TRUE(r.message.empty()) << what << ": " << r.message;
        std::string globError;
        auto regex = dfa::globToRegex(n.glob, globError);
        auto pattern = dfa::buildAttachment(regex->regex, {}, 1'000'000, globError);
        ASSERT_TRUE(pattern) << globError;
        for (const auto &s : sampled) {
          if (s.find('\0') != std::string::npos)
            continue;
          uint32_t st = pattern->dfa.walk(s);
          if (!st || !(pattern->dfa.perms[st].allow & 1))
            continue;
          ++samples;
          DecideOptions fast;
          fast.explain = false;
          for (bool owner : {true, false}) {
            Request q = n.kind == Invariant::Kind::Exec ? Request(ExecRequest{s, owner, {}})
                                                        : Request(FileRequest{"access", s, n.bits, owner});
            Decision d = decide(*policy, p.name, q, fast);
            bool modeMatches = n.kind != Invariant::Kind::Exec || !d.transition ||
                               n.execMode == "any" || d.transition->mode == n.execMode;
            EXPECT_FALSE(d.verdict == Verdict::Allow && modeMatches)
                << what << ": sampled " << s << (owner ? "" : " other") << " is allowed";
          }
        }
      }
    }
  }
  std::cout << "[          ] " << checked << " invariants over corpus profiles: " << held << " hold (" << samples
            << " sampled paths agree), " << broken << " broken with confirmed counterexamples\n";
  EXPECT_GT(held, 10u);
  EXPECT_GT(broken, 10u);
}

} // namespace

// Recorded events replayed against the profile aa-logprof writes for them:
// every case of libapparmor's test_multi corpus with a .profile must be
// allowed by that profile and denied by the same profile emptied (where the
// feature set mediates the event's class). Reads $AASIM_CORPUS.
#include "simulator/compiled_policy.h"
#include "simulator/decision.h"
#include "simulator/recorded_trace.h"

#include "dfa/policy_compiler.h"
#include "frontend/frontend.h"
#include "simulator_support.h"
#include "test_support.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace {

using namespace aasim;
using namespace aasim::simulator;
namespace fs = std::filesystem;

using test::corpusDir;

std::string readFile(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The profile with every rule removed: only the lines that open or close a
// profile or hat block stay (aa-logprof writes one rule a line).
std::string emptied(const std::string &profile) {
  std::istringstream in(profile);
  std::string line, out;
  while (std::getline(in, line)) {
    size_t b = line.find_first_not_of(" \t"), e = line.find_last_not_of(" \t\r");
    if (b == std::string::npos)
      continue;
    std::string t = line.substr(b, e - b + 1);
    if (t == "}" || t.back() == '{')
      out += t + "\n";
  }
  return out;
}

std::optional<LoadedPolicy> load(const std::string &text, const std::string &features, std::string &error) {
  return test::loadPolicyText(text, features, error);
}

// Whether the loaded profile mediates the request's class at all.
bool mediates(const LoadedPolicy &policy, const std::string &label, const Request &r) {
  const LoadedProfile *p = policy.find(label);
  if (!p)
    return false;
  uint8_t cls = std::holds_alternative<NetworkRequest>(r)  ? 14
                : std::holds_alternative<SignalRequest>(r) ? 10
                : std::holds_alternative<PtraceRequest>(r) ? 16
                : std::holds_alternative<MountRequest>(r)  ? 7
                : std::holds_alternative<DbusRequest>(r)   ? 32
                : std::holds_alternative<UsernsRequest>(r) ? 21
                : std::holds_alternative<IoUringRequest>(r) ? 22
                : std::holds_alternative<MqueueRequest>(r) ? (std::get<MqueueRequest>(r).posix ? 17 : 18)
                                                            : 0;
  // Unix sockets by address have their own class on kernels without
  // network_v8 (network/af_unix alone).
  const auto *net = std::get_if<NetworkRequest>(&r);
  if (net && net->family == 1 && p->classStart(4))
    return true;
  return cls == 0 || p->classStart(cls) != 0;
}

// Cases whose .profile does not grant what the kernel asked, so that the
// kernel's denial stands under it too (the corpus's audit-replay-oracle
// leaves them out for the same reason).
const std::map<std::string, std::string> kProfileDoesNotCover = {
    {"file_xm", "the record is the link's subset check (x and m of the link name missing on the target); "
                "aa-logprof's rule grants m on the link name only"},
};

// `atLeast`: how many cases the feature set lets the test decide both ways
// (fewer means cases were lost).
void replayCases(const std::string &features, size_t atLeast) {
  fs::path dir = corpusDir() / "audit-logs" / "test_multi";
  std::vector<fs::path> cases;
  for (const auto &e : fs::directory_iterator(dir))
    if (e.path().extension() == ".profile")
      cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  ASSERT_FALSE(cases.empty());
  size_t checked = 0, unmediated = 0, notDecided = 0, emptyProfile = 0;
  std::vector<std::string> failures;
  for (const auto &profilePath : cases) {
    std::string name = profilePath.stem().string();
    std::string profile = readFile(profilePath);
    std::istringstream log(readFile(dir / (name + ".in")));
    RecordedTrace trace = readRecordedTrace(log);
    const TraceEvent *event = nullptr;
    for (const auto &e : trace.events)
      if (e.request) {
        event = &e;
        break;
      }
    if (!event) {
      ++notDecided;  // a status record, or a class not simulated (listed below)
      continue;
    }
    auto normalized = [](const std::string &t) {
      std::string out;
      for (char c : t)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
          out += c;
      return out;
    };
    if (normalized(profile) == normalized(emptied(profile))) {
      ++emptyProfile;  // aa-logprof writes no rule for it (the kernel's reason was no missing rule)
      continue;
    }
    std::string error;
    auto full = load(profile, features, error);
    if (!full) {
      failures.push_back(fmt::format("{}: profile rejected: {}", name, error));
      continue;
    }
    auto empty = load(emptied(profile), features, error);
    if (!empty) {
      failures.push_back(fmt::format("{}: emptied profile rejected: {}", name, error));
      continue;
    }
    const std::string &label = *event->recordedLabel;
    if (!mediates(*full, label, *event->request)) {
      ++unmediated;
      continue;
    }
    Decision allowed = decide(*full, label, *event->request), denied = decide(*empty, label, *event->request);
    ++checked;
    if (auto known = kProfileDoesNotCover.find(name); known != kProfileDoesNotCover.end()) {
      if (allowed.verdict != Verdict::Deny || denied.verdict != Verdict::Deny)
        failures.push_back(fmt::format("{}: expected denied by both ({})", name, known->second));
      continue;
    }
    if (allowed.verdict != Verdict::Allow)
      failures.push_back(fmt::format("{}: denied by its own profile ({} {})", name, allowed.operation, allowed.info));
    if (denied.verdict != Verdict::Deny)
      failures.push_back(fmt::format("{}: allowed by the emptied profile", name));
  }
  std::cout << "[          ] " << checked << " of " << cases.size() << " cases with a profile replayed both ways; "
            << unmediated << " in classes the feature set does not mediate, " << notDecided
            << " records that are no modelled request, " << emptyProfile << " with no rule\n";
  for (const auto &f : failures)
    ADD_FAILURE() << features << ": " << f;
  EXPECT_GE(checked, atLeast);
}

TEST(AuditReplay, TestMultiEventsAgainstDebianKernelFeatures) {
  if (!fs::exists(corpusDir() / "audit-logs" / "test_multi"))
    GTEST_SKIP() << "corpus not found at " << corpusDir() << " (set AASIM_CORPUS)";
  // The kernel the kernel oracle boots: Debian 12's feature set.
  if (!fs::exists("/usr/share/apparmor-features/features"))
    GTEST_SKIP() << "Debian's feature set not installed (package apparmor)";
  replayCases("/usr/share/apparmor-features/features", 75);
}

TEST(AuditReplay, TestMultiEventsAgainstFeaturesAll) {
  fs::path all = corpusDir() / "parser-tests" / "features_files" / "features.all";
  if (!fs::exists(all))
    GTEST_SKIP() << "corpus not found at " << corpusDir() << " (set AASIM_CORPUS)";
  replayCases(all.string(), 72);
}

} // namespace

namespace {
// dbus is mediated (by the bus daemon's queries) only with a feature set
// that says so.
TEST(AuditReplay, TestMultiEventsAgainstDbusAndMountFeatures) {
  fs::path f = corpusDir() / "parser-tests" / "features_files" / "features.mount+dbus";
  if (!fs::exists(f))
    GTEST_SKIP() << "corpus not found at " << corpusDir() << " (set AASIM_CORPUS)";
  replayCases(f.string(), 55);
}
} // namespace

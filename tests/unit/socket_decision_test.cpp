// Fine-grained socket decisions: unix sockets by address and peer
// (network/af_unix) and inet sockets by port and address
// (network_v8/af_inet, 6.0's encoding). Unix decisions are also checked
// against apparmor_parser's blobs, over hand-written rules and over every
// corpus profile with unix rules.
#include "simulator/decision.h"
#include "simulator/kernel_perms.h"
#include "simulator/operation_syntax.h"

#include "dfa/policy_blob.h"
#include "simulator_support.h"
#include "test_support.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace {

using namespace aasim;
using namespace aasim::simulator;
namespace fs = std::filesystem;

using test::corpusDir;

std::optional<std::string> featureFile(const char *name) {
  fs::path f = corpusDir() / "parser-tests" / "features_files" / name;
  return fs::exists(f) ? std::optional(f.string()) : std::nullopt;
}

using test::op;

// The same policy compiled by apparmor_parser (3.0.8) for the same
// features, loaded from its blob.
std::optional<LoadedPolicy> parserPolicy(const std::string &text, const std::string &features) {
  test::TempDir dir;
  std::string path = dir.write("p.sd", text);
  auto blob = test::compileWithParser("apparmor_parser", fmt::format("-M '{}'", features), path);
  if (!blob)
    return std::nullopt;
  auto read = dfa::readPolicyBlob(*blob);
  if (read.error)
    return std::nullopt;
  LoadedPolicy p;
  for (const auto &r : read.profiles)
    p.add(loadProfile(r));
  return p;
}

const char *kUnixProfile = R"(
profile t {
  unix (bind, listen) type=stream addr=@srv,
  unix (connect, send, receive) type=stream peer=(addr=@srv label=server),
  unix (create) type=dgram,
  unix (getopt) type=seqpacket,
  /run/sock rw,
  /run/made w,
}
)";

struct Case {
  const char *operation;
  Verdict verdict;
};

const Case kUnixCases[] = {
    {"network bind unix stream addr=@srv", Verdict::Allow},
    {"network bind unix stream addr=@other", Verdict::Deny},
    {"network bind unix dgram addr=@srv", Verdict::Deny},
    {"network listen unix stream addr=@srv backlog=5", Verdict::Allow},
    {"network listen unix stream addr=@x backlog=5", Verdict::Deny},
    {"network connect unix stream peer_addr=@srv peer=server", Verdict::Allow},
    {"network sendmsg unix stream addr=none peer_addr=@srv peer=server", Verdict::Allow},
    {"network connect unix stream peer_addr=@srv peer=client", Verdict::Deny},
    {"network connect unix stream peer_addr=@srv2 peer=server", Verdict::Deny},
    {"network connect unix dgram peer_addr=@srv peer=server", Verdict::Deny},
    {"socket unix dgram", Verdict::Allow},
    {"socket unix stream", Verdict::Deny},
    {"network getopt unix seqpacket opt=7", Verdict::Allow},
    {"network setopt unix seqpacket opt=7", Verdict::Deny},
    // Sockets in the filesystem: the file rules of their path decide.
    {"network connect unix stream peer_addr=/run/sock", Verdict::Allow},
    {"network connect unix stream peer_addr=/run/other", Verdict::Deny},
    {"network bind unix stream addr=/run/made", Verdict::Allow},
    {"network bind unix stream addr=/run/elsewhere", Verdict::Deny},
};

void expectUnixCases(const LoadedPolicy &policy, const std::string &what) {
  for (const Case &c : kUnixCases) {
    Decision d = decide(policy, "t", op(c.operation));
    EXPECT_EQ(d.verdict, c.verdict) << what << ": " << c.operation << " (info: " << d.info << ")";
  }
}

TEST(UnixSockets, ByAddressLabelAndCommand) {
  for (const char *name : {"features.all", "features.af_inet"}) {
    auto features = featureFile(name);
    if (!features)
      GTEST_SKIP() << "corpus not found at " << corpusDir() << " (set AASIM_CORPUS)";
    std::string error;
    auto ours = test::loadPolicyText(kUnixProfile, features, error, dfa::LanguageVersion::V3_0);
    ASSERT_TRUE(ours) << error;
    expectUnixCases(*ours, fmt::format("aasim, {}", name));
    if (std::system("command -v apparmor_parser >/dev/null 2>&1") != 0)
      continue;
    auto theirs = parserPolicy(kUnixProfile, *features);
    ASSERT_TRUE(theirs) << "apparmor_parser did not compile the profile with " << name;
    expectUnixCases(*theirs, fmt::format("apparmor_parser, {}", name));
  }
}

TEST(UnixSockets, WhereTheWalkFailsIsLogged) {
  auto features = featureFile("features.all");
  if (!features)
    GTEST_SKIP() << "corpus not found at " << corpusDir() << " (set AASIM_CORPUS)";
  std::string error;
  auto p = test::loadPolicyText("profile t { unix (create) type=dgram, }", features, error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(decide(*p, "t", op("socket unix stream")).info, "failed type match");
  Decision d = decide(*p, "t", op("network connect unix dgram peer_addr=@x"));
  EXPECT_EQ(d.verdict, Verdict::Deny);
  EXPECT_EQ(d.log, LogKind::Denied);
}

TEST(UnixSockets, CoarsePolicyIgnoresAddresses) {
  // Debian 12's kernel has no network/af_unix: the family and type decide.
  if (!fs::exists("/usr/share/apparmor-features/features"))
    GTEST_SKIP() << "Debian's feature set not installed (package apparmor)";
  std::string error;
  auto p = test::loadPolicyText("profile t { unix (connect) type=stream peer=(addr=@srv), }",
                                "/usr/share/apparmor-features/features", error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(decide(*p, "t", op("network connect unix stream peer_addr=@other")).verdict, Verdict::Allow);
  EXPECT_EQ(decide(*p, "t", op("network connect unix dgram peer_addr=@srv")).verdict, Verdict::Deny);
}

TEST(InetSockets, PortsAddressesAndPeers) {
  auto features = featureFile("features.af_inet");
  if (!features)
    GTEST_SKIP() << "corpus not found at " << corpusDir() << " (set AASIM_CORPUS)";
  std::string error;
  auto p = test::loadPolicyText(R"(
profile t {
  network (bind) inet6 dgram ip=::1 port=53,
  network (bind) inet stream port=1000-1100,
  network (listen) inet stream port=8080,
  network (connect, send, receive) inet stream peer=(ip=10.0.0.1 port=443),
  network inet dgram,
}
)",
                                features, error);
  ASSERT_TRUE(p) << error;
  const Case cases[] = {
      {"network bind inet6 dgram addr=::1 port=53", Verdict::Allow},
      {"network bind inet6 dgram addr=::1 port=54", Verdict::Deny},
      {"network bind inet6 dgram addr=::2 port=53", Verdict::Deny},
      {"network bind inet stream addr=192.168.1.1 port=1000", Verdict::Allow},
      {"network bind inet stream port=1023", Verdict::Allow},
      {"network bind inet stream port=1024", Verdict::Allow},
      {"network bind inet stream port=1100", Verdict::Allow},
      {"network bind inet stream port=999", Verdict::Deny},
      {"network bind inet stream port=1101", Verdict::Deny},
      {"network listen inet stream port=8080 backlog=128", Verdict::Allow},
      {"network listen inet stream port=8081 backlog=128", Verdict::Deny},
      {"network connect inet stream peer_addr=10.0.0.1 peer_port=443", Verdict::Allow},
      {"network sendmsg inet stream addr=10.1.1.1 port=40000 peer_addr=10.0.0.1 peer_port=443", Verdict::Allow},
      {"network connect inet stream peer_addr=10.0.0.2 peer_port=443", Verdict::Deny},
      {"network connect inet stream peer_addr=10.0.0.1 peer_port=80", Verdict::Deny},
      {"network connect inet6 stream peer_addr=::1 peer_port=443", Verdict::Deny},
      {"network connect inet dgram peer_addr=1.2.3.4 peer_port=9", Verdict::Allow},
      {"socket inet dgram", Verdict::Allow},
  };
  for (const Case &c : cases) {
    Decision d = decide(*p, "t", op(c.operation));
    EXPECT_EQ(d.verdict, c.verdict) << c.operation << " (info: " << d.info << ")";
  }
}

TEST(InetSockets, AddressesAreCheckedWhenRead) {
  std::string error;
  EXPECT_FALSE(parseOperation({"network", "connect", "inet", "stream", "peer_addr=10.0.0.300"}, error));
  EXPECT_NE(error.find("10.0.0.300"), std::string::npos) << error;
  EXPECT_FALSE(parseOperation({"network", "bind", "inet", "stream", "port=70000"}, error));
  EXPECT_FALSE(parseOperation({"network", "bind", "unix", "stream", "colour=red"}, error));
  EXPECT_NE(error.find("colour"), std::string::npos) << error;
  auto r = parseOperation({"network", "connect", "unix", "stream", "0", "peer_addr=@a", "peer=b"}, error);
  ASSERT_TRUE(r) << error;
  const auto &n = std::get<NetworkRequest>(*r);
  EXPECT_EQ(n.peer.address, "@a");
  EXPECT_EQ(n.peer.label, "b");
}

// ---- Differential over the corpus: unix requests drawn from each
// profile's own unix strings, decided from aasim's tables and from
// apparmor_parser's blob ----

// A request that asks what a sampled unix string (past class and family)
// grants: type, protocol, local address, then a command byte and what
// follows it. The string's parts are cut at NULs as the kernel lays them.
std::optional<NetworkRequest> unixRequestFor(const std::string &s, std::mt19937 &rng) {
  if (s.size() < 4)
    return std::nullopt;
  NetworkRequest n;
  n.family = 1;
  n.type = (static_cast<uint8_t>(s[0]) << 8) | static_cast<uint8_t>(s[1]);
  n.protocol = (static_cast<uint8_t>(s[2]) << 8) | static_cast<uint8_t>(s[3]);
  size_t at = 4;
  // An address: \x01 (none) or \0name, then NUL.
  auto address = [&](std::string &out) {
    if (at >= s.size())
      return;
    if (s[at] == '\x01') {
      out = "none";
      at += std::min<size_t>(2, s.size() - at);
      return;
    }
    size_t end = s.find('\0', at + 1);
    std::string name = s.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
    out = s[at] == '\0' ? "@" + name : s.substr(at, end - at);
    at = end == std::string::npos ? s.size() : end + 1;
  };
  address(n.local.address);
  size_t labelEnd = s.find('\0', at);
  at = labelEnd == std::string::npos ? s.size() : labelEnd + 1;
  char cmd = at < s.size() ? s[at++] : 0;
  static const char *kLocalOps[] = {"bind", "accept", "getattr", "setattr", "shutdown", "create"};
  static const char *kPeerOps[] = {"connect", "sendmsg", "recvmsg"};
  if (cmd == 1) {
    address(n.peer.address);
    n.peer.label = at < s.size() ? s.substr(at) : "unconfined";
    n.operation = kPeerOps[rng() % std::size(kPeerOps)];
  } else if (cmd == 2) {
    n.operation = "listen";
    n.backlog = rng() % 256;
  } else if (cmd == 4) {
    n.operation = rng() & 1 ? "getopt" : "setopt";
    n.option = rng() % 64;
  } else {
    n.operation = kLocalOps[rng() % std::size(kLocalOps)];
  }
  std::string error;
  auto parsed = parseOperation({"network", n.operation, "unix", "stream"}, error);
  n.mask = std::get<NetworkRequest>(*parsed).mask;
  return n;
}

TEST(UnixSockets, AasimTablesDecideLikeParserBlobsOverTheCorpus) {
  if (std::system("command -v apparmor_parser >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "apparmor_parser not on PATH";
  fs::path abi3 = corpusDir() / "profiles" / "roddhjav" / "abi3";
  auto all = featureFile("features.all"), v8 = featureFile("features.af_inet");
  if (!all || !v8 || !fs::exists(abi3 / "parser-status.tsv"))
    GTEST_SKIP() << "corpus not found at " << corpusDir() << " (set AASIM_CORPUS)";
  // Every n-th profile with unix rules that 3.0.8 accepts (a quarter of
  // AASIM_DECISION_STRIDE: fewer profiles have unix rules).
  auto hasUnixRules = [&](const std::string &file) {
    std::ifstream in(abi3 / "apparmor.d" / file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.find("unix") != std::string::npos;
  };
  std::vector<std::string> files = test::parserAcceptedFiles(abi3, std::max<size_t>(test::decisionStride() / 4, 1),
                                                             hasUnixRules);
  ASSERT_FALSE(files.empty());
  std::mt19937 rng(4242);
  size_t events = 0, profiles = 0, fineGrained = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    // Alternate: class 4 strings (no network_v8) and class 14 ones.
    const std::string &features = i % 2 ? *v8 : *all;
    fs::path path = abi3 / "apparmor.d" / files[i];
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    frontend::SearchPaths paths;
    paths.baseDir = (abi3 / "base").string();
    std::string error;
    auto ours = test::loadPolicyText(text, features, error, dfa::LanguageVersion::V3_0, paths);
    if (!ours)
      continue;  // aasim refuses (the crosscheck test reports those)
    auto blob = test::compileWithParser("apparmor_parser", fmt::format("-M '{}' -b '{}'", features, paths.baseDir),
                                        path.string());
    ASSERT_TRUE(blob) << files[i];
    auto read = dfa::readPolicyBlob(*blob);
    ASSERT_FALSE(read.error) << files[i] << ": " << read.error->message;
    LoadedPolicy theirs;
    for (const auto &r : read.profiles)
      theirs.add(loadProfile(r));
    for (const auto &p : ours->profiles()) {
      if (!theirs.find(p.name, p.ns) || !p.policydb)
        continue;
      ++profiles;
      uint32_t start = p.policydb->walk(std::string(i % 2 ? "\x0e\x00\x01" : "\x04\x00\x01", 3));
      std::vector<std::string> strings;
      if (start != dfa::KernelDfa::kNoMatch)
        strings = test::sampleAccepted(*p.policydb, start, rng, 30);
      for (const auto &s : strings) {
        auto request = unixRequestFor(s, rng);
        if (!request)
          continue;
        DecideOptions fast;
        fast.explain = false;
        Decision a = decide(*ours, p.name, *request, fast), b = decide(theirs, p.name, *request, fast);
        ++events;
        fineGrained += a.verdict == Verdict::Allow;
        std::string what = fmt::format("{} ({}) profile {} {} {} peer {} {}", files[i], fs::path(features).filename().string(),
                                       p.name, request->operation, request->local.address, request->peer.address,
                                       request->peer.label);
        ASSERT_EQ(a.verdict, b.verdict) << what;
        ASSERT_EQ(a.log, b.log) << what;
        ASSERT_EQ(a.denied, b.denied) << what;
        ASSERT_EQ(a.info, b.info) << what;
      }
    }
  }
  std::cout << "[          ] " << events << " unix requests over " << profiles << " profiles of " << files.size()
            << " files decided alike (" << fineGrained << " allowed)\n";
  EXPECT_GT(events, 200u);
  EXPECT_GT(fineGrained, 20u);  // the sample reaches what the rules grant
}

} // namespace

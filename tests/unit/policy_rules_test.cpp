// The policy automaton's strings and words for the encodings observed from
// apparmor_parser 3.0.8 (kernel-semantics.md §3.3-3.4, [observed] there),
// checked by walking aasim's own automaton: no oracle needed.
#include "dfa/equivalence.h"
#include "dfa/policy_compiler.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace aasim::test {
namespace {

using namespace frontend;
using namespace std::string_literals;

dfa::PolicyFeatures allFeatures() {
  dfa::PolicyFeatures f;
  f.policydb = f.fileMarker = f.signal = f.ptrace = f.dbus = f.mount = f.unixV7 = true;
  return f;
}

struct PolicyWords {
  dfa::Dfa dfa;
  dfa::AcceptWords at(const std::string &input) const { return dfa::acceptWords(dfa.perms[dfa.walk(input)]); }
};

PolicyWords compilePolicyDfa(const std::string &body, dfa::PolicyFeatures features,
                             dfa::LanguageVersion version = dfa::LanguageVersion::V3_0) {
  std::string err;
  auto fe = Frontend::create({}, err);
  auto f = fe->load("t.sd", "profile t {\n" + body + "\n}\n");
  EXPECT_TRUE(f.accepted) << body;
  Diagnostics diags;
  dfa::CompileOptions options;
  options.version = version;
  options.features = features;
  auto profiles = dfa::compilePolicy(*f.policy, f.vars, diags, options);
  EXPECT_FALSE(diags.hasErrors());
  EXPECT_EQ(profiles.size(), 1u);
  EXPECT_TRUE(profiles.at(0).policyDfa.has_value());
  return {*profiles.at(0).policyDfa};
}

TEST(PolicyRules, MarkersForEveryMediatedClass) {
  auto p = compilePolicyDfa("", allFeatures());
  for (std::string marker : {"\x02"s, "\x07"s, "\x09"s, "\x0a"s, "\x20"s, "\x04"s, "4\0001"s})
    EXPECT_EQ(p.at(marker).accept, 0x4u) << dfa::showBytes(marker);
  EXPECT_EQ(p.at("\x0e"s).accept, 0u);  // no network_v8 in this feature set
}

TEST(PolicyRules, SignalSetAndPeer) {
  auto p = compilePolicyDfa("signal send set=(term,kill) peer=q,", allFeatures());
  EXPECT_EQ(p.at("\x0a\x0fq"s).accept, 0x2u);
  EXPECT_EQ(p.at("\x0a\x09q"s).accept, 0x2u);
  EXPECT_EQ(p.at("\x0a\x01q"s).accept, 0u);  // hup is not in the set
  EXPECT_EQ(p.at("\x0a\x0fr"s).accept, 0u);  // another peer
}

TEST(PolicyRules, SignalWithoutSetHasTheLabelForm) {
  auto p = compilePolicyDfa("signal receive,", allFeatures());
  EXPECT_EQ(p.at("\x10\x0a"s + "peer").accept, 0x4u);
  EXPECT_EQ(p.at("\x0a\x05"s + "peer").accept, 0x4u);
  EXPECT_EQ(p.at("\x0a\x05"s).accept, 0u);  // a peer label has at least one byte
}

TEST(PolicyRules, DenyIsQuietUnlessAudited) {
  auto p = compilePolicyDfa("ptrace,\ndeny ptrace read peer=a,\naudit deny ptrace trace peer=b,", allFeatures());
  EXPECT_EQ(p.at("\x09"s + "a").accept, 0x1au);       // read denied
  EXPECT_EQ(p.at("\x09"s + "a").accept2, 0x4u << 7);  // and quiet
  EXPECT_EQ(p.at("\x10\x09"s + "b").accept, 0x1cu);   // trace denied
  EXPECT_EQ(p.at("\x10\x09"s + "b").accept2, 0u);     // and logged
}

TEST(PolicyRules, DbusElementsJoinedByNul) {
  auto p = compilePolicyDfa("dbus send bus=session path=/p interface=i member=m peer=(name=n label=l),\n"
                            "dbus bind bus=system name=org.y,",
                            allFeatures());
  EXPECT_EQ(p.at("\x20session\0n\0l\0/p\0i\0m"s).accept, 0x2u);
  EXPECT_EQ(p.at("\x20session\0n\0l\0/p\0i\0x"s).accept, 0u);
  EXPECT_EQ(p.at("\x20system\0org.y"s).accept, 0x40u);
}

TEST(PolicyRules, UnixObservedStrings) {
  auto p = compilePolicyDfa("unix bind type=dgram addr=@foo,", allFeatures());
  EXPECT_EQ(p.at("\x04\x00\x01\x00\x02..\x00"s + "foo\x00label\x00"s).accept, 0x20000u);  // map_perms(bind)
  EXPECT_EQ(p.at("\x04\x00\x01\x00\x01..\x00"s + "foo\x00label\x00"s).accept, 0u);  // stream
}

TEST(PolicyRules, NetworkUnderNetworkV8) {
  auto f = allFeatures();
  f.networkV8 = true;
  auto p = compilePolicyDfa("network inet stream,\ndeny network inet6 dgram,", f);
  EXPECT_EQ(p.at("\x0e\x00\x02\x00\x01"s).accept, 0x1fc076u);
  EXPECT_EQ(p.at("\x0e\x00\x0a\x00\x02"s).accept, 0u);
  EXPECT_EQ(p.at("\x0e\x00\x0a\x00\x02"s).accept2, 0x0fe03b00u);
}

// 6.0's fine-grained inet encoding (language-6.0.md §4.6) with
// network_v8/af_inet: the family/type state continues the match, the
// local port is a privilege byte and the port big-endian (a range crossing
// 1024 split by privilege), the address a size byte and the address.
TEST(PolicyRules, InetPortRangesWithAfInet) {
  auto f = allFeatures();
  f.networkV8 = f.networkInet = true;
  auto p = compilePolicyDfa("network inet stream port=1000-1100,\nnetwork bind inet dgram ip=10.0.0.1 port=53,", f,
                            dfa::LanguageVersion::V6_0);
  const std::string stream = "\x0e\x00\x02\x00\x01"s, dgram = "\x0e\x00\x02\x00\x02"s;
  EXPECT_EQ(p.at(stream).accept, 0x10000000u | 0x10u);  // continue, and create is decided here
  const std::string proto = "\x00\x06"s, anyIp = "\x01\x7f\x00\x00\x01\x00"s;
  // What the local part grants, less the continue bit that the peer part's
  // prefix (any peer port and address) also puts on such strings.
  auto local = [&](const std::string &port) { return p.at(stream + proto + port + anyIp).accept & ~0x10000000u; };
  // map_perms of every permission but listen and the socket options, which
  // have strings of their own after a command byte.
  const uint32_t localPerms = 0x1fc076u & ~0x1c0000u;
  EXPECT_EQ(local("\x01\x03\xe8"s), localPerms);  // 1000, privileged
  EXPECT_EQ(local("\x00\x04\x4c"s), localPerms);  // 1100
  EXPECT_EQ(local("\x01\x03\xe7"s), 0u);          // 999
  EXPECT_EQ(local("\x00\x04\x4d"s), 0u);          // 1101
  EXPECT_EQ(local("\x00\x03\xe8"s), 0u);          // 1000 but unprivileged
  EXPECT_EQ(p.at(stream + proto + "\x00\x04\x00"s + anyIp + "\x02\x00\x00"s).accept & ~0x10000000u, 0x40000u);  // listen
  // bind on 10.0.0.1:53 only (map_perms(bind) = 0x20000).
  const std::string bind53 = dgram + "\x00\x11"s + "\x01\x00\x35"s;
  EXPECT_EQ(p.at(bind53 + "\x01\x0a\x00\x00\x01\x00"s).accept, 0x20000u);
  EXPECT_EQ(p.at(bind53 + "\x01\x0a\x00\x00\x02\x00"s).accept, 0u);
  // Equal port sets give the same automaton; different ones do not.
  auto a = compilePolicyDfa("network port=3456-3458,", f, dfa::LanguageVersion::V6_0);
  auto b = compilePolicyDfa("network port=3456,\nnetwork port=3457,\nnetwork port=3458,", f, dfa::LanguageVersion::V6_0);
  auto c = compilePolicyDfa("network port=3456,", f, dfa::LanguageVersion::V6_0);
  EXPECT_FALSE(dfa::firstDifference(a.dfa, b.dfa));
  EXPECT_TRUE(dfa::firstDifference(a.dfa, c.dfa));
}

TEST(PolicyRules, UnqualifiedNetworkTypesDependOnThePrefix) {
  auto f = allFeatures();
  f.networkV8 = true;
  // A plain rule covers the 16 types of a type mask, an audit or deny one
  // every type (both observed from 3.0.8).
  EXPECT_EQ(compilePolicyDfa("network,", f).at("\x0e\x00\x02\x00\x10"s).accept, 0u);
  EXPECT_EQ(compilePolicyDfa("network,", f).at("\x0e\x00\x02\x00\x0f"s).accept, 0x1fc076u);
  EXPECT_EQ(compilePolicyDfa("audit network,", f).at("\x0e\x00\x02\x00\x10"s).accept, 0x1fc076u);
}

TEST(PolicyRules, UnixAuditComesFromTheRuleNotTheString) {
  // create is granted on the protocol prefix only, yet audited on the
  // local-address string too; the peer string audits every bit.
  auto p = compilePolicyDfa("audit unix,", allFeatures());
  std::string local = "\x04\x00\x01\x00\x01\x00\x00"s + "\x00"s + "\x00"s;
  EXPECT_EQ(p.at(local).accept2 & 0x7f, 0x30u);  // shutdown and create (mapped)
  EXPECT_EQ(p.at(local + "\x01\x00"s).accept2, 0x1fc076u);
}

TEST(PolicyRules, NoPolicyDfaWithoutTheFeature) {
  std::string err;
  auto fe = Frontend::create({}, err);
  auto f = fe->load("t.sd", "profile t { signal, }\n");
  Diagnostics diags;
  auto profiles = dfa::compilePolicy(*f.policy, f.vars, diags, dfa::CompileOptions{});
  ASSERT_EQ(profiles.size(), 1u);
  EXPECT_FALSE(profiles[0].policyDfa.has_value());
}

} // namespace
} // namespace aasim::test

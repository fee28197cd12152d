// Record headers (dfa/profile_record.h) and whole records
// (dfa/policy_records.h) against apparmor_parser 3.0.8. The first tests hold
// values OBSERVED from `apparmor_parser -Q -S` (3.0.8, this machine),
// written down so that they run without the parser; the differential test
// compiles varied profiles with both and compares every record field and
// every automaton (by equivalence) when the parser is installed.
#include "dfa/attachment.h"
#include "dfa/compress.h"
#include "dfa/equivalence.h"
#include "dfa/policy_blob.h"
#include "dfa/policy_compiler.h"
#include "dfa/policy_records.h"
#include "dfa/policy_writer.h"
#include "test_support.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>

namespace aasim::test {
namespace {

namespace fs = std::filesystem;
using namespace frontend;

using test::corpusDir;

fs::path featuresAll() { return corpusDir() / "parser-tests" / "features_files" / "features.all"; }

struct Compiled {
  std::vector<dfa::CompiledProfile> profiles;
  std::string firstError;
  const dfa::CompiledProfile &byName(const std::string &name) const {
    for (const auto &p : profiles)
      if (p.name == name)
        return p;
    ADD_FAILURE() << "no profile " << name;
    return profiles.at(0);
  }
};

// Compiles as `aasim crosscheck` does, with 3.0.8's semantics (or as
// `aasim compile -S` does, with 6.0's).
Compiled compile(const std::string &text, const std::optional<std::string> &featuresFile = std::nullopt,
                 dfa::LanguageVersion version = dfa::LanguageVersion::V3_0) {
  FrontendOptions fo;
  fo.dialect = version == dfa::LanguageVersion::V3_0 ? Dialect::V3_0 : Dialect::V6_0;
  if (featuresFile)
    fo.featuresFile = *featuresFile;
  std::string err;
  auto fe = Frontend::create(fo, err);
  Compiled out;
  if (!fe) {
    ADD_FAILURE() << err;
    return out;
  }
  auto f = fe->load("t.sd", text);
  EXPECT_TRUE(f.accepted) << text;
  if (!f.accepted)
    return out;
  dfa::CompileOptions o;
  o.version = version;
  o.records = true;
  o.kernelStacks = featuresFile && fe->features().has("domain/stack");
  if (featuresFile) {
    o.features = dfa::PolicyFeatures::from(fe->features());
    o.recordFeatures = dfa::RecordFeatures::from(fe->features());
  }
  Diagnostics diags;
  out.profiles = dfa::compilePolicy(*f.policy, f.vars, diags, o);
  for (const auto &d : diags.items())
    if (d.severity == Severity::Error) {
      out.firstError = d.message;
      break;
    }
  return out;
}

// ---- Observed values (apparmor_parser 3.0.8 -Q -S, no -M unless said) ----

TEST(ProfileRecord, VersionWord) {
  // Observed: 0x5 without -M; 0x00202007 with features.all (policy/versions v7).
  EXPECT_EQ(compile("profile t { }").byName("t").header.version, 5u);
  dfa::RecordFeatures v6;
  v6.kernelAbi = 6;
  EXPECT_EQ(v6.versionWord(), 0x00202006u);
  if (!fs::exists(featuresAll()))
    GTEST_SKIP() << "corpus not found at " << corpusDir() << " (set AASIM_CORPUS)";
  EXPECT_EQ(compile("profile t { }", featuresAll().string()).byName("t").header.version, 0x00202007u);
}

TEST(ProfileRecord, CapabilityWords) {
  // Observed (also kernel-semantics.md §6.2): allow 0x2001, audit 0x1, quiet 0x200000.
  auto c = compile("profile t { capability net_raw, audit capability chown, deny capability sys_admin, }");
  const auto &h = c.byName("t").header;
  EXPECT_EQ(h.capsLow(), (std::array<uint32_t, 4>{0x2001, 0x1, 0x200000, 0}));
  EXPECT_EQ(h.capsHigh(), (std::array<uint32_t, 4>{0, 0, 0, 0}));
  // Observed: `capability,` sets all 64 bits, with or without -M.
  auto all = compile("profile t { capability, }").byName("t").header;
  EXPECT_EQ(all.capsLow(), (std::array<uint32_t, 4>{0xffffffff, 0, 0, 0}));
  EXPECT_EQ(all.capsHigh(), (std::array<uint32_t, 4>{0xffffffff, 0, 0, 0}));
  // Observed: allow 0xffdfffff, audit 0x1, quiet 0x200000; high allow 0xffffffff.
  auto mixed = compile("profile t { capability, deny capability sys_admin, audit capability chown, }").byName("t");
  EXPECT_EQ(mixed.header.capsLow(), (std::array<uint32_t, 4>{0xffdfffff, 0x1, 0x200000, 0}));
  // Observed: an audited deny is not quiet; deny beats allow: allow 0, quiet 0x1.
  auto deny = compile("profile t { deny capability chown, audit deny capability setuid, capability chown, }");
  EXPECT_EQ(deny.byName("t").header.capsLow(), (std::array<uint32_t, 4>{0, 0, 0x1, 0}));
  // Observed: bpf, perfmon and checkpoint_restore, unknown to the target's
  // caps/mask (here 3.0.8's built-in set), become sys_admin (bit 21).
  auto newer = compile("profile t { capability bpf, deny capability perfmon, }").byName("t").header;
  EXPECT_EQ(newer.capsLow(), (std::array<uint32_t, 4>{0, 0, 0x200000, 0}));  // deny wins
  EXPECT_EQ(newer.capsHigh(), (std::array<uint32_t, 4>{0, 0, 0, 0}));
  // Observed: `audit capability,` audits everything: allow and audit all ones.
  auto audited = compile("profile t { audit capability, }").byName("t").header;
  EXPECT_EQ(audited.capsHigh(), (std::array<uint32_t, 4>{0xffffffff, 0xffffffff, 0, 0}));
}

TEST(ProfileRecord, FlagsAndPathFlags) {
  auto c = compile("profile top flags=(complain,audit,attach_disconnected) {\n"
                   "  ^h { }\n  hat h2 flags=(complain) { }\n  profile k flags=(kill) { }\n}\n"
                   "profile u flags=(unconfined) { }\n"
                   "profile mc flags=(mediate_deleted,chroot_relative) { }\n"
                   "profile ad flags=(attach_disconnected,chroot_attach) { }\n"
                   "profile nr flags=(namespace_relative) { }\n"
                   "profile plain { }\n");
  ASSERT_TRUE(c.firstError.empty()) << c.firstError;
  // Observed: hat, mode, audit words; children inherit neither mode nor audit.
  auto top = c.byName("top").header;
  EXPECT_EQ((std::array{top.hat, top.mode, top.audit}), (std::array<uint32_t, 3>{0, 1, 1}));
  EXPECT_EQ(top.pathFlags, 0x4u);
  auto h = c.byName("top//h").header;
  EXPECT_EQ((std::array{h.hat, h.mode, h.audit}), (std::array<uint32_t, 3>{1, 0, 0}));
  EXPECT_FALSE(h.pathFlags);
  auto h2 = c.byName("top//h2").header;
  EXPECT_EQ((std::array{h2.hat, h2.mode, h2.audit}), (std::array<uint32_t, 3>{1, 1, 0}));
  EXPECT_EQ(c.byName("top//k").header.mode, 2u);
  EXPECT_EQ(c.byName("u").header.mode, 3u);
  // Observed path_flags: 0x10008, 0x14, and present but 0 for namespace_relative.
  EXPECT_EQ(c.byName("mc").header.pathFlags, 0x10008u);
  EXPECT_EQ(c.byName("ad").header.pathFlags, 0x14u);
  EXPECT_EQ(c.byName("nr").header.pathFlags, 0x0u);
  EXPECT_FALSE(c.byName("plain").header.pathFlags);
}

TEST(ProfileRecord, NamesNamespacesAndOrder) {
  auto c = compile("profile top {\n  ^hat1 { }\n  profile child1 { ^subhat { }\n profile grand { } }\n"
                   "  hat hat2 { }\n}\nprofile second { }\n:ns1:nsprof { }\nprofile :ns2://nsprof2 { profile c { } }\n"
                   "/usr/bin/glob* { }\nprofile ad { }\n");
  ASSERT_TRUE(c.firstError.empty()) << c.firstError;
  std::vector<std::string> names;
  for (size_t i : dfa::recordOrder(c.profiles))
    names.push_back(c.profiles[i].header.recordName);
  // Observed order and names: sorted, no-namespace first, children depth
  // first after their parent, a grandchild named by its parent's own name.
  EXPECT_EQ(names, (std::vector<std::string>{"/usr/bin/glob*", "ad", "second", "top", "top//child1",
                                             "child1//grand", "child1//subhat", "top//hat1", "top//hat2",
                                             "nsprof", "nsprof2", "nsprof2//c"}));
  EXPECT_EQ(c.byName("nsprof").header.ns, "ns1");
  EXPECT_EQ(c.byName("nsprof2").header.ns, "ns2");
  EXPECT_FALSE(c.byName("nsprof2//c").header.ns);  // observed: no namespace element for children
}

TEST(ProfileRecord, Rlimits) {
  auto c = compile("profile r1 {\n"
                   "  set rlimit cpu <= 10,\n  set rlimit fsize <= 1K,\n  set rlimit data <= 2MB,\n"
                   "  set rlimit stack <= 3G,\n  set rlimit core <= infinity,\n  set rlimit nproc <= 5,\n"
                   "  set rlimit nofile <= 1024,\n  set rlimit locks <= 010,\n  set rlimit nice <= -5,\n"
                   "  set rlimit rttime <= 60,\n}\n"
                   "profile r2 { set rlimit cpu <= 2min, set rlimit rttime <= 5ms, set rlimit nice <= 10,"
                   " set rlimit ofile <= 7, set rlimit cpu <= 1h, }\n"
                   "profile r3 { set rlimit cpu <= 1500ms, set rlimit rttime <= 2weeks, set rlimit nice <= infinity, }\n");
  ASSERT_TRUE(c.firstError.empty()) << c.firstError;
  auto r1 = *c.byName("r1").header.rlimits;
  // Each value as observed for the same rule: cpu in seconds, sizes in
  // bytes, octal 010 = 8, nice stored as 20 + n, rttime in microseconds,
  // infinity all ones; bit i of the mask for each limit set.
  EXPECT_EQ(r1.mask, 0xa4dfu);
  std::vector<uint64_t> want1(16, 0);
  want1[0] = 10, want1[1] = 1024, want1[2] = 2097152, want1[3] = 3221225472ULL, want1[4] = ~0ULL, want1[6] = 5,
  want1[7] = 1024, want1[10] = 8, want1[13] = 15, want1[15] = 60;
  EXPECT_EQ(r1.limits, want1);
  // Observed: mask 0xa081 [0]=3600 (the later cpu rule wins) [7]=7 [13]=30 [15]=5000.
  auto r2 = *c.byName("r2").header.rlimits;
  EXPECT_EQ(r2.mask, 0xa081u);
  EXPECT_EQ(r2.limits[0], 3600u);
  EXPECT_EQ(r2.limits[7], 7u);
  EXPECT_EQ(r2.limits[13], 30u);
  EXPECT_EQ(r2.limits[15], 5000u);
  // Observed: cpu 1500ms -> 1; rttime 2weeks -> 1209600000000; nice infinity all ones.
  auto r3 = *c.byName("r3").header.rlimits;
  EXPECT_EQ(r3.limits[0], 1u);
  EXPECT_EQ(r3.limits[15], 1209600000000ULL);
  EXPECT_EQ(r3.limits[13], ~0ULL);
  EXPECT_FALSE(compile("profile t { }").byName("t").header.rlimits);
}

TEST(ProfileRecord, LegacyNetworkTable) {
  if (!fs::exists(featuresAll()))
    GTEST_SKIP() << "corpus not found at " << corpusDir() << " (set AASIM_CORPUS)";
  auto c = compile("profile n1 { network, }\n"
                   "profile n2 { network inet stream, audit network inet6 dgram, deny network netlink raw,"
                   " network unix, }\n"
                   "profile n3 { deny network inet, }\nprofile n4 { /a r, }\n",
                   featuresAll().string());
  ASSERT_TRUE(c.firstError.empty()) << c.firstError;
  // Observed with features.all (network, no network_v8): 46 families.
  auto n1 = *c.byName("n1").header.netAllowedAf;
  ASSERT_EQ(n1.size(), 46u);
  for (const auto &f : n1)
    EXPECT_EQ(f, (dfa::BlobNetFamily{0xffff, 0, 0}));
  auto n2 = *c.byName("n2").header.netAllowedAf;
  EXPECT_EQ(n2[1], (dfa::BlobNetFamily{0x43e, 0, 0}));   // unix: the six types of 3.0.8's table
  EXPECT_EQ(n2[2], (dfa::BlobNetFamily{0x2, 0, 0}));     // inet stream
  EXPECT_EQ(n2[10], (dfa::BlobNetFamily{0x4, 0x4, 0}));  // audit inet6 dgram
  EXPECT_EQ(n2[16], (dfa::BlobNetFamily{0, 0, 0x8}));    // deny netlink raw: quiet
  // Observed: a deny-only rule still writes the table; no rule, no table.
  EXPECT_TRUE(c.byName("n3").header.netAllowedAf);
  EXPECT_FALSE(c.byName("n4").header.netAllowedAf);
  // Observed: unix rules are downgraded into the table too: an allow rule
  // allows its type (all without type=) on AF_UNIX, audited when audited;
  // a deny rule is dropped but the table is still written.
  auto u = compile("profile u1 { unix, }\nprofile u2 { unix (send) type=dgram, }\n"
                   "profile u3 { deny unix type=stream, }\nprofile u4 { audit unix (connect) type=seqpacket, }\n"
                   "profile u6 { unix type=stream, deny unix type=stream, }\n",
                   featuresAll().string());
  ASSERT_TRUE(u.firstError.empty()) << u.firstError;
  EXPECT_EQ((*u.byName("u1").header.netAllowedAf)[1], (dfa::BlobNetFamily{0xffff, 0, 0}));
  EXPECT_EQ((*u.byName("u2").header.netAllowedAf)[1], (dfa::BlobNetFamily{0x4, 0, 0}));
  EXPECT_EQ((*u.byName("u3").header.netAllowedAf)[1], (dfa::BlobNetFamily{0, 0, 0}));
  EXPECT_EQ((*u.byName("u4").header.netAllowedAf)[1], (dfa::BlobNetFamily{0x20, 0x20, 0}));
  EXPECT_EQ((*u.byName("u6").header.netAllowedAf)[1], (dfa::BlobNetFamily{0x2, 0, 0}));
  // Observed: without -M (no network feature) no table at all.
  EXPECT_FALSE(compile("profile n1 { network, }").byName("n1").header.netAllowedAf);
}

TEST(ProfileRecord, AttachmentLengths) {
  // Observed xmatch_len values (and kernel-semantics.md §9.5).
  struct Case {
    const char *profile;
    const char *name;
    uint32_t len;
  } cases[] = {
      {"/usr/bin/glob* { }", "/usr/bin/glob*", 13},
      {"profile foo* { }", "foo*", 3},
      {"profile bar /usr/bin/bar { }", "bar", 12},
      {"profile t2 /usr//bin/{a,b}/** { }", "t2", 12},  // attachments are slash-filtered
      {"profile t3 /usr/bin/[abc]x { }", "t3", 11},
      {"profile t4 /usr/?x { }", "t4", 6},
      {"profile t5 /usr/{bin,sbin}/foo { }", "t5", 12},
      {"profile t6 /u*/bin/foo { }", "t6", 2},
      {"profile /usr/bin//x* { }", "/usr/bin//x*", 1},  // built from the part after the last //
      {"profile /a//bc/d* { }", "/a//bc/d*", 4},
      // 3.0.8 counts after factoring common parts out of alternations: the
      // shared suffix /gg moves behind an alternation holding [^/]*.
      {"profile f1 /{bin/gg,lib/*/gg} { }", "f1", 4},
      {"profile f2 /{bin/g-*,lib/*/g-*} { }", "f2", 4},
      {"profile f3 /{bin/g-*,lib/*/h-*} { }", "f3", 6},
      {"profile f4 /{{,usr/}bin/q-*,{,usr/}lib{,exec,32,64}/*-gnu*/libg-*/q-*} { }", "f4", 4},
      {"profile f5 /{a,b,c,a}d { }", "f5", 3},
      {"profile f6 /{xa,xb,ya,yb}/* { }", "f6", 5},
  };
  for (const auto &c : cases) {
    auto r = compile(c.profile);
    ASSERT_TRUE(r.firstError.empty()) << c.profile << ": " << r.firstError;
    const auto &p = r.byName(c.name);
    ASSERT_TRUE(p.xmatch) << c.profile;
    EXPECT_EQ(p.xmatch->xmatchLen, c.len) << c.profile;
  }
  // Observed: a plain path name, or a plain name, has no xmatch.
  EXPECT_FALSE(compile("/usr/bin/plain { }").byName("/usr/bin/plain").xmatch);
  EXPECT_FALSE(compile("profile plain { }").byName("plain").xmatch);
  // Observed: without kernel xattr support the xattrs are dropped but the
  // xmatch is still built, from the name when there is no attachment.
  auto x = compile("profile xb xattrs=(user.y) { }");
  ASSERT_TRUE(x.byName("xb").xmatch);
  EXPECT_EQ(x.byName("xb").xmatch->xmatchLen, 2u);
  EXPECT_TRUE(x.byName("xb").header.xattrs.empty());
}

TEST(ProfileRecord, AttachmentAutomatonAcceptsWithMayExec) {
  auto r = compile("profile t /usr/{bin,sbin}/foo* { }");
  const auto &a = *r.byName("t").xmatch;
  EXPECT_EQ(a.dfa.perms[a.dfa.walk("/usr/sbin/foobar")].allow, 0x1u);  // observed accept word 0x1
  EXPECT_EQ(a.dfa.perms[a.dfa.walk("/usr/lib/foo")].allow, 0x0u);
  EXPECT_EQ(a.dfa.perms[a.dfa.walk("/usr/bin/foo/x")].allow, 0x0u);
}

// The kernel's aa_xattrs_match over loaded tables (kernel-semantics.md
// §9.5): from the path's state one out-of-band step; per xattr in record
// order, if the file has it a NUL, its value and AA_MAY_EXEC there, then an
// out-of-band step; a missing one only takes the step and must not end in
// state 0. True when the profile attaches.
bool kernelAttaches(const dfa::KernelDfa &t, const std::string &path,
                    const std::vector<std::optional<std::string>> &values) {
  uint32_t state = t.walk(path);
  if (!(t.accept[state] & 0x1))
    return false;
  state = t.stepOutOfBand(state);
  for (const auto &v : values) {
    if (v) {
      state = t.step(state, 0);
      state = t.walk(*v, state);
      if (!(t.accept[state] & 0x1))
        return false;
    }
    state = t.stepOutOfBand(state);
    if (!v && state == dfa::KernelDfa::kNoMatch)
      return false;
  }
  return true;
}

TEST(ProfileRecord, XattrAttachmentFollowsTheKernelsWalk) {
  std::string error;
  // security.apparmor="trusted" user.x (any value), in record order.
  auto a = dfa::buildAttachment("/usr/bin/foo", {"trusted", ".*"}, 1000, error);
  ASSERT_TRUE(a) << error;
  ASSERT_TRUE(a->dfa.hasOutOfBand);
  dfa::KernelDfa t = dfa::compressDfa(a->dfa);
  EXPECT_TRUE(t.headerFlags & dfa::KernelDfa::kHeaderOutOfBand);
  EXPECT_FALSE(dfa::firstDifference(a->dfa, t)) << "compressed tables decide differently";
  dfa::TableError terr;
  EXPECT_TRUE(dfa::verifyKernelDfa(t, terr)) << terr.message;
  EXPECT_EQ(a->xmatchLen, 12u);  // observed: xattrs do not count

  EXPECT_TRUE(kernelAttaches(t, "/usr/bin/foo", {"trusted", "anything"}));
  EXPECT_TRUE(kernelAttaches(t, "/usr/bin/foo", {"trusted", std::string("a\0b", 3)}));
  EXPECT_FALSE(kernelAttaches(t, "/usr/bin/foo", {"trustedX", "v"}));
  EXPECT_FALSE(kernelAttaches(t, "/usr/bin/foo", {std::nullopt, "v"}));  // every xattr is required
  EXPECT_FALSE(kernelAttaches(t, "/usr/bin/foo", {"trusted", std::nullopt}));
  EXPECT_FALSE(kernelAttaches(t, "/usr/bin/fo", {"trusted", "v"}));
  // The path alone is accepted too: the kernel checks it before the xattrs.
  EXPECT_EQ(t.accept[t.walk("/usr/bin/foo")], 0x1u);
  // No byte leads where the out-of-band step does.
  uint32_t pathEnd = a->dfa.walk("/usr/bin/foo");
  for (unsigned b = 0; b < 256; ++b)
    EXPECT_NE(a->dfa.step(pathEnd, static_cast<uint8_t>(b)), a->dfa.stepOutOfBand(pathEnd)) << b;
}

TEST(ProfileRecord, DifferencesPastTheOutOfBandStepHaveWitnesses) {
  std::string error;
  auto a = dfa::buildAttachment("/x", {"a"}, 1000, error), b = dfa::buildAttachment("/x", {"b"}, 1000, error);
  ASSERT_TRUE(a && b) << error;
  auto d = dfa::firstDifference(a->dfa, dfa::compressDfa(b->dfa));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->outOfBandAt, std::vector<size_t>{2});
  EXPECT_EQ(d->witness.substr(0, 3), std::string("/x\0", 3));
  EXPECT_EQ(dfa::showWitness(*d).substr(0, 7), "/x\\-1\\0");
  // The same tables with their out-of-band flags cleared decide like an
  // attachment without xattrs there: the product walk sees the step.
  dfa::KernelDfa cleared = dfa::compressDfa(a->dfa);
  for (auto &base : cleared.base)
    base &= ~dfa::KernelDfa::kOutOfBand;
  EXPECT_TRUE(dfa::firstDifference(a->dfa, cleared));
}

// ---- Differential: aasim's records against the installed apparmor_parser ----

std::optional<std::string> parserOnPath() {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/sbin:/usr/sbin";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    if (!dir.empty() && access((dir + "/apparmor_parser").c_str(), X_OK) == 0)
      return dir + "/apparmor_parser";
  return std::nullopt;
}

void expectSameAutomaton(const char *what, const std::optional<dfa::KernelDfa> &ours,
                         const std::optional<dfa::KernelDfa> &theirs, const std::string &where) {
  ASSERT_EQ(ours.has_value(), theirs.has_value()) << where << ": " << what << " presence";
  if (!ours)
    return;
  auto d = dfa::firstDifference(*ours, *theirs);
  EXPECT_FALSE(d) << where << ": " << what << " differs on '" << (d ? dfa::showWitness(*d) : "")
                  << "': aasim " << (d ? d->left.accept : 0) << ", apparmor_parser " << (d ? d->right.accept : 0);
}

void expectSameRecords(const std::string &ourBytes, const std::string &theirBytes, const std::string &label) {
  auto ours = dfa::readPolicyBlob(ourBytes), theirs = dfa::readPolicyBlob(theirBytes);
  ASSERT_FALSE(ours.error) << label << ": aasim's policy unreadable at " << ours.error->offset << ": "
                           << ours.error->message;
  ASSERT_FALSE(theirs.error) << label << ": parser's policy unreadable: " << theirs.error->message;
  ASSERT_EQ(ours.profiles.size(), theirs.profiles.size()) << label;
  for (size_t i = 0; i < ours.profiles.size(); ++i) {
    const auto &a = ours.profiles[i], &b = theirs.profiles[i];
    std::string where = label + " record " + std::to_string(i) + " (" + b.name + ")";
    EXPECT_EQ(a.version, b.version) << where;
    EXPECT_EQ(a.ns, b.ns) << where;
    EXPECT_EQ(a.name, b.name) << where;
    EXPECT_EQ(a.hat, b.hat) << where;
    EXPECT_EQ(a.mode, b.mode) << where;
    EXPECT_EQ(a.audit, b.audit) << where;
    EXPECT_EQ(a.pathFlags, b.pathFlags) << where;
    EXPECT_EQ(a.caps, b.caps) << where;
    EXPECT_EQ(a.caps64, b.caps64) << where;
    EXPECT_EQ(a.xattrs, b.xattrs) << where;
    EXPECT_EQ(a.rlimits, b.rlimits) << where;
    EXPECT_EQ(a.netAllowedAf, b.netAllowedAf) << where;
    EXPECT_EQ(a.xtable, b.xtable) << where;
    EXPECT_EQ(a.xmatchLen, b.xmatchLen) << where;
    expectSameAutomaton("attachment automaton", a.xmatch, b.xmatch, where);
    expectSameAutomaton("policy automaton", a.policydb, b.policydb, where);
    expectSameAutomaton("file automaton", a.file, b.file, where);
  }
}

const char *kDifferentialProfiles[] = {
    "profile t { /ab r, /a* w, }\n",
    "profile caps { capability net_raw, audit capability chown, deny capability sys_admin,"
    " deny capability setuid, audit deny capability kill, capability mac_admin, }\n",
    "profile all { capability, deny capability sys_module, audit capability chown, }\n",
    "profile top flags=(complain,audit,attach_disconnected) {\n  /etc/** r,\n  ^hat { /tmp/** rw, }\n"
    "  profile child flags=(kill) { capability chown, profile grand { } }\n}\n",
    "profile r { set rlimit nofile <= 1024, set rlimit cpu <= 10s, set rlimit data <= 4M,"
    " set rlimit nice <= -3, set rlimit rttime <= 20ms, set rlimit core <= infinity, }\n",
    "profile n { network inet stream, audit network inet6 dgram, deny network netlink raw,"
    " network unix, network tcp, /a r, }\n",
    "profile foo /usr/{bin,sbin}/foo* { /usr/bin/foo* rix, }\n/usr/bin/glob* { }\nprofile /u*/bin/x { }\n",
    ":ns1:nsprof { /a r, profile c { } }\nprofile :ns2://other { }\n",
    "profile ex { /usr/bin/a px -> b, /usr/bin/c cx -> kid, /usr/bin/d Px -> :ns:target, profile kid { } }\n",
    "profile sig { signal send set=(hup, term) peer=foo, ptrace read peer=bar, /a r, }\n",
    "profile db { dbus send bus=session path=/org/x interface=org.x member=Y peer=(name=org.y), }\n",
    "profile dbs { dbus (send, receive) path=///com//foo/, dbus bind name=a//b, }\n",
    "/\\{a,b\\},c { signal peer=@{profile_name}, }\n",
    // Aliases give attachments alternate names (textual prefix match).
    "alias /usr/bin/od -> /usr/bin/gnuod,\nalias /usr/bin/ -> /opt/b/,\nalias /{,usr/}bin/x -> /x/,\n"
    "profile odt /usr/bin/odt2txt { /usr/bin/odt2txt r, }\n/usr/bin/odx { }\nprofile xa /{,usr/}bin/xy* { }\n",
    // A grandchild as cx target is named after its parent's own name in 3.0.8.
    "profile gt { /a cx -> c, profile c { /x cx -> g, profile g { } } }\n",
    "profile pv { pivot_root /a -> foo, /x px -> baz, pivot_root /b -> bar, deny pivot_root /c -> qux,"
    " audit pivot_root oldroot=/o/ /d -> :ns:foo, }\n",
    "profile ux { unix (send, receive) type=stream addr=@foo, deny unix type=dgram, audit unix (connect), }\n",
    "@{BIN}=/usr/bin /bin\nprofile v @{BIN}/v* { @{BIN}/v* mr, }\n",
    "profile cp { change_profile -> other, ^hat { } deny /etc/shadow r, audit /tmp/** rw, }\n",
    "profile /a//b* { }\nprofile pf flags=(mediate_deleted,chroot_relative) { }\nprofile empty { }\n",
    // Transition-table entries keep their variables unexpanded in 3.0.8.
    "@{x}=/foo\n@{c}=kid\nprofile xv { /a rl -> @{x}/b, /b px -> @{x}/c, /c px -> /foo/c, /d cx -> @{c},"
    " /e px -> :ns:@{c}, profile kid { } }\n",
    // Capabilities newer than the feature set stand for sys_admin.
    "profile nc { capability bpf, deny capability perfmon, audit capability checkpoint_restore, }\n",
    // Attachments whose alternatives share a suffix (factored before counting).
    "profile f1 /{bin/gg,lib/*/gg} { }\nprofile f2 /{{,usr/}bin/q-*,{,usr/}lib{,exec,32}/*-gnu*/libg-*/q-*} { }\n"
    "profile f3 /{xa,xb,ya,yb}/* { }\nprofile f4 /{a,b,c,a}d { }\nprofile f5 /{[ab]c,a}*x { }\n",
};

TEST(ProfileRecordDifferential, MatchesApparmorParserWithFeaturesAll) {
  auto parser = parserOnPath();
  if (!parser)
    GTEST_SKIP() << "apparmor_parser not on PATH";
  if (!fs::exists(featuresAll()))
    GTEST_SKIP() << "corpus not found at " << corpusDir() << " (set AASIM_CORPUS)";
  TempDir dir;
  for (size_t i = 0; i < std::size(kDifferentialProfiles); ++i) {
    std::string text = kDifferentialProfiles[i];
    std::string file = dir.write(fmt::format("p{}.sd", i), text);
    for (bool withFeatures : {true, false}) {
      std::string label = fmt::format("{}{}", withFeatures ? "-M features.all: " : "no -M: ", text);
      auto theirs = compileWithParser(*parser, withFeatures ? "-M '" + featuresAll().string() + "'" : "", file);
      ASSERT_TRUE(theirs) << label << ": apparmor_parser rejects it";
      auto c = compile(text, withFeatures ? std::optional(featuresAll().string()) : std::nullopt);
      ASSERT_TRUE(c.firstError.empty()) << label << ": " << c.firstError;
      expectSameRecords(dfa::writePolicyBlob(dfa::policyRecords(c.profiles)), *theirs, label);
    }
  }
}

// Kernels with xattr attachments (Debian 12's own feature set has them):
// the xattr names, their order and the attachment automaton with its
// out-of-band transitions, through aasim's writer and reader.
const char *kXattrProfiles[] = {
    "profile x1 /usr/bin/foo xattrs=(security.apparmor=\"trusted\" user.x) { /etc/passwd r, }\n",
    "profile x2 /opt/** xattrs=(user.a=\"*\" user.b=\"**\" user.c=bar*) { }\nprofile x3 /opt/a { }\n",
    "profile x4 /u*/bin/x{a,b} xattrs=(user.a=\"[^q]z\" user.b=\"{a,b}c\") {\n"
    "  /usr/bin/c cx -> kid,\n  profile kid /usr/bin/c xattrs=(user.k=\"a\\001b\") { }\n}\n",
    "alias /usr/bin/ -> /opt/b/,\nprofile x5 /usr/bin/x5 xattrs=(user.q=\"?\") { }\n",
    "profile x6 xattrs=(user.a=1 user.b=2 user.c=3 user.d=4) { }\n",
};

TEST(ProfileRecordDifferential, XattrAttachmentsMatchApparmorParser) {
  auto parser = parserOnPath();
  if (!parser)
    GTEST_SKIP() << "apparmor_parser not on PATH";
  fs::path features = corpusDir() / "parser-tests" / "features_files" / "features.extended-perms-policydb";
  if (!fs::exists(features))
    GTEST_SKIP() << "corpus not found at " << corpusDir() << " (set AASIM_CORPUS)";
  TempDir dir;
  for (size_t i = 0; i < std::size(kXattrProfiles); ++i) {
    std::string text = kXattrProfiles[i];
    std::string file = dir.write(fmt::format("x{}.sd", i), text);
    auto theirs = compileWithParser(*parser, "-M '" + features.string() + "'", file);
    ASSERT_TRUE(theirs) << text << ": apparmor_parser rejects it";
    auto c = compile(text, features.string());
    ASSERT_TRUE(c.firstError.empty()) << text << ": " << c.firstError;
    expectSameRecords(dfa::writePolicyBlob(dfa::policyRecords(c.profiles)), *theirs, text);
  }
}

// Canonical output (`compile -S`, 6.0 semantics): policies that decide
// every request alike compile to the same bytes, as upstream's equality
// suite demands; one planted difference makes them differ.
TEST(CanonicalOutput, EqualPoliciesGiveEqualBytes) {
  if (!fs::exists(featuresAll()))
    GTEST_SKIP() << "corpus not found at " << corpusDir() << " (set AASIM_CORPUS)";
  auto bytes = [](const std::string &text) {
    auto c = compile(text, featuresAll().string(), dfa::LanguageVersion::V6_0);
    EXPECT_TRUE(c.firstError.empty()) << text << ": " << c.firstError;
    return dfa::writePolicyBlob(dfa::policyRecords(c.profiles));
  };
  const std::pair<const char *, const char *> equal[] = {
      // byte classes merged after minimization
      {"/t { dbus, }", "/t { dbus bus=session, dbus, }"},
      // `all` is its expansion
      {"/t { all, }", "/t { unix, dbus, io_uring, mqueue, ptrace, signal, userns, mount, remount, umount,"
                      " pivot_root, network, /{**,} rwlkm, priority=-1 /{**,} ix, capability, }"},
      // the mediates markers outrank every rule
      {"/t { audit umount, }", "/t { priority=-1 audit allow umount, }"},
      // a detached source is the empty device
      {"/t { mount \"\" -> /d, }", "/t { mount detached -> /d, }"},
      // dbus object paths are slash-filtered
      {"/t { dbus send path=/com/foo, }", "/t { dbus send path=/com///foo, }"},
      // pivot_root targets share the profile's transition table
      {"/t { pivot_root /a -> foo, pivot_root /b -> foo, }", "/t { pivot_root /{a,b} -> foo, }"},
  };
  for (auto [a, b] : equal)
    EXPECT_EQ(bytes(a), bytes(b)) << a << " vs " << b;
  const std::pair<const char *, const char *> different[] = {
      {"/t { all, }", "/t { all, deny /etc/shadow r, }"},
      {"/t { pivot_root /a -> foo, }", "/t { pivot_root /a -> bar, }"},
      {"/t { mount \"\" -> /d, }", "/t { mount x -> /d, }"},
  };
  for (auto [a, b] : different)
    EXPECT_NE(bytes(a), bytes(b)) << a << " vs " << b;
}

} // namespace
} // namespace aasim::test

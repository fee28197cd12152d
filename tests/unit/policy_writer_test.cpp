// The binary policy writer against apparmor_parser 3.0.8: what the parser
// wrote, read and written again, must give back the same bytes. Policies
// come from tests/fixtures, from small profiles compiled here with the
// installed parser (with and without kernel feature files), and from
// /etc/apparmor.d. Also: kernel tables aasim compresses survive a write
// and a read unchanged.
#include "dfa/compress.h"
#include "dfa/policy_blob.h"
#include "dfa/policy_compiler.h"
#include "dfa/policy_writer.h"
#include "test_support.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

namespace aasim::test {
namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in.good()) << p;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::optional<std::string> parserPath() {
  for (const char *p : {"/sbin/apparmor_parser", "/usr/sbin/apparmor_parser"})
    if (access(p, X_OK) == 0)
      return p;
  return std::nullopt;
}

using test::corpusDir;

fs::path featuresDir() { return corpusDir() / "parser-tests" / "features_files"; }

// The first differing offset, for a readable failure.
std::string firstMismatch(const std::string &want, const std::string &got) {
  size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i])
    ++i;
  return fmt::format("sizes {} / {}, first difference at offset {:#x}", want.size(), got.size(), i);
}

// Which optional parts of the format the round trips went through, so a
// test cannot pass by never meeting them.
struct Seen {
  bool ns = false, xmatch = false, pathFlags = false, xattrs = false, rlimits = false, netAf = false,
       policydb = false, noFile = false, nsXtableEntry = false, equivClass = false, oobHeader = false, hat = false;

  void note(const dfa::BlobProfile &p) {
    ns |= p.ns.has_value();
    xmatch |= p.xmatch.has_value();
    pathFlags |= p.pathFlags.has_value();
    xattrs |= p.xattrs.has_value();
    rlimits |= p.rlimits.has_value();
    netAf |= p.netAllowedAf.has_value();
    policydb |= p.policydb.has_value();
    noFile |= !p.file;
    hat |= p.hat != 0;
    for (const auto &x : p.xtable)
      nsXtableEntry |= x.find('\0') != std::string::npos;
    for (const auto *d : {p.xmatch ? &*p.xmatch : nullptr, p.policydb ? &*p.policydb : nullptr,
                          p.file ? &*p.file : nullptr}) {
      if (!d)
        continue;
      equivClass |= d->equivClass.has_value();
      oobHeader |= (d->headerFlags & 2) != 0;
    }
  }
};

void expectRoundTrip(const std::string &bytes, const std::string &what, Seen *seen = nullptr) {
  auto r = dfa::readPolicyBlob(bytes);
  ASSERT_FALSE(r.error) << what << ": " << r.error->message << " at " << r.error->offset;
  std::string again = dfa::writePolicyBlob(r.profiles);
  EXPECT_TRUE(again == bytes) << what << ": " << firstMismatch(bytes, again);
  if (seen)
    for (const auto &p : r.profiles)
      seen->note(p);
}

TEST(PolicyWriter, FixturesRoundTrip) {
  for (const char *name : {"two_rules.bin", "mixed.bin"})
    expectRoundTrip(readFile(fs::path(AASIM_TEST_FIXTURES) / name), name);
}

// Small profiles that between them use every element 3.0.8 writes.
const std::vector<std::pair<const char *, const char *>> kProfiles = {
    {"hats_children_xtable", R"(
profile t /usr/bin/t* flags=(complain,attach_disconnected) {
  /usr/bin/foo px -> bar,
  /usr/bin/baz cx -> child,
  /usr/bin/ns Px -> :other:target,
  /** r,
  ^hat1 {
    /tmp/x w,
  }
  profile child {
    /a r,
  }
}
)"},
    {"caps_rlimits", R"(
profile caps flags=(audit) {
  capability net_raw,
  audit capability chown,
  deny capability sys_admin,
  capability mac_admin,
  audit deny capability syslog,
  set rlimit nofile <= 1024,
  set rlimit cpu <= 10,
  set rlimit as <= 1G,
}
)"},
    {"xattrs_attachment", R"(
profile x /usr/{bin,sbin}/x* xattrs=(user.foo=bar security.x) {
  /etc/** r,
}
)"},
    {"mediation_classes", R"(
profile m flags=(mediate_deleted,chroot_relative) {
  network inet stream,
  audit network inet6 dgram,
  deny network unix,
  signal send set=(hup, term) peer=foo,
  ptrace read peer=bar,
  dbus send bus=session path=/org/x,
  unix (send, receive) type=stream,
  mount fstype=ext4 /dev/sda -> /mnt/,
  umount /mnt/,
  change_profile -> other,
  /var/log/** rw,
}
)"},
    {"namespace_and_modes", R"(
profile :ns1:nsprof /usr/bin/nsp {
  /etc/** r,
}
profile /usr/bin/glob* flags=(kill) {
  /x ix,
}
profile empty flags=(unconfined) {
}
)"},
};

// Compiles every profile of kProfiles with each set of parser options and
// round-trips the output.
Seen roundTripProfiles(const std::string &parser, const std::vector<std::string> &variants) {
  Seen seen;
  TempDir dir;
  for (const auto &[name, text] : kProfiles) {
    std::string file = dir.write(std::string(name) + ".sd", text);
    for (const auto &extra : variants) {
      auto bytes = compileWithParser(parser, extra, file);
      EXPECT_TRUE(bytes) << "apparmor_parser rejects " << name << " with " << extra;
      if (bytes)
        expectRoundTrip(*bytes, fmt::format("{} ({})", name, extra), &seen);
    }
  }
  return seen;
}

// Without a kernel or -M, 3.0.8 uses its built-in features: ABI 5, no
// policydb, no xattrs, no network table.
TEST(PolicyWriter, ParserOutputRoundTrips) {
  auto parser = parserPath();
  if (!parser)
    GTEST_SKIP() << "apparmor_parser is not installed";
  Seen seen = roundTripProfiles(*parser, {"", "-O equiv"});
  EXPECT_TRUE(seen.ns && seen.xmatch && seen.pathFlags && seen.rlimits && seen.noFile && seen.nsXtableEntry &&
              seen.equivClass && seen.hat);
  EXPECT_FALSE(seen.policydb || seen.xattrs || seen.netAf);
}

// Kernel feature files from the corpus: policydb, the legacy network table,
// xattrs (whose attachment DFA has out-of-band transitions).
TEST(PolicyWriter, ParserOutputWithKernelFeaturesRoundTrips) {
  auto parser = parserPath();
  if (!parser)
    GTEST_SKIP() << "apparmor_parser is not installed";
  if (!fs::is_directory(featuresDir()))
    GTEST_SKIP() << "no corpus feature files at " << featuresDir().string() << " (set AASIM_CORPUS)";
  std::vector<std::string> variants;
  for (const char *f : {"features.all", "features.af_inet", "features.nopolicydb"})
    variants.push_back("-M '" + (featuresDir() / f).string() + "'");
  variants.push_back(variants.front() + " -O equiv");
  Seen seen = roundTripProfiles(*parser, variants);
  EXPECT_TRUE(seen.policydb && seen.xattrs && seen.netAf && seen.oobHeader && seen.equivClass);
}

// Every profile of the system, with the kernel features of features.all
// when the corpus is there.
TEST(PolicyWriter, SystemProfilesRoundTrip) {
  auto parser = parserPath();
  if (!parser)
    GTEST_SKIP() << "apparmor_parser is not installed";
  if (!fs::is_directory("/etc/apparmor.d"))
    GTEST_SKIP() << "no /etc/apparmor.d";
  std::string features;
  if (fs::is_directory(featuresDir()))
    features = "-M '" + (featuresDir() / "features.all").string() + "'";
  int compiled = 0;
  for (const auto &entry : fs::directory_iterator("/etc/apparmor.d")) {
    if (!entry.is_regular_file())
      continue;
    auto bytes = compileWithParser(*parser, features, entry.path().string());
    if (!bytes || bytes->empty())
      continue;  // not a profile this parser compiles here
    expectRoundTrip(*bytes, entry.path().string());
    ++compiled;
  }
  if (compiled == 0)
    GTEST_SKIP() << "no profile in /etc/apparmor.d compiled";
}

dfa::Dfa compileFileDfa(const std::string &text) {
  std::string err;
  auto fe = frontend::Frontend::create({}, err);
  auto f = fe->load("writer.sd", text);
  EXPECT_TRUE(f.accepted);
  frontend::Diagnostics diags;
  auto out = dfa::compilePolicy(*f.policy, f.vars, diags, {});
  EXPECT_FALSE(diags.hasErrors());
  EXPECT_EQ(out.size(), 1u);
  return out.at(0).fileDfa;
}

TEST(PolicyWriter, CompressedTablesRoundTrip) {
  dfa::KernelDfa tables = dfa::compressDfa(compileFileDfa(R"(
profile t {
  /usr/bin/* rix,
  /etc/{passwd,group} r,
  /home/*/** rwl,
  deny /home/*/.ssh/** w,
  /tmp/[a-z]* rw,
}
)"));
  ASSERT_TRUE(tables.equivClass);
  std::string bytes = dfa::writeKernelDfa(tables);
  dfa::TableError e;
  auto back = dfa::readKernelDfa(bytes, e);
  ASSERT_TRUE(back) << e.message << " at " << e.offset;
  EXPECT_TRUE(*back == tables);
  EXPECT_EQ(dfa::writeKernelDfa(*back), bytes);
}

// Tables with more states than a u16 holds switch DEF/NEXT/CHECK to u32
// (3.0.8 itself refuses such automata) and still read back equal.
TEST(PolicyWriter, WideStateNumbersRoundTrip) {
  dfa::KernelDfa d;
  const uint32_t states = 70000;
  d.accept.assign(states, 0);
  d.accept2.assign(states, 0);
  d.base.assign(states, 0);
  d.def.assign(states, 0);
  d.next.assign(256, 0);
  d.check.assign(256, 0);
  d.next[1] = states - 1;  // state 0 on byte 1 goes to the last state
  d.def[states - 1] = states - 2;
  std::string bytes = dfa::writeKernelDfa(d);
  dfa::TableError e;
  auto back = dfa::readKernelDfa(bytes, e);
  ASSERT_TRUE(back) << e.message;
  EXPECT_TRUE(*back == d);
}

} // namespace
} // namespace aasim::test

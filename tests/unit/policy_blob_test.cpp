// The binary policy reader, the kernel's step function and the product
// equivalence, on policies apparmor_parser 3.0.8 compiled (tests/fixtures),
// plus truncated, corrupted and wrong-version blobs.
#include "dfa/equivalence.h"
#include "dfa/policy_blob.h"
#include "dfa/policy_compiler.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <fstream>
#include <iterator>

namespace aasim::test {
namespace {

using namespace frontend;

std::string fixture(const std::string &name) {
  std::ifstream in(std::string(AASIM_TEST_FIXTURES) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<dfa::CompiledProfile> compileText(const std::string &text) {
  std::string err;
  auto fe = Frontend::create({}, err);
  auto f = fe->load("fixture.sd", text);
  EXPECT_TRUE(f.accepted);
  Diagnostics diags;
  dfa::CompileOptions options;
  options.version = dfa::LanguageVersion::V3_0;
  auto out = dfa::compilePolicy(*f.policy, f.vars, diags, options);
  EXPECT_FALSE(diags.hasErrors());
  return out;
}

TEST(PolicyBlob, ReadsApparmorParserOutputAndWalksLikeTheKernel) {
  auto r = dfa::readPolicyBlob(fixture("two_rules.bin"));
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.profiles.size(), 1u);
  const auto &p = r.profiles[0];
  EXPECT_EQ(p.name, "t");
  EXPECT_EQ(p.version, 5u);
  ASSERT_TRUE(p.file);
  EXPECT_EQ(p.file->stateCount(), 6u);
  // kernel-semantics.md §5.4
  EXPECT_EQ(p.file->accept[p.file->walk("/ab")], 0x3800eu);
  EXPECT_EQ(p.file->accept[p.file->walk("/a")], 0x2800au);
  EXPECT_EQ(p.file->accept[p.file->walk("/axyz")], 0x2800au);
  EXPECT_EQ(p.file->walk("/a/"), 0u);
}

TEST(PolicyBlob, AasimCompilesTheSameAutomata) {
  for (const char *name : {"two_rules", "mixed"}) {
    auto blob = dfa::readPolicyBlob(fixture(std::string(name) + ".bin"));
    ASSERT_FALSE(blob.error);
    auto ours = compileText(fixture(std::string(name) + ".sd"));
    ASSERT_EQ(ours.size(), blob.profiles.size()) << name;
    for (size_t i = 0; i < ours.size(); ++i) {
      EXPECT_EQ(ours[i].name, blob.profiles[i].name);
      auto diff = dfa::firstDifference(ours[i].fileDfa, *blob.profiles[i].file);
      EXPECT_FALSE(diff) << name << " " << ours[i].name << " differs on " << dfa::showBytes(diff->witness);
    }
  }
}

TEST(PolicyBlob, EquivalenceFindsAPlantedDifferenceWithAShortestWitness) {
  auto blob = dfa::readPolicyBlob(fixture("two_rules.bin"));
  auto ours = compileText("profile t {\n  /ab r,\n  /a* w,\n  /ac r,\n}\n");
  auto diff = dfa::firstDifference(ours[0].fileDfa, *blob.profiles[0].file);
  ASSERT_TRUE(diff);
  EXPECT_EQ(diff->witness, "/ac");
  EXPECT_EQ(diff->left.accept, 0x3800eu);
  EXPECT_EQ(diff->right.accept, 0x2800au);
}

TEST(PolicyBlob, TruncatedBlobsAreErrorsNotCrashes) {
  std::string full = fixture("mixed.bin");
  for (size_t n = 0; n < full.size(); ++n) {
    auto r = dfa::readPolicyBlob(std::string_view(full).substr(0, n));
    // A cut between two records leaves a valid shorter policy.
    if (!r.error)
      continue;
    EXPECT_LE(r.error->offset, n);
    EXPECT_FALSE(r.error->message.empty());
  }
}

TEST(PolicyBlob, WrongVersionIsRefusedByName) {
  std::string b = fixture("two_rules.bin");
  b[12] = 0x1f;  // the version word's low byte: kernel ABI 31
  auto r = dfa::readPolicyBlob(b);
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->message.find("ABI 31"), std::string::npos) << r.error->message;
}

// Any byte changed anywhere: the reader either refuses the blob or returns
// tables whose every walk stays in bounds (the kernel's verification).
RC_GTEST_PROP(PolicyBlob, CorruptedBlobsAreRefusedOrSafe, ()) {
  static const std::string original = fixture("mixed.bin");
  std::string b = original;
  int flips = *rc::gen::inRange(1, 4);
  for (int i = 0; i < flips; ++i) {
    size_t at = *rc::gen::inRange<size_t>(0, b.size());
    b[at] = static_cast<char>(*rc::gen::arbitrary<uint8_t>());
  }
  auto r = dfa::readPolicyBlob(b);
  if (r.error) {
    RC_ASSERT(r.error->offset <= b.size());
    return;
  }
  for (const auto &p : r.profiles)
    for (const auto *d : {p.file ? &*p.file : nullptr, p.xmatch ? &*p.xmatch : nullptr}) {
      if (!d)
        continue;
      std::string s = *rc::gen::container<std::string>(*rc::gen::inRange(0, 40), rc::gen::arbitrary<char>());
      RC_ASSERT(d->walk(s) < d->stateCount());
    }
}

} // namespace
} // namespace aasim::test

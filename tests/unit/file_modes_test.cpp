#include "frontend/sema/file_modes.h"

#include <gtest/gtest.h>

using namespace aasim::frontend::sema;

namespace {
uint32_t half(const std::string &m) {
  std::string err;
  auto p = parseFileModes(m, err);
  EXPECT_TRUE(p) << m << ": " << err;
  return p ? (*p & 0x3fff) : 0;
}
bool rejected(const std::string &m) {
  std::string err;
  return !parseFileModes(m, err);
}
} // namespace

TEST(FileModes, ExecQualifiersMatchTheReferenceEncoding) {
  // kernel-semantics.md §2.2 (accept words list both halves; the low half here).
  EXPECT_EQ(half("ix"), 0x201u);
  EXPECT_EQ(half("px"), 0x901u);
  EXPECT_EQ(half("Px"), 0x801u);
  EXPECT_EQ(half("ux"), 0x501u);
  EXPECT_EQ(half("Ux"), 0x401u);
  EXPECT_EQ(half("cx"), 0xd01u);
  EXPECT_EQ(half("Cx"), 0xc01u);
  EXPECT_EQ(half("pix"), 0xb01u);
  EXPECT_EQ(half("Pix"), 0xa01u);
  EXPECT_EQ(half("pux"), 0x981u);
  EXPECT_EQ(half("CUx"), 0xc81u);
}

TEST(FileModes, WriteImpliesAppendAndBothHalvesAreSet) {
  std::string err;
  auto p = parseFileModes("rw", err);
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, 0xeu | (0xeu << 14));
}

TEST(FileModes, ConflictsAreRejected) {
  EXPECT_TRUE(rejected("aw"));
  EXPECT_TRUE(rejected("wa"));
  EXPECT_TRUE(rejected("ixpx"));
  EXPECT_TRUE(rejected("pxux"));
  EXPECT_FALSE(rejected("pxpx"));
  EXPECT_FALSE(rejected("rwlkm"));
}

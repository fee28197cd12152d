// Bad input is normal input: every case must end in a located error (or a
// clean accept), never a crash or a hang.
#include "test_support.h"

#include <gtest/gtest.h>

using aasim::test::checkText;
using aasim::test::TempDir;
using namespace aasim::frontend;

TEST(BadInput, TruncatedFiles) {
  const std::string full = "@{A} = /a\nprofile p /usr/bin/p flags=(complain) {\n  /a/** rw,\n  network inet,\n}\n";
  for (size_t n = 0; n < full.size(); ++n) {
    auto r = checkText(full.substr(0, n));
    if (!r.accepted) {
      EXPECT_FALSE(r.firstError.empty()) << "prefix of length " << n;
    }
  }
}

TEST(BadInput, UnbalancedBraces) {
  EXPECT_FALSE(checkText("profile p {\n  /a r,\n").accepted);
  EXPECT_FALSE(checkText("profile p {\n  /a r,\n}\n}\n").accepted);
  EXPECT_FALSE(checkText("profile p {\n  /a{b r,\n}\n").accepted);
}

TEST(BadInput, BinaryGarbage) {
  std::string junk;
  for (int i = 0; i < 4096; ++i)
    junk += static_cast<char>((i * 7919 + 13) & 0xff);
  auto r = checkText(junk);
  EXPECT_FALSE(r.accepted);
  EXPECT_FALSE(r.firstError.empty());
}

TEST(BadInput, MegabyteLine) {
  std::string path(1 << 20, 'a');
  auto r = checkText("profile p {\n  /" + path + " r,\n}\n");
  EXPECT_TRUE(r.accepted) << r.firstError.substr(0, 200);
  auto bad = checkText("profile p {\n  /" + path + " r\n}\n");
  EXPECT_FALSE(bad.accepted);
}

TEST(BadInput, IncludeCyclesTerminate) {
  TempDir dir;
  dir.write("a", "include <b>\n/a r,\n");
  dir.write("b", "include <a>\n/b r,\n");
  FrontendOptions opts;
  opts.paths.baseDir = dir.path.string();
  // apparmor_parser reads each file once per profile, which breaks the cycle.
  auto r = checkText("profile p {\n  include <a>\n}\n", opts);
  EXPECT_TRUE(r.accepted) << r.firstError;
}

TEST(BadInput, DeeplyNestedAlternationsAndBlocks) {
  std::string glob = "/";
  for (int i = 0; i < 60; ++i)
    glob += "{a,";
  glob += "b";
  for (int i = 0; i < 60; ++i)
    glob += "}";
  EXPECT_FALSE(checkText("profile p {\n  " + glob + " r,\n}\n").accepted);
  std::string blocks = "profile p {\n";
  for (int i = 0; i < 5000; ++i)
    blocks += "audit {\n";
  auto r = checkText(blocks);
  EXPECT_FALSE(r.accepted);
  EXPECT_FALSE(r.firstError.empty());
}

TEST(BadInput, MissingFileIsAnIoError) {
  std::string err;
  auto fe = Frontend::create({}, err);
  auto f = fe->loadPath("/nonexistent/aasim/profile");
  EXPECT_FALSE(f.accepted);
  EXPECT_FALSE(f.policy);
}

// End-to-end checks through the public Frontend API.
#include "test_support.h"

#include <gtest/gtest.h>

using aasim::test::checkText;
using aasim::test::TempDir;
using namespace aasim::frontend;

TEST(Check, AcceptsAProfileWithEveryCommonRuleKind) {
  auto r = checkText(R"(
@{HOME} = /home/*/ /root/
$DEBUG = false
profile demo /usr/bin/demo flags=(complain) {
  capability setuid,
  network inet stream,
  @{HOME}/.demo/** rw,
  owner /tmp/demo.* rwk,
  deny /etc/shadow r,
  audit /usr/bin/tool Px -> helper,
  signal (send) set=(hup) peer=helper,
  if $DEBUG {
    /var/log/demo.log w,
  } else {
    /var/log/demo.log r,
  }
  ^hat {
    /hat r,
  }
}
)");
  EXPECT_TRUE(r.accepted) << r.firstError;
}

TEST(Check, ErrorsCarryLineAndColumn) {
  auto r = checkText("profile p {\n  capability bogus,\n}\n");
  EXPECT_FALSE(r.accepted);
  EXPECT_EQ(r.firstError, "2:14: Invalid capability bogus.");
}

TEST(Check, SyntaxErrorsNameTheUnexpectedToken) {
  auto r = checkText("profile p {\n  /a r\n}\n");
  EXPECT_FALSE(r.accepted);
  EXPECT_NE(r.firstError.find("3:1: syntax error, unexpected TOK_CLOSE"), std::string::npos) << r.firstError;
}

TEST(Check, VariableDeclarationRules) {
  EXPECT_FALSE(checkText("@{A} = /a\n@{A} = /b\nprofile p { @{A} r, }\n").accepted);
  EXPECT_TRUE(checkText("@{A} = /a\n@{A} += /b\nprofile p { @{A} r, }\n").accepted);
  EXPECT_FALSE(checkText("@{A} += /b\nprofile p { @{A} r, }\n").accepted);
  EXPECT_TRUE(checkText("@{A} = /a\n@{A} ?= /b\nprofile p { @{A} r, }\n").accepted);
  EXPECT_TRUE(checkText("@{A} = /a\n@{A} := /b\nprofile p { @{A} r, }\n").accepted);
  EXPECT_FALSE(checkText("profile p { @{UNDEFINED}/x r, }\n").accepted);
  EXPECT_FALSE(checkText("@{A} = /a,\nprofile p { /a r, }\n").accepted);  // trailing comma
}

TEST(Check, ConditionalsEvaluateSetComparisons) {
  auto ok = [&](const std::string &cond) {
    return checkText("@{A} = 1 2\n@{N} = 10\nprofile p {\n  if " + cond + " {\n    /yes r,\n  }\n}\n").accepted;
  };
  EXPECT_TRUE(ok("@{A} == @{A}"));
  EXPECT_TRUE(ok("1 in @{A}"));
  EXPECT_TRUE(ok("@{N} > 9"));
  EXPECT_FALSE(ok("@{N} > abc"));        // only numbers compare with numbers
  EXPECT_FALSE(ok("$UNSET"));            // unset boolean
  EXPECT_FALSE(ok("yes"));               // not true/false
  EXPECT_TRUE(ok("not false and (true or false)"));
}

TEST(Check, IncludesSearchPathsAndReportTheChain) {
  TempDir dir;
  dir.write("abstractions/good", "/etc/good r,\n");
  dir.write("abstractions/bad", "/etc/ok r,\ncapability nonsense,\n");
  FrontendOptions opts;
  opts.paths.baseDir = dir.path.string();
  EXPECT_TRUE(checkText("profile p {\n  include <abstractions/good>\n}\n", opts).accepted);
  EXPECT_TRUE(checkText("profile p {\n  include if exists <abstractions/missing>\n}\n", opts).accepted);
  EXPECT_FALSE(checkText("profile p {\n  include <abstractions/missing>\n}\n", opts).accepted);

  std::string err;
  auto fe = Frontend::create(opts, err);
  auto f = fe->load("main.sd", "profile p {\n  include <abstractions/bad>\n}\n");
  ASSERT_FALSE(f.accepted);
  const auto &d = fe->diagnostics().items().at(f.firstDiagnostic);
  std::string rendered = renderDiagnostic(fe->sources(), d);
  EXPECT_NE(rendered.find("In file included from main.sd:2:"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("abstractions/bad:2:12: error: Invalid capability nonsense."), std::string::npos)
      << rendered;
}

TEST(Check, DirectoryIncludesSkipBackupsAndDotFiles) {
  TempDir dir;
  dir.write("d/rules", "/ok r,\n");
  dir.write("d/rules.dpkg-new", "this is not a profile\n");
  dir.write("d/.hidden", "neither is this\n");
  dir.write("d/old~", "nor this\n");
  FrontendOptions opts;
  opts.paths.baseDir = dir.path.string();
  auto r = checkText("profile p {\n  include <d>\n}\n", opts);
  EXPECT_TRUE(r.accepted) << r.firstError;
}

TEST(Check, DuplicateProfilesAndMergedExecConflicts) {
  EXPECT_FALSE(checkText("profile a { }\nprofile a { }\n").accepted);
  EXPECT_FALSE(checkText("profile a { /bin/x px,\n /bin/x ux, }\n").accepted);
  EXPECT_TRUE(checkText("profile a { /bin/x px,\n /bin/x r, }\n").accepted);
  EXPECT_TRUE(checkText("profile a { /bin/x px,\n deny /bin/x x, }\n").accepted);
}

TEST(Check, SixPointZeroNetworkLabelAssignAndParenthesizedUserns) {
  EXPECT_TRUE(checkText("profile a { network inet stream label:=foo, }\n").accepted);
  EXPECT_TRUE(checkText("profile a { network send peer=(label:=@{profile_name}), }\n").accepted);
  EXPECT_TRUE(checkText("profile a { userns (create), }\n").accepted);
  EXPECT_TRUE(checkText("profile a { userns create, }\n").accepted);
  EXPECT_FALSE(checkText("profile a { userns read, }\n").accepted);
  EXPECT_FALSE(checkText("profile a { network inet stream label:=, }\n").accepted);
}

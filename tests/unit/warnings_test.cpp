// Warning classes: which are shown, which reject the policy (--warn,
// --Werror), and how they read in both message formats.
#include "test_support.h"

#include <gtest/gtest.h>

namespace aasim::test {
namespace {

using namespace frontend;

struct Loaded {
  std::unique_ptr<Frontend> fe;
  LoadedFile file;
  std::vector<Diagnostic> items() const {
    return {fe->diagnostics().items().begin() + file.firstDiagnostic,
            fe->diagnostics().items().begin() + file.endDiagnostic};
  }
};

Loaded load(const std::string &text, FrontendOptions opts, const std::string &name = "test.sd") {
  std::string err;
  Loaded out;
  out.fe = Frontend::create(std::move(opts), err);
  EXPECT_TRUE(out.fe) << err;
  out.file = out.fe->load(name, text);
  return out;
}

// A kernel with file and capability mediation only.
std::string writeOldKernelFeatures(const TempDir &dir) {
  return dir.write("features", "caps {mask {chown dac_override kill\n}\n}\nfile {mask {create read write exec\n}\n}\n");
}

const char *kModernRules = "profile p {\n  dbus send,\n  dbus receive,\n  signal,\n  unix,\n  /a r,\n}\n";

TEST(Warnings, RulesTheKernelCannotEnforceAreReportedOncePerProfileAndClass) {
  TempDir dir;
  FrontendOptions opts;
  opts.featuresFile = writeOldKernelFeatures(dir);
  auto l = load(kModernRules, opts);
  EXPECT_TRUE(l.file.accepted);
  std::vector<std::string> messages;
  for (const auto &d : l.items()) {
    EXPECT_EQ(d.severity, Severity::Warning);
    EXPECT_EQ(d.profile, "p");
    messages.push_back(d.message);
  }
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "dbus rules not enforced", "signal rules not enforced",
                          "downgrading extended network unix socket rule to generic network rule"}));
}

TEST(Warnings, WerrorOnRuleNotEnforcedRejects) {
  TempDir dir;
  FrontendOptions opts;
  opts.featuresFile = writeOldKernelFeatures(dir);
  opts.warnings.errors = {WarningFlag::RuleNotEnforced};
  auto l = load(kModernRules, opts);
  EXPECT_FALSE(l.file.accepted);
  // With every feature present the same profile is clean.
  FrontendOptions all;
  all.warnings.errors = {WarningFlag::RuleNotEnforced, WarningFlag::RuleDowngraded};
  auto clean = load(kModernRules, all);
  EXPECT_TRUE(clean.file.accepted);
  EXPECT_TRUE(clean.items().empty());
}

TEST(Warnings, HiddenWarningsAreDropped) {
  TempDir dir;
  FrontendOptions opts;
  opts.featuresFile = writeOldKernelFeatures(dir);
  opts.warnings.shown.clear();
  auto l = load(kModernRules, opts);
  EXPECT_TRUE(l.file.accepted);
  EXPECT_TRUE(l.items().empty());
}

TEST(Warnings, PathNamedTopLevelProfilesAreDeprecatedAtTheirClosingBrace) {
  FrontendOptions opts;
  opts.warnings.shown = {WarningFlag::Deprecated};
  auto l = load("/bin/foo {\n  profile /bin/child {\n  }\n}\nprofile named /bin/x {\n}\n:ns:/bin/z {\n}\n", opts,
                "dep.sd");
  std::vector<std::string> rendered;
  for (const auto &d : l.items())
    rendered.push_back(renderApparmorStyle(l.fe->sources(), d, "dep.sd"));
  const std::string msg =
      "The use of file paths as profile names is deprecated. See man apparmor.d for more information\n";
  EXPECT_EQ(rendered, (std::vector<std::string>{"Warning from dep.sd (dep.sd line 4): " + msg,
                                                "Warning from dep.sd (dep.sd line 8): " + msg}));
}

TEST(Warnings, IncludeCyclesAreSkippedWithTheirChain) {
  TempDir dir;
  dir.write("inc/a", "include <b>\n/a r,\n");
  dir.write("inc/b", "include <a>\n/b r,\n");
  FrontendOptions opts;
  opts.paths.includeDirs = {(dir.path / "inc").string()};
  auto l = load("profile p {\n  include <a>\n}\n", opts, "main.sd");
  EXPECT_TRUE(l.file.accepted);  // apparmor_parser accepts cycles too
  auto items = l.items();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].flag, WarningFlag::IncludeCycle);
  std::string text = renderDiagnostic(l.fe->sources(), items[0]);
  EXPECT_NE(text.find("In file included from main.sd:2:"), std::string::npos) << text;
  EXPECT_NE(text.find("inc/a:1:"), std::string::npos) << text;  // a includes b
  EXPECT_NE(text.find("inc/b:1:9: warning: include cycle: 'a' is already being read; skipped"),
            std::string::npos)
      << text;
}

TEST(Warnings, ApparmorStyleErrorsNameTheIncludedFileAndLine) {
  TempDir dir;
  dir.write("inc/busted", "\n\n/ok r,\ncapability nonsense,\n");
  FrontendOptions opts;
  opts.paths.includeDirs = {(dir.path / "inc").string()};
  auto l = load("profile p {\n  include <busted>\n}\n", opts, "main.sd");
  ASSERT_FALSE(l.file.accepted);
  std::string text = renderApparmorStyle(l.fe->sources(), l.items().at(0), "main.sd");
  EXPECT_EQ(text, "AppArmor parser error for main.sd in profile " + (dir.path / "inc/busted").string() +
                      " at line 4: Invalid capability nonsense.\n");
}

} // namespace
} // namespace aasim::test

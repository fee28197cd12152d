// Included files are lexed once per Frontend and replayed for the files
// loaded after (frontend/token_cache.h): the replay must give the same
// trees, the same include records and diagnostics with the same locations
// and include chains as lexing the file afresh.
#include "frontend/printer.h"
#include "test_support.h"

#include <gtest/gtest.h>

using aasim::test::TempDir;
using namespace aasim::frontend;

namespace {

struct Loaded {
  bool accepted = false;
  std::string printed;      // preprocess output
  std::string diagnostics;  // rendered
};

Loaded loadWith(Frontend &fe, const std::string &name, const std::string &text) {
  LoadedFile f = fe.load(name, text);
  Loaded out{f.accepted, f.policy ? printPolicy(*f.policy, f.vars) : std::string(), {}};
  for (size_t i = f.firstDiagnostic; i < f.endDiagnostic; ++i)
    out.diagnostics += renderDiagnostic(fe.sources(), fe.diagnostics().items()[i]);
  return out;
}

FrontendOptions optionsFor(const TempDir &dir) {
  FrontendOptions opts;
  opts.paths.baseDir = dir.path.string();
  return opts;
}

} // namespace

TEST(TokenCache, ReplayedIncludesGiveTheSamePolicy) {
  TempDir dir;
  dir.write("tunables/global", "@{HOME}=/home/*/ /root/\n@{etc_ro}=/etc/\n");
  dir.write("abstractions/base", "@{etc_ro}/ld.so.cache r,\ninclude <abstractions/nested>\nnetwork inet stream,\n");
  dir.write("abstractions/nested", "owner @{HOME}/.cache/** rw,\nsignal (send) peer=foo,\n");
  const std::string profile =
      "include <tunables/global>\nprofile p {\n  include <abstractions/base>\n  include <abstractions/base>\n"
      "  profile c {\n    include <abstractions/nested>\n  }\n}\n";
  std::string err;
  auto cached = Frontend::create(optionsFor(dir), err);
  Loaded first = loadWith(*cached, "a.sd", profile);
  Loaded second = loadWith(*cached, "b.sd", profile);
  auto fresh = Frontend::create(optionsFor(dir), err);
  Loaded alone = loadWith(*fresh, "b.sd", profile);
  ASSERT_TRUE(first.accepted) << first.diagnostics;
  EXPECT_EQ(first.printed, second.printed);
  EXPECT_TRUE(second.accepted);
  EXPECT_EQ(second.printed, alone.printed);
  EXPECT_EQ(second.diagnostics, alone.diagnostics);
}

TEST(TokenCache, ReplayedErrorsKeepTheirLocationAndChain) {
  TempDir dir;
  dir.write("abstractions/outer", "/etc/ok r,\ninclude <abstractions/bad>\n");
  dir.write("abstractions/bad", "/etc/ok r,\ncapability nonsense,\n");
  dir.write("abstractions/good", "/etc/good r,\ninclude <abstractions/outer>\n");
  std::string err;
  auto fe = Frontend::create(optionsFor(dir), err);
  // The first file records the includes (here up to the error), the
  // second replays what was recorded whole and lexes the rest.
  Loaded first = loadWith(*fe, "first.sd", "profile p {\n  include <abstractions/outer>\n}\n");
  Loaded second = loadWith(*fe, "second.sd", "profile q {\n\n  include <abstractions/good>\n}\n");
  Loaded third = loadWith(*fe, "third.sd", "profile r {\n  include <abstractions/good>\n}\n");
  EXPECT_FALSE(first.accepted);
  EXPECT_FALSE(second.accepted);
  EXPECT_NE(second.diagnostics.find("In file included from second.sd:3:"), std::string::npos) << second.diagnostics;
  EXPECT_NE(second.diagnostics.find("abstractions/bad:2:12: error: Invalid capability nonsense."), std::string::npos)
      << second.diagnostics;
  auto alone = Frontend::create(optionsFor(dir), err);
  EXPECT_EQ(third.diagnostics, loadWith(*alone, "third.sd", "profile r {\n  include <abstractions/good>\n}\n").diagnostics);
}

TEST(TokenCache, FilesThatLeaveALexerModeOpenAreLexedEachTime) {
  TempDir dir;
  // Ends inside an assignment: what follows the include continues it.
  dir.write("tunables/open", "@{A}=/a/ /b/");
  std::string err;
  auto fe = Frontend::create(optionsFor(dir), err);
  const std::string profile = "include <tunables/open>\n/c/\nprofile p {\n  @{A}** r,\n}\n";
  Loaded first = loadWith(*fe, "a.sd", profile);
  Loaded second = loadWith(*fe, "b.sd", profile);
  auto fresh = Frontend::create(optionsFor(dir), err);
  Loaded alone = loadWith(*fresh, "b.sd", profile);
  EXPECT_EQ(first.accepted, alone.accepted);
  EXPECT_EQ(second.accepted, alone.accepted);
  EXPECT_EQ(second.printed, alone.printed);
  EXPECT_EQ(second.diagnostics, alone.diagnostics);
}

// The file automaton's permissions and exec-conflict check against the
// values apparmor_parser produces (kernel-semantics.md §2.2, §4;
// language-6.0.md §1.3-1.4, all [observed] there).
#include "dfa/policy_compiler.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace aasim::test {
namespace {

using namespace frontend;

struct Compiled {
  bool conflict = false;
  std::string firstError;
  std::vector<dfa::CompiledProfile> profiles;
  uint32_t accept(const std::string &path) const {
    const dfa::Dfa &d = profiles.at(0).fileDfa;
    return d.perms[d.walk(path)].allow;
  }
};

Compiled compile(const std::string &body, dfa::LanguageVersion version = dfa::LanguageVersion::V6_0) {
  std::string err;
  auto fe = Frontend::create({}, err);
  auto f = fe->load("t.sd", "profile t {\n" + body + "\n}\n");
  EXPECT_TRUE(f.accepted) << body;
  Compiled out;
  Diagnostics diags;
  dfa::CompileOptions options;
  options.version = version;
  out.profiles = dfa::compilePolicy(*f.policy, f.vars, diags, options);
  for (const auto &d : diags.items())
    if (d.severity == Severity::Error) {
      out.conflict = d.message.find("conflicting x modifiers") != std::string::npos;
      out.firstError = d.message;
      break;
    }
  return out;
}

TEST(ExecConflicts, MatrixFromTheReference) {
  struct Case {
    const char *rules;
    bool conflict;
  } cases[] = {
      {"/usr/bin/* ix,\n/usr/bin/foo px,", false},
      {"/usr/bin/* ix,\n/usr/bin/f* px,", true},
      {"/usr/bin/a* ix,\n/usr/bin/*b px,", true},
      {"/usr/bin/* px,\n/usr/bin/f* Px,", true},
      {"/usr/bin/* pix,\n/usr/bin/f* pix,", false},
      {"/usr/bin/foo px,\n/usr/bin/{foo,bar} ix,", true},
      {"/usr/bin/* px -> a,\n/usr/bin/f* px -> b,", true},
      {"owner /usr/bin/* ix,\n/usr/bin/f* px,", true},
      {"owner /usr/bin/* ix,\nother /usr/bin/f* px,", false},
      {"/usr/bin/f* px,\ndeny /usr/bin/foo x,", false},
      {"/bin/glob* ix,\n/bin/globx px,", false},
      {"/usr/bin/* ix,\npriority=1 /usr/bin/f* px,", false},
      {"/usr/bin/[fg]oo ix,\n/usr/bin/* px,", false},  // 6.0: classes are exact
  };
  for (const auto &c : cases) {
    Compiled r = compile(c.rules);
    EXPECT_EQ(r.conflict, c.conflict) << c.rules << "\n" << r.firstError;
  }
}

TEST(ExecConflicts, AcceptWordsMatchApparmorParser) {
  Compiled exact = compile("/usr/bin/* ix,\n/usr/bin/foo px,");
  ASSERT_FALSE(exact.profiles.empty()) << exact.firstError;
  EXPECT_EQ(exact.accept("/usr/bin/foo"), 0x02404901u);  // px: the exact rule wins
  EXPECT_EQ(exact.accept("/usr/bin/bar"), 0x00904241u);  // ix, with the implied m

  Compiled prio = compile("/usr/bin/* ix,\npriority=1 /usr/bin/f* px,");
  ASSERT_FALSE(prio.profiles.empty()) << prio.firstError;
  EXPECT_EQ(prio.accept("/usr/bin/foo"), 0x02404901u);
  EXPECT_EQ(prio.accept("/usr/bin/bar"), 0x00904241u);

  // 3.0.8 stores ix's m as a permission of its own, so it outlives the x.
  const auto v3 = dfa::LanguageVersion::V3_0;
  Compiled mixed = compile("/bin/glob* ix,\n/bin/globx px,", v3);
  ASSERT_FALSE(mixed.profiles.empty()) << mixed.firstError;
  EXPECT_EQ(mixed.accept("/bin/globx"), 0x02504941u);  // px type, m from ix survives
  EXPECT_EQ(compile("/bin/glob* ix,\n/bin/globx px,").accept("/bin/globx"), 0x02404901u);  // 6.0: m goes with x

  Compiled denied = compile("deny /bin/no x,\n/bin/* pix,", v3);
  ASSERT_FALSE(denied.profiles.empty()) << denied.firstError;
  EXPECT_EQ(denied.accept("/bin/no"), 0x00100040u);  // only m left

  Compiled rw = compile("/ab r,\n/a* w,");
  ASSERT_FALSE(rw.profiles.empty());
  EXPECT_EQ(rw.accept("/ab"), 0x3800eu);
  EXPECT_EQ(rw.accept("/a"), 0x2800au);
  EXPECT_EQ(rw.accept("/a/"), 0u);
}

TEST(ExecConflicts, AProfileWithoutFileRulesHasAnEmptyAutomaton) {
  Compiled none = compile("capability chown,");
  ASSERT_EQ(none.profiles.size(), 1u);
  const dfa::Dfa &d = none.profiles[0].fileDfa;
  EXPECT_EQ(d.stateCount(), 2u);  // dead and start, even with nothing to match
  EXPECT_EQ(d.walk(std::string("\0/etc/passwd", 12)), dfa::Dfa::kDead);
}

TEST(ExecConflicts, AliasesAndDenyLinksLowerLikeApparmorParser) {
  std::string err;
  auto fe = Frontend::create({}, err);
  auto f = fe->load("a.sd", "alias /usr/ -> /User/,\nprofile t {\n  /usr/bin/ls r,\n  deny link /a -> /b,\n}\n");
  ASSERT_TRUE(f.accepted);
  Diagnostics diags;
  auto profiles = dfa::compilePolicy(*f.policy, f.vars, diags, {});
  ASSERT_EQ(profiles.size(), 1u);
  const dfa::Dfa &d = profiles[0].fileDfa;
  EXPECT_EQ(d.perms[d.walk("/User/bin/ls")].allow, 0x10004u);  // the alias twin
  EXPECT_EQ(d.perms[d.walk("/usr/bin/ls")].allow, 0x10004u);
  EXPECT_TRUE(d.perms[d.walk("/a")].empty());  // a deny link rule adds only its pair
  EXPECT_EQ(d.perms[d.walk(std::string("/a\0/b", 5))].quiet, 0x40010u);
}

TEST(ExecConflicts, NamespacedChangeProfileTargetsWithoutStacking) {
  std::string err;
  auto fe = Frontend::create({}, err);
  auto f = fe->load("c.sd", "profile t {\n  change_profile -> :foo:/bin/foo,\n}\n");
  ASSERT_TRUE(f.accepted);
  for (bool stacks : {true, false}) {
    Diagnostics diags;
    dfa::CompileOptions options;
    options.kernelStacks = stacks;
    auto profiles = dfa::compilePolicy(*f.policy, f.vars, diags, options);
    ASSERT_EQ(profiles.size(), 1u);
    const dfa::Dfa &d = profiles[0].fileDfa;
    // Old kernels get `ns \0 name`, as in the transition table.
    std::string split("foo\0/bin/foo", 12), literal(":foo:/bin/foo");
    EXPECT_EQ(d.perms[d.walk(stacks ? literal : split)].allow, 0xc0000000u) << stacks;
    EXPECT_EQ(d.perms[d.walk(stacks ? split : literal)].allow, 0u) << stacks;
  }
}

TEST(ExecConflicts, TheErrorNamesBothRulesAndAWitness) {
  Compiled r = compile("/usr/bin/* ix,\n/usr/bin/f* px,");
  EXPECT_NE(r.firstError.find("'/usr/bin/* ix' and '/usr/bin/f* px' both match '/usr/bin/f'"), std::string::npos)
      << r.firstError;
}

} // namespace
} // namespace aasim::test

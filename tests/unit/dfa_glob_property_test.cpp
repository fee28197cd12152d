// The automaton against an independent oracle: a backtracking glob matcher
// written from apparmor.d(5) and kernel-semantics.md §1, sharing no code
// with dfa/. For random globs and random strings both must agree, in the
// spirit of RE2's exhaustive tester.
#include "dfa/builder.h"
#include "dfa/compress.h"
#include "dfa/equivalence.h"
#include "dfa/glob.h"
#include "dfa/minimize.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <functional>
#include <memory>

namespace aasim::test {
namespace {

// --- the oracle ----------------------------------------------------------
struct Item;
using Seq = std::vector<std::shared_ptr<Item>>;
struct Item {
  enum Kind { Literal, One, Star, Class, Alt } kind;
  char c = 0;
  bool crossesSlash = false, nonEmpty = false;  // Star
  std::string members;                          // Class
  bool negated = false;
  std::vector<Seq> alternatives;                // Alt
};

// Parses up to an unmatched `,` or `}` (inside braces) or the end.
Seq parseSeq(const std::string &g, size_t &i, bool inBraces) {
  Seq seq;
  while (i < g.size()) {
    char c = g[i];
    if (inBraces && (c == ',' || c == '}'))
      break;
    auto item = std::make_shared<Item>();
    if (c == '*') {
      size_t run = 0;
      while (i < g.size() && g[i] == '*')
        ++run, ++i;
      item->kind = Item::Star;
      item->crossesSlash = run >= 2;
      // Whole component: the glob text right before is a literal '/', and
      // right after is '/' or the end of the whole glob.
      bool before = !seq.empty() && seq.back()->kind == Item::Literal && seq.back()->c == '/';
      bool after = i >= g.size() || g[i] == '/';
      item->nonEmpty = before && after;
    } else if (c == '?') {
      item->kind = Item::One;
      ++i;
    } else if (c == '[') {
      item->kind = Item::Class;
      ++i;
      if (g[i] == '^')
        item->negated = true, ++i;
      while (g[i] != ']')
        item->members += g[i++];
      ++i;
    } else if (c == '{') {
      item->kind = Item::Alt;
      ++i;
      for (;;) {
        item->alternatives.push_back(parseSeq(g, i, true));
        if (g[i++] == '}')
          break;
      }
    } else {
      item->kind = Item::Literal;
      item->c = c;
      ++i;
    }
    seq.push_back(item);
  }
  return seq;
}

using Cont = std::function<bool(size_t)>;

bool matchSeq(const Seq &seq, size_t k, const std::string &s, size_t pos, const Cont &cont) {
  if (k == seq.size())
    return cont(pos);
  const Item &it = *seq[k];
  auto rest = [&](size_t p) { return matchSeq(seq, k + 1, s, p, cont); };
  switch (it.kind) {
  case Item::Literal: return pos < s.size() && s[pos] == it.c && rest(pos + 1);
  case Item::One: return pos < s.size() && s[pos] != '/' && s[pos] != '\0' && rest(pos + 1);
  case Item::Class: {
    if (pos >= s.size())
      return false;
    bool in = it.members.find(s[pos]) != std::string::npos;
    return in != it.negated && rest(pos + 1);
  }
  case Item::Star:
    for (size_t len = 0; pos + len <= s.size(); ++len) {
      if (len > 0) {
        char c = s[pos + len - 1];
        // A whole-component star's first byte is a component byte even for
        // `**` (kernel-semantics.md §1.3: `/a/**` is `/a/[^/\x00][^\x00]*`).
        bool slashOk = it.crossesSlash && !(it.nonEmpty && len == 1);
        if (c == '\0' || (c == '/' && !slashOk))
          break;
      }
      if (len == 0 && it.nonEmpty)
        continue;
      if (rest(pos + len))
        return true;
    }
    return false;
  case Item::Alt:
    for (const Seq &alt : it.alternatives)
      if (matchSeq(alt, 0, s, pos, rest))
        return true;
    return false;
  }
  return false;
}

bool oracleMatches(const std::string &glob, const std::string &s) {
  size_t i = 0;
  Seq seq = parseSeq(glob, i, false);
  return matchSeq(seq, 0, s, 0, [&](size_t p) { return p == s.size(); });
}

// --- generators ----------------------------------------------------------
std::string genGlob(int depth) {
  static const std::vector<std::string> atoms = {"a", "b", "/", "/", "*", "**", "?", "[ab]", "[^a]", "[/a]"};
  std::string s;
  int parts = *rc::gen::inRange(0, 6);
  for (int i = 0; i < parts; ++i) {
    if (depth > 0 && *rc::gen::inRange(0, 7) == 0) {
      int alts = *rc::gen::inRange(1, 4);
      s += '{';
      for (int a = 0; a < alts; ++a)
        s += (a ? "," : "") + genGlob(depth - 1);
      s += alts == 1 ? ",}" : "}";
    } else {
      s += *rc::gen::elementOf(atoms);
    }
  }
  return s;
}

std::string genSubject() {
  static const std::vector<char> bytes = {'a', 'b', '/', '/', '\0', 'c'};
  std::string s;
  int len = *rc::gen::inRange(0, 8);
  for (int i = 0; i < len; ++i)
    s += *rc::gen::elementOf(bytes);
  return s;
}

// Builds a one-rule automaton for `glob`.
dfa::Dfa compileGlob(const std::string &glob) {
  std::string err;
  auto conv = dfa::globToRegex(glob, err);
  RC_ASSERT(conv.has_value());
  dfa::RegexArena arena;
  dfa::RegexError rerr;
  auto root = dfa::parseRegex(conv->regex, arena, rerr);
  RC_ASSERT(root.has_value());
  std::vector<dfa::RuleFlag> flags{{0, dfa::FlagMode::Allow, false, 0x4, 0}};
  auto built = dfa::buildDfa(arena, {{*root, 0}}, flags, {});
  RC_ASSERT(built.dfa.has_value());
  return std::move(*built.dfa);
}

RC_GTEST_PROP(DfaVsOracle, GlobAcceptsExactlyWhatTheBacktrackerAccepts, ()) {
  std::string glob = genGlob(2);
  dfa::Dfa d = compileGlob(glob);
  for (int i = 0; i < 20; ++i) {
    std::string s = genSubject();
    bool want = oracleMatches(glob, s);
    bool got = d.perms[d.walk(s)].allow == 0x4;
    if (want != got) {
      std::string shown;
      for (char c : s)
        shown += c == '\0' ? std::string("\\0") : std::string(1, c);
      RC_FAIL("glob '" + glob + "' subject '" + shown + "': oracle " + (want ? "matches" : "rejects"));
    }
  }
}

// Several globs, each with its own permission bit (or all with one).
dfa::Dfa compileGlobs(const std::vector<std::string> &globs, bool oneBit = false) {
  dfa::RegexArena arena;
  std::vector<dfa::RuleExpr> rules;
  std::vector<dfa::RuleFlag> flags;
  for (size_t i = 0; i < globs.size(); ++i) {
    std::string err;
    auto conv = dfa::globToRegex(globs[i], err);
    RC_ASSERT(conv.has_value());
    dfa::RegexError rerr;
    auto root = dfa::parseRegex(conv->regex, arena, rerr);
    RC_ASSERT(root.has_value());
    flags.push_back({0, dfa::FlagMode::Allow, false, oneBit ? 2u : 1u << (i + 1), 0});
    rules.push_back({*root, static_cast<uint32_t>(i)});
  }
  auto built = dfa::buildDfa(arena, rules, flags, {});
  RC_ASSERT(built.dfa.has_value());
  return std::move(*built.dfa);
}

// Equivalence finds a planted difference: adding a rule with a new
// permission changes exactly the strings it matches, so the product walk
// must report a witness the added glob matches (and nothing when it
// matches nothing).
RC_GTEST_PROP(DfaVsOracle, EquivalenceFindsThePlantedRule, ()) {
  // Paths start with '/', as file rules do: then no input leads back to
  // the start state, whose permissions the kernel's tables never hold.
  std::vector<std::string> globs;
  int n = *rc::gen::inRange(1, 4);
  for (int i = 0; i < n; ++i)
    globs.push_back("/" + genGlob(1));
  std::string planted = "/" + genGlob(1);
  dfa::Dfa before = compileGlobs(globs);
  RC_ASSERT(!dfa::firstDifference(before, compileGlobs(globs)));  // a profile equals itself
  auto withPlanted = globs;
  withPlanted.push_back(planted);
  dfa::Dfa after = compileGlobs(withPlanted);
  auto diff = dfa::firstDifference(before, after);
  std::string shown;
  for (const auto &g : globs)
    shown += "'" + g + "' ";
  if (diff) {
    if (!oracleMatches(planted, diff->witness))
      RC_FAIL("globs " + shown + "planted '" + planted + "': witness '" + dfa::showBytes(diff->witness) +
              "' not matched by the planted glob");
    RC_ASSERT(diff->left != diff->right);
  } else {
    // The kernel's tables give the start state no permissions, so only a
    // match of the empty string may go unnoticed.
    for (int i = 0; i < 20; ++i) {
      std::string s = genSubject();
      if (oracleMatches(planted, s))
        RC_FAIL("globs " + shown + "planted '" + planted + "' matches '" + dfa::showBytes(s) + "' but no difference");
    }
  }
}

// Minimization changes no decision, never adds states, and is canonical:
// the same rules in another order give byte-identical tables.
RC_GTEST_PROP(DfaVsOracle, MinimizationKeepsEveryDecisionAndIsCanonical, ()) {
  std::vector<std::string> globs;
  int n = *rc::gen::inRange(1, 5);
  for (int i = 0; i < n; ++i)
    globs.push_back("/" + genGlob(1));
  dfa::Dfa built = compileGlobs(globs);
  dfa::Dfa small = dfa::minimize(built);
  RC_ASSERT(small.stateCount() <= built.stateCount());
  RC_ASSERT(!dfa::firstDifference(built, small));
  // One permission for all, the rules in two orders: identical tables.
  std::vector<std::string> reversed(globs.rbegin(), globs.rend());
  dfa::Dfa a = dfa::minimize(compileGlobs(globs, true));
  dfa::Dfa b = dfa::minimize(compileGlobs(reversed, true));
  RC_ASSERT(!dfa::firstDifference(a, b));
  RC_ASSERT(a.byteClass == b.byteClass);
  RC_ASSERT(a.next == b.next);
  RC_ASSERT(a.perms == b.perms);
}

// Comb compression into the kernel's tables changes no decision, and the
// tables pass the kernel's own verification.
RC_GTEST_PROP(DfaVsOracle, KernelTablesDecideLikeTheAutomaton, ()) {
  std::vector<std::string> globs;
  int n = *rc::gen::inRange(1, 5);
  for (int i = 0; i < n; ++i)
    globs.push_back("/" + genGlob(1));
  dfa::Dfa small = dfa::minimize(compileGlobs(globs));
  dfa::KernelDfa tables = dfa::compressDfa(small);
  dfa::TableError err;
  RC_ASSERT(dfa::verifyKernelDfa(tables, err));
  RC_ASSERT(!dfa::firstDifference(small, tables));
}

TEST(DfaVsOracle, WholeComponentRuleExamples) {
  struct Case {
    const char *glob, *subject;
    bool match;
  } cases[] = {
      {"/a/*", "/a/b", true},      {"/a/*", "/a/", false},       {"/a/*", "/a/b/c", false},
      {"/a/**", "/a/b/c/", true},  {"/a/**", "/a/", false},      {"/a/**/b", "/a/b", false},
      {"/a/**/b", "/a/x/y/b", true}, {"/c/**d", "/c/d", true},   {"/e{,/**}", "/e/", true},
      {"/x/{*,y}", "/x/", true},   {"/b/[^abc]y", "/b//y", true}, {"/f/*.txt", "/f/.txt", true},
  };
  for (const auto &c : cases) {
    dfa::Dfa d = compileGlob(c.glob);
    EXPECT_EQ(d.perms[d.walk(c.subject)].allow == 0x4, c.match) << c.glob << " vs " << c.subject;
    EXPECT_EQ(oracleMatches(c.glob, c.subject), c.match) << "oracle: " << c.glob << " vs " << c.subject;
  }
}

} // namespace
} // namespace aasim::test

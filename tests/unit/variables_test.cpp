#include "frontend/variables.h"

#include <gtest/gtest.h>

using namespace aasim::frontend;

TEST(Variables, SingleValueIsSubstituted) {
  VariableTable t;
  t.defineSet("A", {"/x"}, {});
  ExpandError err;
  EXPECT_EQ(t.expandWord("@{A}/y", err), "/x/y");
}

TEST(Variables, SeveralValuesBecomeAnAlternationWithSlashTrimming) {
  VariableTable t;
  t.defineSet("HOME", {"/home/*/", "/root/"}, {});
  ExpandError err;
  // kernel-semantics.md §1.1: trailing '/' of each value is dropped before a '/'.
  EXPECT_EQ(t.expandWord("@{HOME}/.cfg", err), "{/home/*,/root}/.cfg");
  // leading '/' of each value is dropped after a '/'.
  t.defineSet("SUB", {"/a", "/b"}, {});
  EXPECT_EQ(t.expandWord("/x/@{SUB}", err), "/x/{a,b}");
}

TEST(Variables, NestedReferencesExpandAsSets) {
  VariableTable t;
  t.defineSet("A", {"@{B}/x", "/c"}, {});
  t.defineSet("B", {"/b1", "/b2"}, {});
  ExpandError err;
  auto s = t.expandSet("A", err);
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, (std::set<std::string>{"/b1/x", "/b2/x", "/c"}));
}

TEST(Variables, RecursionAndUndefinedAreErrors) {
  VariableTable t;
  t.defineSet("A", {"@{B}"}, {});
  t.defineSet("B", {"@{A}"}, {});
  ExpandError err;
  EXPECT_FALSE(t.expandSet("A", err));
  EXPECT_NE(err.message.find("recursively"), std::string::npos);
  EXPECT_FALSE(t.expandWord("@{NOPE}", err));
  EXPECT_NE(err.message.find("@{NOPE}"), std::string::npos);
}

TEST(Variables, EscapedAtIsLiteral) {
  VariableTable t;
  ExpandError err;
  EXPECT_EQ(t.expandWord("/a/\\@{X}", err), "/a/\\@{X}");
}

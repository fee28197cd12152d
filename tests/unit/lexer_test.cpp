#include "frontend/include_resolver.h"
#include "frontend/lexer.h"

#include <gtest/gtest.h>

#include <vector>

using namespace aasim::frontend;

namespace {

std::vector<Token> lexAll(const std::string &text) {
  SourceManager sm;
  IncludeResolver resolver({});
  Diagnostics diags;
  Lexer lex(sm, resolver, diags);
  lex.start(sm.addFile("t", text));
  std::vector<Token> out;
  for (Token t = lex.next(); t.kind != Tok::End; t = lex.next())
    out.push_back(t);
  return out;
}

std::vector<Tok> kinds(const std::string &text) {
  std::vector<Tok> k;
  for (const auto &t : lexAll(text))
    k.push_back(t.kind);
  return k;
}

TEST(Lexer, ModeStringNeedsTrailingSpaceOrComma) {
  EXPECT_EQ(kinds("/a rw,\n"), (std::vector<Tok>{Tok::Id, Tok::Mode, Tok::EndOfRule}));
  // "read" is not a mode string: it is a plain word in the initial state.
  EXPECT_EQ(kinds("read,\n"), (std::vector<Tok>{Tok::Read, Tok::EndOfRule}));
}

TEST(Lexer, CommaFollowedByIdCharIsPartOfTheId) {
  auto toks = lexAll("/a,b rw,\n");
  ASSERT_EQ(toks.size(), 3u);
  EXPECT_EQ(toks[0].text, "/a,b");
}

TEST(Lexer, KeywordsSwitchToTheirClassMode) {
  // `send` is a keyword inside a signal rule, an id-like word elsewhere.
  EXPECT_EQ(kinds("signal send peer=foo,\n"),
            (std::vector<Tok>{Tok::Signal, Tok::Send, Tok::CondId, Tok::Equals, Tok::Value, Tok::EndOfRule}));
  EXPECT_EQ(kinds("network inet stream,\n"),
            (std::vector<Tok>{Tok::Network, Tok::Id, Tok::Id, Tok::EndOfRule}));
}

TEST(Lexer, VariableAssignmentEndsAtNewline) {
  auto toks = lexAll("@{A} = /x /y\n/b r,\n");
  ASSERT_GE(toks.size(), 4u);
  EXPECT_EQ(toks[0].kind, Tok::SetVar);
  EXPECT_EQ(toks[1].kind, Tok::Equals);
  EXPECT_EQ(toks[2].kind, Tok::Value);
  EXPECT_EQ(toks[3].kind, Tok::Value);
  EXPECT_EQ(toks[4].kind, Tok::Id);
}

TEST(Lexer, CommentsAreSkippedButHashIncludeIsADirective) {
  EXPECT_EQ(kinds("# just a comment\n/a r,\n"), (std::vector<Tok>{Tok::Id, Tok::Mode, Tok::EndOfRule}));
}

TEST(Lexer, QuotedIdsAreUnquotedAndUnescaped) {
  auto toks = lexAll("\"/a b\\x41\" r,\n");
  ASSERT_FALSE(toks.empty());
  EXPECT_EQ(toks[0].text, "/a bA");
}

TEST(Lexer, EscapedGlobCharactersStayEscaped) {
  auto toks = lexAll("/a\\052 r,\n");  // \052 is '*'
  ASSERT_FALSE(toks.empty());
  EXPECT_EQ(toks[0].text, "/a\\*");
}

} // namespace

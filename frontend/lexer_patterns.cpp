#include "lexer_patterns.h"

#include "lexer_patterns_def.hpp"

namespace aasim::frontend::lexpat {
namespace g = grammar;
namespace x3 = boost::spirit::x3;

namespace {

// Length of the longest prefix of [p, e) that `parser` accepts, 0 if none.
template <typename Parser>
uint32_t run(const Parser &parser, It p, It e) {
  It it = p;
  if (!x3::parse(it, e, parser))
    return 0;
  return static_cast<uint32_t>(it - p);
}

Match whole(uint32_t n) { return {n, n}; }

// r/s: the token is r, but s is part of the match length.
template <typename R, typename S>
Match trailing(const R &r, const S &s, It p, It e) {
  uint32_t n = run(r, p, e);
  if (!n)
    return {};
  uint32_t m = run(s, p + n, e);
  if (!m)
    return {};
  return {n, n + m};
}

// '"' body '"' where the body is any run of non-NUL, non-quote bytes and
// \" pairs. A quote preceded by a backslash may either close the string or
// be part of the body; the longest reading wins, as in flex.
uint32_t quoted(It p, It e, bool nonEmpty) {
  if (p == e || *p != '"')
    return 0;
  uint32_t best = 0;
  for (It it = p + 1; it < e; ++it) {
    char c = *it;
    if (c == '\0')
      break;
    if (c == '"') {
      uint32_t len = static_cast<uint32_t>(it - p + 1);
      if (!nonEmpty || len > 2)
        best = len;
      if (it[-1] != '\\' || it == p + 1)
        break;  // an unescaped quote must close the string
    }
  }
  return best;
}

} // namespace

Match blanks(It p, It e) { return whole(run(+g::blank, p, e)); }
Match newline(It p, It e) { return whole(run(g::newline, p, e)); }
Match ids(It p, It e) { return whole(run(g::ids, p, e)); }
Match quotedId(It p, It e) { return whole(quoted(p, e, false)); }
Match label(It p, It e) { return whole(run(g::label, p, e)); }

Match quotedLabel(It p, It e) {
  if (e - p < 2 || p[0] != '"' || !(p[1] == '/' || p[1] == '@' || p[1] == ':' || p[1] == '&'))
    return {};
  uint32_t n = quoted(p, e, true);
  return whole(n >= 3 ? n : 0);
}

Match modes(It p, It e) { return trailing(g::modes, g::space | x3::lit(','), p, e); }
Match varName(It p, It e) { return whole(run(g::var_name, p, e)); }
Match setVar(It p, It e) { return whole(run(g::set_var, p, e)); }
Match boolVar(It p, It e) { return whole(run(g::bool_var, p, e)); }
Match idsNoEq(It p, It e) { return whole(run(g::ids_noeq, p, e)); }
Match listValueId(It p, It e) { return whole(run(g::list_value_id, p, e)); }
Match quotedListValueId(It p, It e) { return whole(quoted(p, e, true)); }
Match idCharsNoEqPlus(It p, It e) { return whole(run(+g::id_char_noeq, p, e)); }
Match identityChars(It p, It e) { return whole(run(g::identity_chars, p, e)); }

Match includeName(It p, It e) {
  // \<(([^"\>\t\r\n])+|QUOTED_ID)\> | QUOTED_ID | INC_IDS
  uint32_t best = 0;
  if (p != e && *p == '<') {
    uint32_t n = run(+(~x3::char_("\">\t\r\n")), p + 1, e);
    if (n && p + 1 + n < e && p[1 + n] == '>')
      best = n + 2;
    uint32_t q = quoted(p + 1, e, false);
    if (q && p + 1 + q < e && p[1 + q] == '>' && q + 2 > best)
      best = q + 2;
  }
  best = std::max(best, quoted(p, e, false));
  best = std::max(best, run(g::inc_ids, p, e));
  return whole(best);
}

Match wordThenEquals(std::string_view word, It p, It e) {
  return trailing(x3::lit(std::string(word)), *g::blank >> x3::lit('='), p, e);
}

Match condListIdParen(It p, It e) {
  return trailing(x3::lit("peer") | x3::lit("xattrs"), *g::blank >> '=' >> *g::blank >> '(', p, e);
}

Match varNameEquals(It p, It e) { return trailing(g::var_name, *g::blank >> x3::lit('='), p, e); }
Match varNameColonEquals(It p, It e) {
  return trailing(g::var_name >> x3::lit(':'), *g::blank >> x3::lit('='), p, e);
}
Match varNameIn(It p, It e) {
  return trailing(g::var_name, +g::blank >> x3::lit("in") >> *g::blank >> '(', p, e);
}
Match boolVarAssign(It p, It e) {
  return trailing(g::bool_var, *g::blank >> (x3::lit('=') | "+=" | "?=" | ":="), p, e);
}
Match hashIncludeIfExists(It p, It e) {
  return trailing(x3::lit("#include") >> +g::blank >> "if" >> +g::blank >> "exists", g::blank >> g::rest_of_line,
                  p, e);
}
Match includeIfExists(It p, It e) {
  return trailing(x3::lit("include") >> +g::blank >> "if" >> +g::blank >> "exists", g::blank, p, e);
}
Match hashInclude(It p, It e) { return trailing(x3::lit("#include"), g::rest_of_line, p, e); }
Match includeKw(It p, It e) { return trailing(x3::lit("include"), g::blank, p, e); }
Match allKw(It p, It e) { return trailing(x3::lit("all"), g::blank | ~(g::alnum_), p, e); }
Match comment(It p, It e) { return whole(run(x3::lit('#') >> g::rest_of_line, p, e)); }
Match hatKw(It p, It e) { return whole(run(x3::lit("hat") >> *g::blank, p, e)); }
Match profileKw(It p, It e) { return whole(run(x3::lit("profile") >> *g::blank, p, e)); }
Match equalsValue(It p, It e) {
  return trailing(x3::lit('=') >> *g::blank, ~x3::char_("(\n \t"), p, e);
}
Match equalsParen(It p, It e) { return whole(run(x3::lit('=') >> *g::blank >> '(', p, e)); }
Match signedNumber(It p, It e) { return whole(run(-x3::lit('-') >> +g::digit, p, e)); }
Match alphaWord(It p, It e) { return whole(run(+(g::alpha | x3::char_('_')), p, e)); }
Match integer(It p, It e) { return whole(run(-x3::char_("+-") >> +g::digit, p, e)); }
Match rwMode(It p, It e) {
  return trailing(x3::lit("rw") | "wr" | "r" | "w", g::space | x3::lit(','), p, e);
}
Match literal(std::string_view s, It p, It e) {
  if (static_cast<size_t>(e - p) < s.size() || std::string_view(p, s.size()) != s)
    return {};
  return whole(static_cast<uint32_t>(s.size()));
}
Match lineContinuation(It p, It e) { return whole(run(x3::lit("\\\n"), p, e)); }

} // namespace aasim::frontend::lexpat

// Boost.Spirit X3 definitions of the lexical patterns declared in
// lexer_patterns.h. Included by lexer_patterns.cpp only.
//
// Flex picks the longest match; X3 is a PEG and never backtracks into a
// repetition. The patterns below are written so that the greedy PEG reading
// equals the regex's longest match: escape pairs are tried before the single
// characters they start with, and two-character alternatives before one.
#pragma once

#include <boost/spirit/home/x3.hpp>

namespace aasim::frontend::lexpat::grammar {
namespace x3 = boost::spirit::x3;
using x3::char_;
using x3::lit;

// Character classes of the lexer.
inline const auto blank = char_(" \t");
inline const auto space = char_(" \t\r\n\v\f");
inline const auto digit = char_("0-9");
inline const auto alpha = char_("a-zA-Z");
inline const auto alnum_ = char_("a-zA-Z0-9_");
// [^ \t\r\n"!,]
inline const auto id_char = ~char_(" \t\r\n\"!,");
// [^ \t\n"!,] (carriage return allowed)
inline const auto id_char_cr = ~char_(" \t\n\"!,");
inline const auto escape = lit("\\ ") | lit("\\\t") | lit("\\\"") | lit("\\!") | lit("\\,");
inline const auto escape_paren = escape | lit("\\(") | lit("\\)");

inline const auto id_unit = escape | (lit(',') >> id_char) | id_char;
inline const auto ids = (lit("\\#") | id_unit) >> *id_unit;

inline const auto var_name = alpha >> *alnum_;
inline const auto set_var = lit('@') >> ((lit('{') >> var_name >> lit('}')) | var_name);
inline const auto bool_var = lit('$') >> ((lit('{') >> var_name >> lit('}')) | var_name);

// POST_VAR_ID: what may follow @{VAR} for the text to be a label.
inline const auto post_var_char = id_char_cr - char_("=+?");
inline const auto post_var_id = escape_paren | (~char_(" \t\n\"!,=+") >> lit('?')) |
                                (lit(',') >> post_var_char) | post_var_char;
inline const auto label = (lit('/') | (set_var >> post_var_id) | (lit(':') >> ~char_('=')) | lit('&')) >> *id_unit;

inline const auto mode_char = (char_("PpCc") >> char_("IiUu") >> char_("Xx")) | (char_("IiUu") >> char_("Xx")) |
                              (char_("PpCc") >> char_("Xx")) | char_("RrWwaLlMmkXx");
inline const auto modes = +mode_char;

// IDS_NOEQ
inline const auto id_char_noeq = id_char_cr - char_("=)");
inline const auto leading_id_char_noeq = id_char_cr - char_("=()+&");
inline const auto ids_noeq = leading_id_char_noeq >> *((lit(',') >> id_char_noeq) | id_char_noeq);

// LIST_VALUE_ID
inline const auto list_value_char = escape_paren | (id_char_cr - char_("()"));
inline const auto list_value_id = +list_value_char;

// IDENTITY_CHAR: [^ \t\r\n"!,{}\\=]
inline const auto identity_chars = +(~char_(" \t\r\n\"!,{}\\="));

// INC_IDS
inline const auto inc_char = ~char_(" \t\r\n\"!,<>");
inline const auto inc_ids = +(escape | (lit(',') >> inc_char) | inc_char);

inline const auto rest_of_line = *(~char_('\n')) >> -lit('\r') >> lit('\n');
inline const auto newline = -lit('\r') >> lit('\n');

} // namespace aasim::frontend::lexpat::grammar

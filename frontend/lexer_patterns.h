// The lexical patterns of the profile language, one function per pattern of
// apparmor_parser's lexer. Each returns how many bytes match at `p`: `token`
// is the text that becomes the token, `total` adds any trailing context
// (flex's r/s), which counts when choosing the longest match.
//
// The patterns are written as Boost.Spirit X3 parsers in
// lexer_patterns_def.hpp and compiled in exactly one translation unit.
#pragma once

#include <cstdint>
#include <string_view>

namespace aasim::frontend::lexpat {

struct Match {
  uint32_t token = 0;
  uint32_t total = 0;
  explicit operator bool() const { return total != 0; }
};

using It = const char *;

Match blanks(It p, It e);              // [ \t]+
Match newline(It p, It e);             // \r?\n
Match ids(It p, It e);                 // IDS
Match quotedId(It p, It e);            // "..." with \" escapes
Match label(It p, It e);               // paths, @{var}..., :ns..., &...
Match quotedLabel(It p, It e);         // "/...", "@...", ":...", "&..."
Match modes(It p, It e);               // MODE_CHARS+ / [[:space:],]
Match varName(It p, It e);             // [[:alpha:]][[:alnum:]_]*
Match setVar(It p, It e);              // @{NAME} | @NAME
Match boolVar(It p, It e);             // ${NAME} | $NAME
Match idsNoEq(It p, It e);             // IDS_NOEQ
Match listValueId(It p, It e);         // LIST_VALUE_ID
Match quotedListValueId(It p, It e);   // QUOTED_LIST_VALUE_ID (non-empty)
Match idCharsNoEqPlus(It p, It e);     // {ID_CHARS_NOEQ}+
Match identityChars(It p, It e);       // {IDENTITY_CHAR}+
Match includeName(It p, It e);         // <name> | <"name"> | "name" | INC_IDS
Match wordThenEquals(std::string_view word, It p, It e);  // word/{WS}*=
Match condListIdParen(It p, It e);     // (peer|xattrs)/{WS}*={WS}*\(
Match varNameEquals(It p, It e);       // {VARIABLE_NAME}/{WS}*=
Match varNameColonEquals(It p, It e);  // {VARIABLE_NAME}:/{WS}*=   (network `label:=`, 6.0)
Match varNameIn(It p, It e);           // {VARIABLE_NAME}/{WS}+in{WS}*\(
Match boolVarAssign(It p, It e);       // {BOOL_VARIABLE}/{WS}*(=|+=|?=|:=)
Match hashIncludeIfExists(It p, It e); // #include{WS}+if{WS}+exists/{WS}.*\r?\n
Match includeIfExists(It p, It e);     // include{WS}+if{WS}+exists/{WS}
Match hashInclude(It p, It e);         // #include/.*\r?\n
Match includeKw(It p, It e);           // include/{WS}
Match allKw(It p, It e);               // all/({WS}|[^[:alnum:]_])
Match comment(It p, It e);             // #.*\r?\n
Match hatKw(It p, It e);               // hat{WS}*
Match profileKw(It p, It e);           // profile{WS}*
Match equalsValue(It p, It e);         // ={WS}*/[^(\n \t]
Match equalsParen(It p, It e);         // ={WS}*(
Match signedNumber(It p, It e);        // -?[0-9]+
Match alphaWord(It p, It e);           // [[:alpha:]_]+
Match integer(It p, It e);             // [+-]?[0-9]+
Match rwMode(It p, It e);              // (r|w|rw|wr)/[[:space:],]
Match literal(std::string_view s, It p, It e);
Match lineContinuation(It p, It e);    // \\\n

} // namespace aasim::frontend::lexpat

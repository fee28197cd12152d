// The xmatch_len of an attachment, computed the way apparmor_parser 3.0.8
// computes it.
//
// The kernel breaks ties between attachments that match an exec'd path by
// xmatch_len, so the number is policy, not decoration. 3.0.8 takes it from
// libapparmor_re's min_match_len() over the regex tree *after* its tree
// simplification (right then left normalization and factoring of common
// prefixes and suffixes out of alternations), and min_match_len stops
// counting at the first part of a concatenation that holds a negated class.
// Factoring a suffix out of `{bin/gg,lib/*/gg}` gives `(bin|lib/[^/]*)/gg`,
// whose count stops at the alternation: 3.0.8 writes 4 for `/{bin/gg,lib/*/gg}`
// where the shortest-match reading would give 5 or 6. So the tree and its
// rewrites are reproduced here exactly; nothing else in aasim depends on
// the shape of a regex tree.
#pragma once

#include "regex.h"

#include <cstdint>

namespace aasim::dfa {

/// 3.0.8's xmatch_len for the regex `root` of `arena` (as parseRegex
/// builds it: concatenation and alternation nested to the left, like
/// libapparmor_re's grammar).
uint32_t xmatchLength(const RegexArena &arena, NodeId root);

} // namespace aasim::dfa

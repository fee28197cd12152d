// The attachment automaton of a profile ("xmatch", kernel-semantics.md
// §3.1, §9.5): the exec paths the profile attaches to, each accepted with
// AA_MAY_EXEC, and the length the kernel ranks competing attachments by
// (xmatch_length.h). With xattrs the automaton continues past the path
// over the out-of-band symbol into the xattr values (§9.5).
#pragma once

#include "dfa.h"
#include "regex.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aasim::dfa {

struct Attachment {
  Dfa dfa;                // minimized; accept word AA_MAY_EXEC (0x1) where a path attaches
  uint32_t xmatchLen = 0; // the record's xmatch_len
};

/// Builds the automaton of one attachment regex (internal dialect), then,
/// per xattr of the profile in record order, an out-of-band step, a NUL
/// and the value regex (internal dialect; NUL may match). As in 3.0.8 each
/// part after the path may also end the match (the kernel checks
/// AA_MAY_EXEC after every value), and every xattr is required: the
/// kernel's out-of-band step for a missing one leads nowhere.
/// nullopt with `error` on a malformed regex or past `stateLimit` states.
std::optional<Attachment> buildAttachment(const std::string &regex, const std::vector<std::string> &xattrValues,
                                          uint32_t stateLimit, std::string &error);

} // namespace aasim::dfa

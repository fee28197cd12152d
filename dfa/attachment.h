// The attachment automaton of a profile ("xmatch", kernel-semantics.md
// §3.1, §9.5): the exec paths the profile attaches to, each accepted with
// AA_MAY_EXEC, and the length the kernel ranks competing attachments by
// (xmatch_length.h).
#pragma once

#include "dfa.h"
#include "regex.h"

#include <cstdint>
#include <optional>
#include <string>

namespace aasim::dfa {

struct Attachment {
  Dfa dfa;                // minimized; accept word AA_MAY_EXEC (0x1) where a path attaches
  uint32_t xmatchLen = 0; // the record's xmatch_len
};

/// Builds the automaton of one attachment regex (internal dialect).
/// nullopt with `error` on a malformed regex or past `stateLimit` states.
std::optional<Attachment> buildAttachment(const std::string &regex, uint32_t stateLimit, std::string &error);

} // namespace aasim::dfa

// A deterministic automaton over bytes with permissions on its states, the
// shape apparmor_parser builds before compressing it into kernel tables.
// State 0 is the dead state (nothing more can match), state 1 the start.
// Bytes are grouped into equivalence classes: bytes no rule tells apart
// share a class and a column of the transition table. One more column may
// hold the out-of-band symbol, which is no byte.
#pragma once

#include "perms.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aasim::dfa {

struct Dfa {
  static constexpr uint32_t kDead = 0, kStart = 1;

  std::array<uint16_t, 256> byteClass{};  // byte -> class
  uint32_t classCount = 1;
  /// The last class is the out-of-band symbol's (no byte maps to it):
  /// attachments with xattrs step on it between path and values.
  bool hasOutOfBand = false;
  std::vector<uint32_t> next;             // state * classCount + class -> state
  std::vector<StatePerms> perms;          // per state
  /// Per state, the rule flags whose end marker it holds (sorted), for
  /// naming the rules behind a decision.
  std::vector<std::vector<uint32_t>> acceptFlags;

  uint32_t stateCount() const { return static_cast<uint32_t>(perms.size()); }
  uint32_t step(uint32_t state, uint8_t byte) const { return next[state * classCount + byteClass[byte]]; }
  uint32_t stepOutOfBand(uint32_t state) const {
    return hasOutOfBand ? next[state * classCount + classCount - 1] : kDead;
  }
  uint32_t walk(std::string_view input, uint32_t from = kStart) const {
    uint32_t s = from;
    for (unsigned char c : input)
      s = step(s, c);
    return s;
  }
  /// The lowest byte of each class (for printing witnesses).
  std::vector<uint8_t> classRepresentatives() const;
};

} // namespace aasim::dfa

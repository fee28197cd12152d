// The automaton as the kernel loads it: apparmor_parser's compressed
// tables (kernel-semantics.md §6.4) and the kernel's step function (§7).
// Every index is verified when the tables are read, as the kernel's
// unpacker does, so walking a loaded table never reads out of bounds.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aasim::dfa {

/// Constants of the "aadfa" table set (kernel-semantics.md §6.4), shared
/// by the reader and the writer. Table ids are flex's (the kernel's + 1).
namespace aadfa {
constexpr uint32_t kMagic = 0x1B5E783Du;
enum TableId : uint16_t { kAccept = 1, kBase = 2, kCheck = 3, kDef = 4, kEc = 5, kNext = 8, kAccept2 = 7 };
} // namespace aadfa

struct KernelDfa {
  static constexpr uint32_t kNoMatch = 0, kStart = 1;
  static constexpr uint32_t kDiffEncode = 0x80000000u, kOutOfBand = 0x20000000u;
  /// th_flags: the tables hold out-of-band transitions.
  static constexpr uint16_t kHeaderOutOfBand = 0x2;

  uint16_t headerFlags = 0;
  std::vector<uint32_t> accept, accept2, base, def;
  std::vector<uint32_t> next, check;
  std::optional<std::array<uint8_t, 256>> equivClass;

  bool operator==(const KernelDfa &) const = default;

  uint32_t stateCount() const { return static_cast<uint32_t>(base.size()); }
  static uint32_t baseIndex(uint32_t b) { return b & 0x00ffffffu; }

  /// One transition, exactly as the kernel computes it (default chains of
  /// diff-encoded states included).
  uint32_t step(uint32_t state, uint8_t byte) const {
    uint32_t c = equivClass ? (*equivClass)[byte] : byte;
    for (;;) {
      uint32_t b = base[state];
      uint32_t pos = baseIndex(b) + c;
      if (check[pos] == state)
        return next[pos];
      state = def[state];
      if (!(b & kDiffEncode))
        return state;
    }
  }
  /// The kernel's out-of-band step (aa_dfa_outofband_transition): state 0
  /// unless the state is flagged; then c = -1 below the base, no class
  /// map, default chains as for bytes (where the kernel checks no flag; a
  /// chain state with base 0 would make it read below the table, taken
  /// here as no match).
  uint32_t stepOutOfBand(uint32_t state) const {
    if (!(base[state] & kOutOfBand))
      return kNoMatch;
    for (;;) {
      uint32_t b = base[state];
      uint32_t pos = baseIndex(b) - 1;
      if (baseIndex(b) > 0 && check[pos] == state)
        return next[pos];
      state = def[state];
      if (!(b & kDiffEncode))
        return state;
    }
  }
  uint32_t walk(std::string_view input, uint32_t from = kStart) const {
    uint32_t s = from;
    for (unsigned char ch : input)
      s = step(s, ch);
    return s;
  }
};

struct TableError {
  size_t offset = 0;  // within the DFA blob
  std::string message;
};

/// The kernel's verification of loaded tables: sizes agree and every
/// index stays in range (so `step` is safe); false with `error` otherwise.
bool verifyKernelDfa(const KernelDfa &dfa, TableError &error);

/// Reads one "aadfa" blob (leading zero padding allowed). nullopt with
/// `error` when it is truncated, malformed or fails verification.
std::optional<KernelDfa> readKernelDfa(std::string_view blob, TableError &error);

} // namespace aasim::dfa

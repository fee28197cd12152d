// The position sets of the subset construction's states, kept compactly.
// Every state's set must stay available until the construction ends (a
// later target may equal it), and on big profiles they were most of the
// memory: groups/flatpak/fapp has about 100,000 states of several hundred
// positions each. Stored sorted, as varint gaps in one byte array, a
// position costs about a byte instead of four plus a vector per state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aasim::dfa {

class PositionSets {
public:
  /// Positions are below `universe`.
  explicit PositionSets(uint32_t universe) : bits_((universe + 63) / 64, 0) {}

  /// Stores `set` (any order, no duplicates); returns its index.
  uint32_t add(std::vector<uint32_t> set);
  size_t size() const { return sizes_.size(); }
  /// Appends set `i` (sorted) to `out`.
  void decode(uint32_t i, std::vector<uint32_t> &out) const;
  /// True when set `i` has `count` elements and all of them carry
  /// `mark` in `stamps` (the caller stamped the set it compares with).
  bool allStamped(uint32_t i, uint32_t count, const std::vector<uint32_t> &stamps, uint32_t mark) const;

private:
  void sort(std::vector<uint32_t> &set);

  std::vector<uint64_t> bits_;  // scratch bitmap over the positions, all zero between calls
  std::vector<uint8_t> bytes_;
  std::vector<uint64_t> offsets_;
  std::vector<uint32_t> sizes_;
};

} // namespace aasim::dfa

#include "position_sets.h"

#include <algorithm>

namespace aasim::dfa {

// Large sets are sorted through a bitmap of the positions (a pass over
// the bitmap costs less than a comparison sort once a set holds more than
// a few percent of them), small ones by comparison.
void PositionSets::sort(std::vector<uint32_t> &set) {
  if (set.size() * 64 < bits_.size()) {
    std::sort(set.begin(), set.end());
    return;
  }
  for (uint32_t p : set)
    bits_[p / 64] |= uint64_t{1} << (p % 64);
  set.clear();
  for (size_t w = 0; w < bits_.size(); ++w)
    for (uint64_t word = bits_[w]; word; word &= word - 1)
      set.push_back(static_cast<uint32_t>(w * 64 + __builtin_ctzll(word)));
  std::fill(bits_.begin(), bits_.end(), 0);
}

uint32_t PositionSets::add(std::vector<uint32_t> set) {
  sort(set);
  offsets_.push_back(bytes_.size());
  sizes_.push_back(static_cast<uint32_t>(set.size()));
  uint32_t previous = 0;
  for (uint32_t p : set) {
    uint32_t gap = p - previous;
    previous = p;
    while (gap >= 0x80) {
      bytes_.push_back(static_cast<uint8_t>(gap | 0x80));
      gap >>= 7;
    }
    bytes_.push_back(static_cast<uint8_t>(gap));
  }
  return static_cast<uint32_t>(sizes_.size() - 1);
}

namespace {

// Calls visit(position) for each element; stops when visit returns false.
template <typename Visit>
bool forEach(const uint8_t *p, uint32_t count, Visit &&visit) {
  uint32_t value = 0;
  for (uint32_t k = 0; k < count; ++k) {
    uint32_t gap = 0;
    for (unsigned shift = 0;; shift += 7) {
      uint8_t b = *p++;
      gap |= static_cast<uint32_t>(b & 0x7f) << shift;
      if (!(b & 0x80))
        break;
    }
    value += gap;
    if (!visit(value))
      return false;
  }
  return true;
}

} // namespace

void PositionSets::decode(uint32_t i, std::vector<uint32_t> &out) const {
  out.reserve(out.size() + sizes_[i]);
  forEach(bytes_.data() + offsets_[i], sizes_[i], [&](uint32_t v) {
    out.push_back(v);
    return true;
  });
}

bool PositionSets::allStamped(uint32_t i, uint32_t count, const std::vector<uint32_t> &stamps, uint32_t mark) const {
  if (sizes_[i] != count)
    return false;
  return forEach(bytes_.data() + offsets_[i], count, [&](uint32_t v) { return stamps[v] == mark; });
}

} // namespace aasim::dfa

#include "refine.h"

#include <algorithm>
#include <numeric>

namespace aasim::dfa {

namespace {

constexpr uint32_t kUnnumbered = UINT32_MAX;

// Signatures of the nodes of one round, stored end to end.
struct Signatures {
  std::vector<uint32_t> data;
  std::vector<uint32_t> offsets;  // node i's signature: data[offsets[i] .. offsets[i + 1])
  std::vector<uint64_t> hashes;

  const uint32_t *begin(size_t i) const { return data.data() + offsets[i]; }
  const uint32_t *end(size_t i) const { return data.data() + offsets[i + 1]; }
  bool equal(size_t i, size_t j) const {
    return hashes[i] == hashes[j] && std::equal(begin(i), end(i), begin(j), end(j));
  }
  bool less(size_t i, size_t j) const {
    if (hashes[i] != hashes[j])
      return hashes[i] < hashes[j];
    return std::lexicographical_compare(begin(i), end(i), begin(j), end(j));
  }
};

uint64_t hashSpan(const uint32_t *first, const uint32_t *last) {
  uint64_t h = 0xcbf29ce484222325ull ^ static_cast<uint64_t>(last - first);
  for (; first != last; ++first) {
    h ^= *first;
    h *= 0x100000001b3ull;
  }
  return h ^ (h >> 29);
}

// Orders the dirty nodes (by their index in `dirty`) so that each block's
// nodes are adjacent and, inside a block, equal signatures are adjacent.
// Sorting plain (block, hash) keys is much cheaper than comparing
// signatures; only a run of equal hashes with different signatures (a
// collision) is sorted again by content.
struct SortKey {
  uint32_t block;
  uint32_t index;
  uint64_t hash;
  bool operator<(const SortKey &o) const {
    return block != o.block ? block < o.block : hash != o.hash ? hash < o.hash : index < o.index;
  }
};

void sortByBlockAndSignature(const std::vector<uint32_t> &dirty, const std::vector<uint32_t> &block,
                             const Signatures &sigs, std::vector<SortKey> &keys, std::vector<uint32_t> &order) {
  keys.clear();
  for (uint32_t i = 0; i < dirty.size(); ++i)
    keys.push_back({block[dirty[i]], i, sigs.hashes[i]});
  std::sort(keys.begin(), keys.end());
  order.clear();
  for (const SortKey &k : keys)
    order.push_back(k.index);
  for (size_t a = 0; a < keys.size();) {
    size_t b = a + 1;
    bool mixed = false;
    while (b < keys.size() && keys[b].block == keys[a].block && keys[b].hash == keys[a].hash) {
      mixed = mixed || !sigs.equal(order[a], order[b]);
      ++b;
    }
    if (mixed)
      std::sort(order.begin() + a, order.begin() + b, [&](uint32_t i, uint32_t j) { return sigs.less(i, j); });
    a = b;
  }
}

// The signature each block's unchanged members share, kept end to end.
// A member is unchanged when none of its successors moved since the last
// time its signature was computed, so it still has the block's signature.
struct BlockSignatures {
  std::vector<uint32_t> pool;
  std::vector<std::pair<uint32_t, uint32_t>> span;  // block -> (offset, length)

  void set(uint32_t blockId, const uint32_t *first, const uint32_t *last) {
    if (span.size() <= blockId)
      span.resize(blockId + 1, {0, 0});
    span[blockId] = {static_cast<uint32_t>(pool.size()), static_cast<uint32_t>(last - first)};
    pool.insert(pool.end(), first, last);
  }
  bool matches(uint32_t blockId, const uint32_t *first, const uint32_t *last) const {
    auto [offset, length] = span[blockId];
    return std::equal(first, last, pool.data() + offset, pool.data() + offset + length);
  }
};

} // namespace

uint32_t refinePartition(std::vector<uint32_t> &block, uint32_t blockCount, const Adjacency &predecessors,
                         SignatureFn signature, uint32_t *rounds) {
  const uint32_t n = static_cast<uint32_t>(block.size());
  std::vector<uint32_t> size(blockCount, 0);
  for (uint32_t b : block)
    ++size[b];
  BlockSignatures blockSig;
  std::vector<uint32_t> dirty(n), nextDirty, order, queuedIn(n, 0);
  std::vector<SortKey> keys;
  std::iota(dirty.begin(), dirty.end(), 0u);
  Signatures sigs;
  std::vector<std::pair<size_t, size_t>> groups;  // of one block's run in `order`
  uint32_t round = 0;
  while (!dirty.empty()) {
    ++round;
    // Signatures under the partition as it stood when the round began.
    sigs.data.clear();
    sigs.offsets.clear();
    sigs.hashes.clear();
    for (uint32_t v : dirty) {
      sigs.offsets.push_back(static_cast<uint32_t>(sigs.data.size()));
      signature(v, block, sigs.data);
      sigs.hashes.push_back(hashSpan(sigs.data.data() + sigs.offsets.back(), sigs.data.data() + sigs.data.size()));
    }
    sigs.offsets.push_back(static_cast<uint32_t>(sigs.data.size()));
    sortByBlockAndSignature(dirty, block, sigs, keys, order);

    nextDirty.clear();
    auto moveGroup = [&](size_t first, size_t last, uint32_t from) {
      uint32_t to = blockCount++;
      size.push_back(static_cast<uint32_t>(last - first));
      size[from] -= static_cast<uint32_t>(last - first);
      blockSig.set(to, sigs.begin(order[first]), sigs.end(order[first]));
      for (size_t k = first; k < last; ++k) {
        uint32_t v = dirty[order[k]];
        block[v] = to;
        for (uint32_t i = predecessors.offsets[v]; i < predecessors.offsets[v + 1]; ++i) {
          uint32_t u = predecessors.items[i];
          if (queuedIn[u] != round) {
            queuedIn[u] = round;
            nextDirty.push_back(u);
          }
        }
      }
    };
    // One run per block; groups of equal signatures inside it.
    for (size_t a = 0; a < order.size();) {
      uint32_t b = block[dirty[order[a]]];
      size_t end = a;
      while (end < order.size() && block[dirty[order[end]]] == b)
        ++end;
      groups.clear();
      for (size_t g = a; g < end;) {
        size_t h = g + 1;
        while (h < end && sigs.equal(order[g], order[h]))
          ++h;
        groups.emplace_back(g, h);
        g = h;
      }
      // Members not looked at this round keep the block and its signature;
      // when every member was looked at, the largest group keeps it.
      size_t keeper = groups.size();
      if (end - a < size[b]) {
        for (size_t i = 0; i < groups.size() && keeper == groups.size(); ++i)
          if (blockSig.matches(b, sigs.begin(order[groups[i].first]), sigs.end(order[groups[i].first])))
            keeper = i;
      } else {
        keeper = 0;
        for (size_t i = 1; i < groups.size(); ++i)
          if (groups[i].second - groups[i].first > groups[keeper].second - groups[keeper].first)
            keeper = i;
        blockSig.set(b, sigs.begin(order[groups[keeper].first]), sigs.end(order[groups[keeper].first]));
      }
      for (size_t i = 0; i < groups.size(); ++i)
        if (i != keeper)
          moveGroup(groups[i].first, groups[i].second, b);
      a = end;
    }
    dirty.swap(nextDirty);
  }
  if (rounds)
    *rounds = round;
  return blockCount;
}

uint32_t numberByFirstMember(std::vector<uint32_t> &block) {
  uint32_t largest = 0;
  for (uint32_t b : block)
    largest = std::max(largest, b);
  std::vector<uint32_t> newId(block.empty() ? 0 : largest + 1, kUnnumbered);
  uint32_t count = 0;
  for (uint32_t &b : block) {
    if (newId[b] == kUnnumbered)
      newId[b] = count++;
    b = newId[b];
  }
  return count;
}

} // namespace aasim::dfa

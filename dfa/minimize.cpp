#include "minimize.h"

#include "equivalence.h"

#include <llvm/ADT/DenseMap.h>

#include <algorithm>
#include <deque>
#include <map>
#include <tuple>
#include <unordered_map>

namespace aasim::dfa {

namespace {

struct VectorHash {
  size_t operator()(const std::vector<uint32_t> &v) const {
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint32_t x : v) {
      h ^= x;
      h *= 0x100000001b3ull;
    }
    return static_cast<size_t>(h);
  }
};

} // namespace

Dfa minimize(const Dfa &in, MinimizeStats *stats) {
  const uint32_t n = in.stateCount(), K = in.classCount;
  // Initial blocks: what the kernel can tell apart (allow, the packed
  // audit/quiet word, prompt); deny bits are already folded into allow.
  // The start state stays alone.
  std::vector<uint32_t> block(n);
  {
    std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>, uint32_t> initial;
    for (uint32_t s = 0; s < n; ++s) {
      const StatePerms &p = in.perms[s];
      uint32_t special = s == Dfa::kStart ? 1 : 0;
      AcceptWords w = acceptWords(p);
      auto key = std::make_tuple(special, w.accept, w.accept2, p.prompt);
      block[s] = initial.emplace(key, static_cast<uint32_t>(initial.size())).first->second;
    }
  }
  // Moore refinement: split blocks by the blocks of their successors.
  uint32_t blocks = 0, rounds = 0;
  std::vector<uint32_t> sig(K + 1);
  for (;;) {
    ++rounds;
    std::unordered_map<std::vector<uint32_t>, uint32_t, VectorHash> index;
    std::vector<uint32_t> next(n);
    for (uint32_t s = 0; s < n; ++s) {
      sig[0] = block[s];
      for (uint32_t c = 0; c < K; ++c)
        sig[c + 1] = block[in.next[static_cast<size_t>(s) * K + c]];
      next[s] = index.emplace(sig, static_cast<uint32_t>(index.size())).first->second;
    }
    uint32_t count = static_cast<uint32_t>(index.size());
    block = std::move(next);
    if (count == blocks)
      break;
    blocks = count;
  }

  // Canonical numbering: dead 0, start 1, then breadth-first by class.
  std::vector<uint32_t> newId(blocks, UINT32_MAX);
  std::vector<uint32_t> repOf;  // new state -> a representative old state
  newId[block[Dfa::kDead]] = 0;
  repOf.push_back(Dfa::kDead);
  if (newId[block[Dfa::kStart]] == UINT32_MAX) {
    newId[block[Dfa::kStart]] = 1;
    repOf.push_back(Dfa::kStart);
  }
  for (size_t i = 1; i < repOf.size(); ++i) {
    uint32_t rep = repOf[i];
    for (uint32_t c = 0; c < K; ++c) {
      uint32_t t = in.next[static_cast<size_t>(rep) * K + c];
      if (newId[block[t]] == UINT32_MAX) {
        newId[block[t]] = static_cast<uint32_t>(repOf.size());
        repOf.push_back(t);
      }
    }
  }
  Dfa out;
  out.byteClass = in.byteClass;
  out.classCount = K;
  const uint32_t m = static_cast<uint32_t>(repOf.size());
  out.next.resize(static_cast<size_t>(m) * K);
  out.perms.resize(m);
  out.acceptFlags.resize(m);
  for (uint32_t i = 0; i < m; ++i) {
    uint32_t rep = repOf[i];
    out.perms[i] = in.perms[rep];
    for (uint32_t c = 0; c < K; ++c)
      out.next[static_cast<size_t>(i) * K + c] = newId[block[in.next[static_cast<size_t>(rep) * K + c]]];
  }
  // Rule attribution: the union over the merged states.
  for (uint32_t s = 0; s < n; ++s) {
    uint32_t id = newId[block[s]];
    if (id == UINT32_MAX)
      continue;  // unreachable
    auto &dst = out.acceptFlags[id];
    dst.insert(dst.end(), in.acceptFlags[s].begin(), in.acceptFlags[s].end());
  }
  for (auto &f : out.acceptFlags) {
    std::sort(f.begin(), f.end());
    f.erase(std::unique(f.begin(), f.end()), f.end());
  }
  if (stats)
    *stats = {n, m, rounds};
  return out;
}

} // namespace aasim::dfa

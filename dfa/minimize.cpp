#include "minimize.h"

#include "equivalence.h"
#include "refine.h"

#include <llvm/ADT/DenseMap.h>

#include <algorithm>
#include <deque>
#include <map>
#include <tuple>
#include <unordered_map>

namespace aasim::dfa {

namespace {

// The states that step into each state (once each).
Adjacency predecessors(const Dfa &in) {
  const uint32_t n = in.stateCount(), K = in.classCount;
  Adjacency pred;
  pred.offsets.assign(n + 1, 0);
  std::vector<uint32_t> last(n, UINT32_MAX);
  auto each = [&](auto &&visit) {
    std::fill(last.begin(), last.end(), UINT32_MAX);
    for (uint32_t s = 0; s < n; ++s)
      for (uint32_t c = 0; c < K; ++c) {
        uint32_t t = in.next[static_cast<size_t>(s) * K + c];
        if (last[t] != s) {
          last[t] = s;
          visit(s, t);
        }
      }
  };
  each([&](uint32_t, uint32_t t) { ++pred.offsets[t + 1]; });
  for (size_t i = 1; i < pred.offsets.size(); ++i)
    pred.offsets[i] += pred.offsets[i - 1];
  pred.items.resize(pred.offsets.back());
  std::vector<uint32_t> fill(pred.offsets.begin(), pred.offsets.end() - 1);
  each([&](uint32_t s, uint32_t t) { pred.items[fill[t]++] = s; });
  return pred;
}

} // namespace

Dfa minimize(const Dfa &in, MinimizeStats *stats) {
  const uint32_t n = in.stateCount(), K = in.classCount;
  // Initial blocks: what the kernel can tell apart (allow, the packed
  // audit/quiet word, prompt); deny bits are already folded into allow.
  // The start state stays alone.
  std::vector<uint32_t> block(n);
  uint32_t blockCount = 0;
  {
    std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>, uint32_t> initial;
    for (uint32_t s = 0; s < n; ++s) {
      const StatePerms &p = in.perms[s];
      uint32_t special = s == Dfa::kStart ? 1 : 0;
      AcceptWords w = acceptWords(p);
      auto key = std::make_tuple(special, w.accept, w.accept2, p.prompt);
      block[s] = initial.emplace(key, static_cast<uint32_t>(initial.size())).first->second;
    }
    blockCount = static_cast<uint32_t>(initial.size());
  }
  // Split blocks by the blocks of their successors, class by class.
  uint32_t rounds = 0;
  refinePartition(block, blockCount, predecessors(in),
                  [&](uint32_t s, const std::vector<uint32_t> &of, std::vector<uint32_t> &out) {
                    for (uint32_t c = 0; c < K; ++c)
                      out.push_back(of[in.next[static_cast<size_t>(s) * K + c]]);
                  },
                  &rounds);
  const uint32_t blocks = numberByFirstMember(block);

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
  out.hasOutOfBand = in.hasOutOfBand;
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
  mergeByteClasses(out);
  if (stats)
    *stats = {n, m, rounds};
  return out;
}

// Bytes the construction told apart can lead to the same states once
// states are merged (`dbus bus=session, dbus,` splits bytes of "session"
// that `dbus,` alone never does). The coarsest classes are those with
// identical columns; numbered by their first byte they, like the states,
// depend only on the language, so equal policies get equal tables.
void mergeByteClasses(Dfa &dfa) {
  const uint32_t n = dfa.stateCount(), K = dfa.classCount;
  std::map<std::vector<uint32_t>, uint32_t> columns;
  std::vector<uint32_t> newClass(K, UINT32_MAX);
  std::vector<uint32_t> keep;  // new class -> an old class with its column
  std::vector<uint32_t> column(n);
  for (unsigned b = 0; b < 256; ++b) {
    uint32_t c = dfa.byteClass[b];
    if (newClass[c] != UINT32_MAX)
      continue;
    for (uint32_t s = 0; s < n; ++s)
      column[s] = dfa.next[static_cast<size_t>(s) * K + c];
    auto [it, inserted] = columns.emplace(column, static_cast<uint32_t>(keep.size()));
    if (inserted)
      keep.push_back(c);
    newClass[c] = it->second;
  }
  // The out-of-band column stays last and apart: no byte steps on it.
  if (dfa.hasOutOfBand) {
    newClass[K - 1] = static_cast<uint32_t>(keep.size());
    keep.push_back(K - 1);
  }
  const uint32_t k = static_cast<uint32_t>(keep.size());
  if (k == K && std::is_sorted(newClass.begin(), newClass.end()))
    return;
  std::vector<uint32_t> next(static_cast<size_t>(n) * k);
  for (uint32_t s = 0; s < n; ++s)
    for (uint32_t c = 0; c < k; ++c)
      next[static_cast<size_t>(s) * k + c] = dfa.next[static_cast<size_t>(s) * K + keep[c]];
  for (auto &cls : dfa.byteClass)
    cls = static_cast<uint16_t>(newClass[cls]);
  dfa.next = std::move(next);
  dfa.classCount = k;
}

} // namespace aasim::dfa

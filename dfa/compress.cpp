#include "compress.h"

#include "equivalence.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/SmallVector.h>

#include <algorithm>

namespace aasim::dfa {

KernelDfa compressDfa(const Dfa &dfa) {
  const uint32_t n = dfa.stateCount(), K = dfa.classCount;
  KernelDfa out;
  out.accept.assign(n, 0);
  out.accept2.assign(n, 0);
  out.base.assign(n, 0);
  out.def.assign(n, 0);
  std::array<uint8_t, 256> ec;
  for (unsigned b = 0; b < 256; ++b)
    ec[b] = static_cast<uint8_t>(dfa.byteClass[b]);
  out.equivClass = ec;

  // Slot 0 stays a dummy entry; every base leaves room for 256 classes,
  // which the kernel's verifier demands.
  std::vector<bool> used(1, true);
  size_t firstFree = 1;
  auto fits = [&](size_t base, const llvm::SmallVectorImpl<uint32_t> &classes) {
    for (uint32_t c : classes)
      if (base + c < used.size() && used[base + c])
        return false;
    return true;
  };
  for (uint32_t s = 0; s < n; ++s) {
    if (s > Dfa::kStart) {
      AcceptWords w = acceptWords(dfa.perms[s]);
      out.accept[s] = w.accept;
      out.accept2[s] = w.accept2;
    }
    // The default is the most common target; the rest are explicit.
    llvm::DenseMap<uint32_t, uint32_t> count;
    uint32_t best = 0, bestCount = 0;
    for (uint32_t c = 0; c < K; ++c) {
      uint32_t t = dfa.next[static_cast<size_t>(s) * K + c];
      uint32_t k = ++count[t];
      if (k > bestCount || (k == bestCount && t < best)) {
        best = t;
        bestCount = k;
      }
    }
    out.def[s] = best;
    llvm::SmallVector<uint32_t, 16> explicitClasses;
    for (uint32_t c = 0; c < K; ++c)
      if (dfa.next[static_cast<size_t>(s) * K + c] != best)
        explicitClasses.push_back(c);
    if (explicitClasses.empty())
      continue;
    while (firstFree < used.size() && used[firstFree])
      ++firstFree;
    size_t base = firstFree - std::min<size_t>(firstFree, explicitClasses.front());
    if (base == 0)
      base = 1;
    while (!fits(base, explicitClasses))
      ++base;
    for (uint32_t c : explicitClasses) {
      size_t slot = base + c;
      if (slot >= used.size())
        used.resize(slot + 1, false);
      used[slot] = true;
      out.next.resize(std::max(out.next.size(), slot + 1), 0);
      out.check.resize(std::max(out.check.size(), slot + 1), 0);
      out.next[slot] = dfa.next[static_cast<size_t>(s) * K + c];
      out.check[slot] = s;
    }
    out.base[s] = static_cast<uint32_t>(base);
  }
  size_t maxBase = *std::max_element(out.base.begin(), out.base.end());
  out.next.resize(std::max(out.next.size(), maxBase + 256), 0);
  out.check.resize(out.next.size(), 0);
  return out;
}

size_t tableBytes(const KernelDfa &t) {
  return t.accept.size() * 4 + t.accept2.size() * 4 + t.base.size() * 4 + t.def.size() * 2 + t.next.size() * 2 +
         t.check.size() * 2 + (t.equivClass ? 256 : 0);
}

} // namespace aasim::dfa

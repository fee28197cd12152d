#include "compress.h"

#include "equivalence.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/SmallVector.h>

#include <algorithm>

namespace aasim::dfa {

KernelDfa compressDfa(const Dfa &dfa) {
  const uint32_t n = dfa.stateCount(), K = dfa.classCount;
  const uint32_t byteClasses = dfa.hasOutOfBand ? K - 1 : K;
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
  // which the kernel's verifier demands. A state with an out-of-band
  // transition keeps it at base - 1 (the kernel steps there with c = -1,
  // without the class map) and is flagged; its base is at least 2, so the
  // slot is never the dummy.
  std::vector<bool> used(1, true);
  size_t firstFree = 1;
  auto isUsed = [&](size_t slot) { return slot < used.size() && used[slot]; };
  auto fits = [&](size_t base, const llvm::SmallVectorImpl<uint32_t> &classes, bool outOfBand) {
    if (outOfBand && (base < 2 || isUsed(base - 1)))
      return false;
    for (uint32_t c : classes)
      if (isUsed(base + c))
        return false;
    return true;
  };
  auto place = [&](size_t slot, uint32_t state, uint32_t target) {
    if (slot >= used.size())
      used.resize(slot + 1, false);
    used[slot] = true;
    out.next.resize(std::max(out.next.size(), slot + 1), 0);
    out.check.resize(std::max(out.check.size(), slot + 1), 0);
    out.next[slot] = target;
    out.check[slot] = state;
  };
  for (uint32_t s = 0; s < n; ++s) {
    if (s > Dfa::kStart) {
      AcceptWords w = acceptWords(dfa.perms[s]);
      out.accept[s] = w.accept;
      out.accept2[s] = w.accept2;
    }
    const uint32_t *row = &dfa.next[static_cast<size_t>(s) * K];
    // The default is the most common target; the rest are explicit.
    llvm::DenseMap<uint32_t, uint32_t> count;
    uint32_t best = 0, bestCount = 0;
    for (uint32_t c = 0; c < byteClasses; ++c) {
      uint32_t t = row[c];
      uint32_t k = ++count[t];
      if (k > bestCount || (k == bestCount && t < best)) {
        best = t;
        bestCount = k;
      }
    }
    out.def[s] = best;
    llvm::SmallVector<uint32_t, 16> explicitClasses;
    for (uint32_t c = 0; c < byteClasses; ++c)
      if (row[c] != best)
        explicitClasses.push_back(c);
    // Without the flag the kernel's out-of-band step ends in state 0.
    const bool outOfBand = dfa.hasOutOfBand && row[K - 1] != Dfa::kDead;
    if (explicitClasses.empty() && !outOfBand)
      continue;
    while (firstFree < used.size() && used[firstFree])
      ++firstFree;
    size_t lowest = explicitClasses.empty() ? 0 : explicitClasses.front();
    size_t base = firstFree - std::min<size_t>(firstFree, lowest);
    base = std::max<size_t>(base, outOfBand ? 2 : 1);
    while (!fits(base, explicitClasses, outOfBand))
      ++base;
    for (uint32_t c : explicitClasses)
      place(base + c, s, row[c]);
    if (outOfBand)
      place(base - 1, s, row[K - 1]);
    out.base[s] = static_cast<uint32_t>(base) | (outOfBand ? KernelDfa::kOutOfBand : 0);
    if (outOfBand)
      out.headerFlags |= KernelDfa::kHeaderOutOfBand;
  }
  size_t maxBase = 0;
  for (uint32_t b : out.base)
    maxBase = std::max<size_t>(maxBase, KernelDfa::baseIndex(b));
  out.next.resize(std::max(out.next.size(), maxBase + 256), 0);
  out.check.resize(out.next.size(), 0);
  return out;
}

size_t tableBytes(const KernelDfa &t) {
  return t.accept.size() * 4 + t.accept2.size() * 4 + t.base.size() * 4 + t.def.size() * 2 + t.next.size() * 2 +
         t.check.size() * 2 + (t.equivClass ? 256 : 0);
}

} // namespace aasim::dfa

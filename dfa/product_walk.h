// A breadth-first walk of the product of two automata, the engine behind
// every exact comparison of policy (`aasim diff`, `aasim test`'s
// invariants, `aasim lint`): each reachable pair of states is visited
// once, in order of the shortest input that reaches it, so the first pair
// with a property gives a shortest witness and a finished walk is a proof
// that no pair has it.
//
// Bytes are grouped by the classes of both automata: one representative
// per pair of classes is stepped, the most readable byte of its group
// (a letter before a digit before punctuation before a control byte), so
// that witnesses read like paths.
#pragma once

#include "dfa.h"
#include "kernel_dfa.h"

#include <llvm/ADT/DenseMap.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace aasim::dfa {

/// How the walk sees an automaton: a byte's class and one step.
struct KernelDfaView {
  const KernelDfa &dfa;
  uint32_t classOf(uint8_t b) const { return dfa.equivClass ? (*dfa.equivClass)[b] : b; }
  uint32_t step(uint32_t s, uint8_t b) const { return dfa.step(s, b); }
  uint32_t stepOutOfBand(uint32_t s) const { return dfa.stepOutOfBand(s); }
};

struct DfaView {
  const Dfa &dfa;
  uint32_t classOf(uint8_t b) const { return dfa.byteClass[b]; }
  uint32_t step(uint32_t s, uint8_t b) const { return dfa.step(s, b); }
  uint32_t stepOutOfBand(uint32_t s) const { return dfa.stepOutOfBand(s); }
};

/// Readability rank of a byte for witnesses (lower reads better).
inline int witnessByteRank(uint8_t b) {
  if (b >= 'a' && b <= 'z')
    return 0;
  if (b >= '0' && b <= '9')
    return 1;
  if (b >= 'A' && b <= 'Z')
    return 2;
  if (b == '.' || b == '-' || b == '_')
    return 3;
  if (b > 0x20 && b < 0x7f)
    return 4;
  if (b == 0)  // the separator of multi-part strings
    return 5;
  return 6;
}

/// One representative byte for each pair of classes of `left` and `right`,
/// in byte order of the representatives.
template <class L, class R> std::vector<uint8_t> jointRepresentatives(const L &left, const R &right) {
  llvm::DenseMap<uint64_t, uint8_t> best;
  for (unsigned b = 0; b < 256; ++b) {
    uint64_t key = (uint64_t{left.classOf(static_cast<uint8_t>(b))} << 32) | right.classOf(static_cast<uint8_t>(b));
    auto [it, inserted] = best.try_emplace(key, static_cast<uint8_t>(b));
    if (!inserted && witnessByteRank(static_cast<uint8_t>(b)) < witnessByteRank(it->second))
      it->second = static_cast<uint8_t>(b);
  }
  std::vector<uint8_t> out;
  for (auto &[key, b] : best)
    out.push_back(b);
  // Readable bytes first: among inputs of equal length the walk finds the
  // one made of the best-ranked bytes first.
  std::sort(out.begin(), out.end(), [](uint8_t a, uint8_t b) {
    int ra = witnessByteRank(a), rb = witnessByteRank(b);
    return ra != rb ? ra < rb : a < b;
  });
  return out;
}

/// The product walk. `visit(left, right)` is called for each reachable pair
/// in breadth-first order and returns false to stop; `expand(left, right)`
/// says whether to go on from a pair (e.g. not from a pair of dead states).
template <class L, class R> class ProductWalk {
public:
  static constexpr uint16_t kOutOfBandSymbol = 256;

  ProductWalk(L left, R right, bool outOfBand = false)
      : left_(left), right_(right), bytes_(jointRepresentatives(left, right)), outOfBand_(outOfBand) {}

  template <class Visit, class Expand> void run(uint32_t leftStart, uint32_t rightStart, Visit visit, Expand expand) {
    nodes_.clear();
    seen_.clear();
    add(leftStart, rightStart, UINT32_MAX, 0);
    for (uint32_t i = 0; i < nodes_.size(); ++i) {
      current_ = i;
      Node n = nodes_[i];
      if (!visit(n.left, n.right))
        return;
      if (!expand(n.left, n.right))
        continue;
      for (uint8_t b : bytes_)
        add(left_.step(n.left, b), right_.step(n.right, b), i, b);
      if (outOfBand_)
        add(left_.stepOutOfBand(n.left), right_.stepOutOfBand(n.right), i, kOutOfBandSymbol);
    }
  }

  /// The input that reaches the pair being visited (bytes), and where it
  /// takes out-of-band steps (before input[i] for each i listed).
  std::string input(std::vector<size_t> *outOfBandAt = nullptr) const {
    std::vector<uint16_t> symbols;
    for (uint32_t j = current_; nodes_[j].parent != UINT32_MAX; j = nodes_[j].parent)
      symbols.push_back(nodes_[j].symbol);
    std::string out;
    for (auto it = symbols.rbegin(); it != symbols.rend(); ++it) {
      if (*it == kOutOfBandSymbol) {
        if (outOfBandAt)
          outOfBandAt->push_back(out.size());
      } else {
        out += static_cast<char>(*it);
      }
    }
    return out;
  }

  size_t pairsVisited() const { return nodes_.size(); }

private:
  struct Node {
    uint32_t left, right, parent;
    uint16_t symbol;
  };
  void add(uint32_t l, uint32_t r, uint32_t parent, uint16_t symbol) {
    uint64_t key = (uint64_t{l} << 32) | r;
    if (seen_.try_emplace(key, static_cast<uint32_t>(nodes_.size())).second)
      nodes_.push_back({l, r, parent, symbol});
  }

  L left_;
  R right_;
  std::vector<uint8_t> bytes_;
  bool outOfBand_;
  std::vector<Node> nodes_;
  llvm::DenseMap<uint64_t, uint32_t> seen_;
  uint32_t current_ = 0;
};

} // namespace aasim::dfa

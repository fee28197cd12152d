#include "equivalence.h"

#include <llvm/ADT/DenseMap.h>

#include <fmt/format.h>

#include <deque>
#include <vector>

namespace aasim::dfa {

AcceptWords acceptWords(const StatePerms &p) {
  constexpr uint32_t kPackable = 0x1fc07f;  // 7 low bits of each half
  return {p.allow, (p.audit & kPackable) | ((p.quiet & kPackable) << 7)};
}

namespace {

struct AasimView {
  const Dfa &d;
  uint32_t step(uint32_t s, uint8_t b) const { return d.step(s, b); }
  uint32_t stepOutOfBand(uint32_t s) const { return d.stepOutOfBand(s); }
  // apparmor_parser writes all-zero words for the dead and start states.
  AcceptWords words(uint32_t s) const { return s <= Dfa::kStart ? AcceptWords{} : acceptWords(d.perms[s]); }
};

struct KernelView {
  const KernelDfa &d;
  uint32_t step(uint32_t s, uint8_t b) const { return d.step(s, b); }
  uint32_t stepOutOfBand(uint32_t s) const { return d.stepOutOfBand(s); }
  AcceptWords words(uint32_t s) const {
    return {d.accept[s], d.accept2.empty() ? 0u : d.accept2[s]};
  }
};

// Symbols 0..255 are bytes, kOutOfBandSymbol the out-of-band step.
constexpr uint16_t kOutOfBandSymbol = 256;

template <class L, class R> std::optional<Difference> walkProduct(const L &left, const R &right) {
  struct Visit {
    uint32_t l, r;
    uint32_t parent;
    uint16_t symbol;
  };
  std::vector<Visit> visits{{1, 1, UINT32_MAX, 0}};
  llvm::DenseMap<uint64_t, uint32_t> seen;
  seen[(uint64_t{1} << 32) | 1] = 0;
  auto visit = [&](uint32_t from, uint32_t l, uint32_t r, uint16_t symbol) {
    uint64_t key = (uint64_t{l} << 32) | r;
    if (seen.try_emplace(key, static_cast<uint32_t>(visits.size())).second)
      visits.push_back({l, r, from, symbol});
  };
  for (uint32_t i = 0; i < visits.size(); ++i) {
    Visit v = visits[i];
    AcceptWords lw = left.words(v.l), rw = right.words(v.r);
    if (lw != rw) {
      std::vector<uint16_t> path;
      for (uint32_t j = i; visits[j].parent != UINT32_MAX; j = visits[j].parent)
        path.push_back(visits[j].symbol);
      Difference d{{}, {}, lw, rw};
      for (auto it = path.rbegin(); it != path.rend(); ++it) {
        if (*it == kOutOfBandSymbol)
          d.outOfBandAt.push_back(d.witness.size());
        else
          d.witness += static_cast<char>(*it);
      }
      return d;
    }
    for (unsigned b = 0; b < 256; ++b)
      visit(i, left.step(v.l, static_cast<uint8_t>(b)), right.step(v.r, static_cast<uint8_t>(b)),
            static_cast<uint16_t>(b));
    visit(i, left.stepOutOfBand(v.l), right.stepOutOfBand(v.r), kOutOfBandSymbol);
  }
  return std::nullopt;
}

} // namespace

std::optional<Difference> firstDifference(const Dfa &left, const KernelDfa &right) {
  return walkProduct(AasimView{left}, KernelView{right});
}

std::optional<Difference> firstDifference(const Dfa &left, const Dfa &right) {
  return walkProduct(AasimView{left}, AasimView{right});
}

std::optional<Difference> firstDifference(const KernelDfa &left, const KernelDfa &right) {
  return walkProduct(KernelView{left}, KernelView{right});
}

std::string showWitness(const Difference &d) {
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i <= d.witness.size(); ++i) {
    for (; next < d.outOfBandAt.size() && d.outOfBandAt[next] == i; ++next)
      out += "\\-1";
    if (i < d.witness.size())
      out += showBytes(d.witness.substr(i, 1));
  }
  return out;
}

std::string showBytes(const std::string &s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == 0)
      out += "\\0";
    else if (c < 0x20 || c >= 0x7f || c == '\\')
      out += fmt::format("\\x{:02x}", c);
    else
      out += static_cast<char>(c);
  }
  return out;
}

} // namespace aasim::dfa

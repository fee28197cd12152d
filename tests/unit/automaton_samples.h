// Strings an automaton accepts, drawn at random: the corpus differentials
// and the kernel cases ask about what a profile's own rules grant.
#pragma once

#include "dfa/kernel_dfa.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace aasim::test {

/// Strings the automaton accepts from `start`, by random walks (the
/// profile's own rules), and near misses of them: one byte changed, one
/// component more, the last byte dropped. With `printable`, a walk takes
/// a visible ASCII byte nine times in ten where it may: names (labels,
/// dbus strings) that traces can carry.
inline std::vector<std::string> sampleAccepted(const dfa::KernelDfa &t, uint32_t start, std::mt19937 &rng, size_t n,
                                               bool printable = false) {
  std::vector<std::string> out;
  for (size_t k = 0; k < n * 20 && out.size() < n; ++k) {
    std::string s;
    uint32_t state = start;
    for (int len = 0; len < 80; ++len) {
      if (t.accept[state] && std::uniform_int_distribution<int>(0, 3)(rng) == 0)
        break;
      std::vector<uint8_t> live;
      for (unsigned b = 1; b < 256; ++b)
        if (t.step(state, static_cast<uint8_t>(b)) != dfa::KernelDfa::kNoMatch)
          live.push_back(static_cast<uint8_t>(b));
      if (t.step(state, 0) != dfa::KernelDfa::kNoMatch && start != dfa::KernelDfa::kStart)
        live.push_back(0);  // past the class byte, NUL separates a string's parts
      if (live.empty())
        break;
      if (printable && std::uniform_int_distribution<int>(0, 9)(rng) != 0) {
        std::vector<uint8_t> visible;
        for (uint8_t b : live)
          if (b > ' ' && b < 127)
            visible.push_back(b);
        if (!visible.empty())
          live.swap(visible);
      }
      uint8_t b = live[std::uniform_int_distribution<size_t>(0, live.size() - 1)(rng)];
      s += static_cast<char>(b);
      state = t.step(state, b);
    }
    if (!t.accept[state])
      continue;
    out.push_back(s);
    if (!s.empty()) {
      std::string miss = s;
      miss[std::uniform_int_distribution<size_t>(0, s.size() - 1)(rng)] = 'Q';
      out.push_back(miss);
      out.push_back(s + "/x");
      out.push_back(s.substr(0, s.size() - 1));
    }
  }
  return out;
}

} // namespace aasim::test

// Strings an automaton accepts, drawn at random: the corpus differentials
// and the kernel cases ask about what a profile's own rules grant.
#pragma once

#include "dfa/kernel_dfa.h"

#include <cstdint>
#include <deque>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace aasim::test {

/// For each state reachable from `start`: how many bytes it is from an
/// accepting state (other than `start` itself, whose accept word in a
/// policy automaton is the class's "mediates" marker); max when none.
inline std::vector<uint32_t> distanceToAccept(const dfa::KernelDfa &t, uint32_t start) {
  const uint32_t kFar = std::numeric_limits<uint32_t>::max();
  std::vector<std::vector<uint32_t>> preds(t.stateCount());
  std::vector<bool> seen(t.stateCount());
  std::deque<uint32_t> queue{start};
  seen[start] = true;
  while (!queue.empty()) {
    uint32_t s = queue.front();
    queue.pop_front();
    for (unsigned b = 0; b < 256; ++b) {
      uint32_t next = t.step(s, static_cast<uint8_t>(b));
      if (next == dfa::KernelDfa::kNoMatch)
        continue;
      preds[next].push_back(s);
      if (!seen[next]) {
        seen[next] = true;
        queue.push_back(next);
      }
    }
  }
  std::vector<uint32_t> dist(t.stateCount(), kFar);
  for (uint32_t s = 0; s < t.stateCount(); ++s)
    if (seen[s] && s != start && t.accept[s]) {
      dist[s] = 0;
      queue.push_back(s);
    }
  while (!queue.empty()) {
    uint32_t s = queue.front();
    queue.pop_front();
    for (uint32_t p : preds[s])
      if (dist[p] == kFar) {
        dist[p] = dist[s] + 1;
        queue.push_back(p);
      }
  }
  return dist;
}

/// Strings the automaton accepts from `start`, by random walks (the
/// profile's own rules), and near misses of them: one byte changed, one
/// component more, the last byte dropped. With `printable`, a walk takes
/// a visible ASCII byte nine times in ten where it may (names, labels,
/// dbus strings that traces can carry), and a part's closing NUL one time
/// in four; and one step in three goes towards an accepting state (rules
/// of several parts, `**` beside literal names, are found at all).
inline std::vector<std::string> sampleAccepted(const dfa::KernelDfa &t, uint32_t start, std::mt19937 &rng, size_t n,
                                               bool printable = false) {
  std::vector<std::string> out;
  const std::vector<uint32_t> dist = printable ? distanceToAccept(t, start) : std::vector<uint32_t>();
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
      // A string of parts (mount, dbus) ends each part with a NUL: taken
      // one time in four where it may, so that walks reach the last part.
      std::vector<uint8_t> closer;
      if (printable && std::uniform_int_distribution<int>(0, 2)(rng) == 0)
        for (uint8_t b : live)
          if (dist[t.step(state, b)] < dist[state])
            closer.push_back(b);
      if (!closer.empty()) {
        live.swap(closer);
      } else if (printable && live.back() == 0 && std::uniform_int_distribution<int>(0, 3)(rng) == 0) {
        live.assign(1, 0);
      } else if (printable && std::uniform_int_distribution<int>(0, 9)(rng) != 0) {
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
    if (!t.accept[state] || s.empty())  // empty: a class's own "mediates" marker, no rule
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

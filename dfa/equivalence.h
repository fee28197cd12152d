// Exact comparison of two automata with permissions: a breadth-first walk
// of their product from the start states. Every reachable pair is visited
// once, so the answer is a proof, not a sample; the first pair whose
// permission words differ yields a shortest string that tells them apart.
#pragma once

#include "dfa.h"
#include "kernel_dfa.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aasim::dfa {

/// The two words the kernel stores per file-DFA state (§5.3): ACCEPT and
/// ACCEPT2 (audit and quiet packed).
struct AcceptWords {
  uint32_t accept = 0, accept2 = 0;
  bool operator==(const AcceptWords &o) const { return accept == o.accept && accept2 == o.accept2; }
  bool operator!=(const AcceptWords &o) const { return !(*this == o); }
};

/// What apparmor_parser writes for a state's permissions.
AcceptWords acceptWords(const StatePerms &p);

struct Difference {
  std::string witness;  // shortest input on which the two disagree (its bytes)
  /// Where the input takes an out-of-band step: before witness[i] for each
  /// i listed (i == witness.size(): at the end), in order.
  std::vector<size_t> outOfBandAt;
  AcceptWords left, right;
};

/// nullopt when every string reaches states with equal words.
std::optional<Difference> firstDifference(const Dfa &left, const KernelDfa &right);
std::optional<Difference> firstDifference(const KernelDfa &left, const KernelDfa &right);
std::optional<Difference> firstDifference(const Dfa &left, const Dfa &right);

/// A NUL-free, readable rendering of a witness (`\0`, `\xNN`).
std::string showBytes(const std::string &s);
/// The same for a difference's input, out-of-band steps shown as `\-1`
/// (apparmor_parser's notation for the symbol).
std::string showWitness(const Difference &d);

} // namespace aasim::dfa

// Minimization: states that decide every continuation alike (the same
// kernel-visible permissions now and, byte class by byte class, equivalent
// successors)
// are merged, and the result is numbered canonically: 0 dead, 1 start,
// then breadth-first from the start by byte class, with the coarsest byte
// classes. Two automata that decide
// every string alike therefore minimize to identical tables, which is what
// canonical output needs. The start state is never merged with another
// state: the kernel's tables give it no permissions of its own.
#pragma once

#include "dfa.h"

namespace aasim::dfa {

struct MinimizeStats {
  uint32_t statesBefore = 0, statesAfter = 0, rounds = 0;
};

Dfa minimize(const Dfa &in, MinimizeStats *stats = nullptr);

/// Merges byte classes whose transitions agree in every state and numbers
/// them by their first byte (minimize() ends with it): the coarsest
/// classes, which depend on the language alone.
void mergeByteClasses(Dfa &dfa);

} // namespace aasim::dfa

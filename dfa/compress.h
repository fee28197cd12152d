// The kernel's table form of an automaton (kernel-semantics.md §5.3): per
// state a default target and a base into shared next/check arrays holding
// only the transitions that differ from the default, placed first-fit like
// apparmor_parser's comb compression; bytes are mapped through the
// equivalence-class table, and accept/accept2 hold the kernel's words.
#pragma once

#include "dfa.h"
#include "kernel_dfa.h"

namespace aasim::dfa {

/// The tables for `dfa` (minimize first for apparmor_parser's sizes).
/// States 0 and 1 get no permissions, as the kernel expects.
KernelDfa compressDfa(const Dfa &dfa);

/// Bytes of the tables as apparmor_parser 3.0.8 writes them (u32 accept,
/// accept2, base; u16 default, next, check; 256-byte class map; headers
/// and padding left out).
size_t tableBytes(const KernelDfa &tables);

} // namespace aasim::dfa

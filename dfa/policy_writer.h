// The binary policy as apparmor_parser 3.0.8 writes it with -S
// (kernel-semantics.md §6): the inverse of readKernelDfa and
// readPolicyBlob. What the parser wrote, read and written again, gives
// back the same bytes (tests/unit/policy_writer_test.cpp). Facts observed
// from 3.0.8 that this relies on: each DFA's table set starts 8-byte
// aligned from the start of its record, the zero padding counted in the
// BLOB length; the last table is padded too; the header is always 24
// bytes ("notflex", an empty name); an EC table only with -O equiv; u16
// DEF/NEXT/CHECK always (3.0.8 refuses automata whose state numbers do not
// fit: "Too many states (N) for type state_t").
#pragma once

#include "kernel_dfa.h"
#include "policy_blob.h"

#include <string>
#include <vector>

namespace aasim::dfa {

/// One "aadfa" table set, without leading alignment padding: the 24-byte
/// "notflex" header, then ACCEPT, ACCEPT2 (when present), EC (when
/// present), BASE, DEF, NEXT, CHECK, each padded to 8 bytes. ACCEPT and
/// BASE are u32; DEF/NEXT/CHECK are u16 while every state number fits
/// (3.0.8 refuses bigger automata), u32 beyond. `dfa` must satisfy
/// verifyKernelDfa.
std::string writeKernelDfa(const KernelDfa &dfa);

/// One record per profile, in order, laid out as 3.0.8 lays it out.
std::string writePolicyBlob(const std::vector<BlobProfile> &profiles);

} // namespace aasim::dfa

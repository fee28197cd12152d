// The binary policy as apparmor_parser 3.0.8 writes it with -S
// (kernel-semantics.md §6): the inverse of readKernelDfa and
// readPolicyBlob. What the parser wrote, read and written again, gives
// back the same bytes; see docs/dfa.md for the format facts this relies on.
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

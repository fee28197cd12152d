// Compiled profiles as the records apparmor_parser 3.0.8 writes with -S
// (kernel-semantics.md §6.2), in its order: top-level profiles sorted by
// namespace (none first) and name, each followed depth first by its hats
// and children sorted by name. The bytes come from writePolicyBlob.
#pragma once

#include "policy_blob.h"
#include "policy_compiler.h"

#include <optional>
#include <string>
#include <vector>

namespace aasim::dfa {

/// One profile's record: the header fields, the attachment automaton, the
/// policy automaton when the target has one, the file automaton when the
/// profile has file rules (3.0.8 writes none otherwise) and its xtable.
BlobProfile profileRecord(const CompiledProfile &profile);

/// Every profile's record, in the order the parser writes them.
/// `profiles` must come from compilePolicy with CompileOptions::records.
std::vector<BlobProfile> policyRecords(const std::vector<CompiledProfile> &profiles);

/// The order 3.0.8 writes records in, as indices into `profiles`.
std::vector<size_t> recordOrder(const std::vector<CompiledProfile> &profiles);

} // namespace aasim::dfa

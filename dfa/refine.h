// Partition refinement by successor signatures, the step shared by the
// position merge (builder.cpp) and DFA minimization (minimize.cpp): split
// blocks until all members of a block have the same signature (what their
// successors' blocks are), giving the coarsest such partition.
//
// Both used Moore's round-robin form, which recomputes every node's
// signature each round; on long rule paths that is a round per path byte
// over the whole graph, and it dominated compile time. Here a round only
// recomputes the nodes whose successors changed block (predecessors of
// moved nodes), and a split keeps the block id for the part that did not
// change, so unchanged nodes never need looking at again.
#pragma once

#include <llvm/ADT/STLFunctionalExtras.h>

#include <cstdint>
#include <vector>

namespace aasim::dfa {

/// Compressed adjacency lists: the items of node v are
/// items[offsets[v] .. offsets[v + 1]).
struct Adjacency {
  std::vector<uint32_t> offsets;  // node count + 1 entries
  std::vector<uint32_t> items;
};

/// Appends the signature of `node` under `block` to `out`. Equal
/// signatures (as sequences) mean "same successors' blocks"; the signature
/// need not include the node's own block.
using SignatureFn = llvm::function_ref<void(uint32_t node, const std::vector<uint32_t> &block,
                                            std::vector<uint32_t> &out)>;

/// Refines `block` (node -> block id, ids below `blockCount`) in place;
/// `predecessors` lists the nodes whose signature reads each node's block.
/// Returns the block count; `rounds` receives the number of rounds.
uint32_t refinePartition(std::vector<uint32_t> &block, uint32_t blockCount, const Adjacency &predecessors,
                         SignatureFn signature, uint32_t *rounds = nullptr);

/// Renumbers blocks in the order of their first member, so the result does
/// not depend on how refinement named them; returns the block count.
uint32_t numberByFirstMember(std::vector<uint32_t> &block);

} // namespace aasim::dfa

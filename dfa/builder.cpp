#include "builder.h"

#include "position_sets.h"
#include "refine.h"

#include <llvm/ADT/BitVector.h>
#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/SmallVector.h>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>

namespace aasim::dfa {

namespace {

constexpr uint32_t kNoSet = UINT32_MAX;        // accept markers
constexpr uint32_t kOutOfBand = UINT32_MAX - 1;  // the out-of-band symbol

using PositionSet = std::vector<uint32_t>;

/// The followpos view of a regex tree: every Bytes or Accept leaf is a position.
struct PositionGraph {
  std::vector<uint32_t> setOf;   // position -> distinct byte-set index, kNoSet for accept markers,
                                 // kOutOfBand for the out-of-band symbol
  std::vector<uint32_t> flagOf;  // position -> flag (accept markers)
  std::vector<PositionSet> follow;
  PositionSet start;
};

NodeId balancedAlt(RegexArena &arena, const std::vector<NodeId> &items, size_t lo, size_t hi) {
  if (hi - lo == 1)
    return items[lo];
  size_t mid = lo + (hi - lo) / 2;
  return arena.alt(balancedAlt(arena, items, lo, mid), balancedAlt(arena, items, mid, hi));
}

struct NodeInfo {
  bool nullable = false;
  PositionSet first, last;
};

// Post-order walk without recursion: a path can make a very deep tree.
PositionGraph computePositions(const RegexArena &arena, NodeId root, std::vector<uint32_t> &distinctOfSet,
                               std::vector<ByteSet> &distinctSets) {
  PositionGraph g;
  std::vector<NodeInfo> info(arena.size());
  std::map<std::array<uint64_t, 4>, uint32_t> distinctIndex;
  distinctOfSet.assign(arena.setCount(), kNoSet);
  auto distinctFor = [&](uint32_t setIndex) {
    if (distinctOfSet[setIndex] != kNoSet)
      return distinctOfSet[setIndex];
    const ByteSet &s = arena.set(setIndex);
    std::array<uint64_t, 4> key{};
    for (unsigned b = 0; b < 256; ++b)
      if (s.test(b))
        key[b / 64] |= 1ull << (b % 64);
    auto [it, inserted] = distinctIndex.emplace(key, static_cast<uint32_t>(distinctSets.size()));
    if (inserted)
      distinctSets.push_back(s);
    return distinctOfSet[setIndex] = it->second;
  };
  auto newPosition = [&](uint32_t set, uint32_t flag) {
    g.setOf.push_back(set);
    g.flagOf.push_back(flag);
    g.follow.emplace_back();
    return static_cast<uint32_t>(g.setOf.size() - 1);
  };
  auto append = [](PositionSet &to, const PositionSet &from) { to.insert(to.end(), from.begin(), from.end()); };

  std::vector<std::pair<NodeId, bool>> stack{{root, false}};
  while (!stack.empty()) {
    auto [id, childrenDone] = stack.back();
    stack.pop_back();
    const Node &n = arena.node(id);
    if (!childrenDone && (n.kind == NodeKind::Cat || n.kind == NodeKind::Alt || n.kind == NodeKind::Star ||
                          n.kind == NodeKind::Plus)) {
      stack.push_back({id, true});
      stack.push_back({n.left, false});
      if (n.kind == NodeKind::Cat || n.kind == NodeKind::Alt)
        stack.push_back({n.right, false});
      continue;
    }
    NodeInfo &out = info[id];
    switch (n.kind) {
    case NodeKind::Epsilon: out.nullable = true; break;
    case NodeKind::Bytes: {
      uint32_t p = newPosition(distinctFor(n.byteSet), 0);
      out.first = out.last = {p};
      break;
    }
    case NodeKind::Accept: {
      uint32_t p = newPosition(kNoSet, n.accept);
      out.first = out.last = {p};
      break;
    }
    case NodeKind::OutOfBand: {
      uint32_t p = newPosition(kOutOfBand, 0);
      out.first = out.last = {p};
      break;
    }
    case NodeKind::Cat: {
      NodeInfo &a = info[n.left], &b = info[n.right];
      for (uint32_t p : a.last)
        append(g.follow[p], b.first);
      out.nullable = a.nullable && b.nullable;
      out.first = std::move(a.first);
      if (a.nullable)
        append(out.first, b.first);
      out.last = std::move(b.last);
      if (b.nullable)
        append(out.last, a.last);
      a = NodeInfo{};
      b = NodeInfo{};
      break;
    }
    case NodeKind::Alt: {
      NodeInfo &a = info[n.left], &b = info[n.right];
      out.nullable = a.nullable || b.nullable;
      out.first = std::move(a.first);
      append(out.first, b.first);
      out.last = std::move(a.last);
      append(out.last, b.last);
      a = NodeInfo{};
      b = NodeInfo{};
      break;
    }
    case NodeKind::Star: case NodeKind::Plus: {
      NodeInfo &a = info[n.left];
      for (uint32_t p : a.last)
        append(g.follow[p], a.first);
      out.nullable = n.kind == NodeKind::Star || a.nullable;
      out.first = std::move(a.first);
      out.last = std::move(a.last);
      a = NodeInfo{};
      break;
    }
    }
  }
  for (auto &f : g.follow) {
    std::sort(f.begin(), f.end());
    f.erase(std::unique(f.begin(), f.end()), f.end());
  }
  g.start = std::move(info[root].first);
  std::sort(g.start.begin(), g.start.end());
  g.start.erase(std::unique(g.start.begin(), g.start.end()), g.start.end());
  return g;
}

// Who follows into each position: the positions whose merge signature
// changes when that position changes class.
Adjacency predecessors(const std::vector<PositionSet> &follow) {
  Adjacency pred;
  pred.offsets.assign(follow.size() + 1, 0);
  for (const auto &f : follow)
    for (uint32_t q : f)
      ++pred.offsets[q + 1];
  for (size_t i = 1; i < pred.offsets.size(); ++i)
    pred.offsets[i] += pred.offsets[i - 1];
  pred.items.resize(pred.offsets.back());
  std::vector<uint32_t> fill(pred.offsets.begin(), pred.offsets.end() - 1);
  for (uint32_t p = 0; p < follow.size(); ++p)
    for (uint32_t q : follow[p])
      pred.items[fill[q]++] = p;
  return pred;
}

// Merges positions that accept the same continuations: same byte set (or
// the same accept flag) and followers in the same classes, refined until
// stable (a forward bisimulation). Many rules ending in `/**` with one flag
// then share a single `**` loop, where the subset construction would
// otherwise remember every combination of live loops as its own state;
// apparmor_parser gets the same effect by factoring its regex trees.
void mergeEquivalentPositions(PositionGraph &g) {
  const uint32_t n = static_cast<uint32_t>(g.setOf.size());
  if (n == 0)
    return;
  std::vector<uint32_t> cls(n);
  uint32_t classCount = 0;
  {
    std::unordered_map<uint64_t, uint32_t> initial;
    for (uint32_t p = 0; p < n; ++p) {
      uint64_t key = uint64_t{g.setOf[p]} << 32 | (g.setOf[p] == kNoSet ? g.flagOf[p] : 0);
      cls[p] = initial.emplace(key, static_cast<uint32_t>(initial.size())).first->second;
    }
    classCount = static_cast<uint32_t>(initial.size());
  }
  classCount = refinePartition(cls, classCount, predecessors(g.follow),
                               [&](uint32_t p, const std::vector<uint32_t> &of, std::vector<uint32_t> &out) {
                                 size_t mark = out.size();
                                 for (uint32_t q : g.follow[p])
                                   out.push_back(of[q]);
                                 std::sort(out.begin() + mark, out.end());
                                 out.erase(std::unique(out.begin() + mark, out.end()), out.end());
                               });
  // Numbered as the position order first meets them: the merged graph,
  // and so the automaton before minimization, is the same for any way the
  // refinement split its classes.
  classCount = numberByFirstMember(cls);
  if (classCount == n)
    return;
  // Rebuild the graph over one representative per class.
  PositionGraph merged;
  std::vector<uint32_t> rep(classCount, kNoSet);
  for (uint32_t p = 0; p < n; ++p)
    if (rep[cls[p]] == kNoSet) {
      rep[cls[p]] = p;
      merged.setOf.push_back(g.setOf[p]);
      merged.flagOf.push_back(g.flagOf[p]);
    }
  auto remap = [&](const PositionSet &s) {
    PositionSet out;
    out.reserve(s.size());
    for (uint32_t q : s)
      out.push_back(cls[q]);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  merged.follow.resize(classCount);
  for (uint32_t c = 0; c < classCount; ++c)
    merged.follow[c] = remap(g.follow[rep[c]]);
  merged.start = remap(g.start);
  g = std::move(merged);
}

// Bytes that every byte set treats alike share a class.
uint32_t computeByteClasses(const std::vector<ByteSet> &sets, std::array<uint16_t, 256> &classOf) {
  classOf.fill(0);
  uint32_t count = 1;
  for (const ByteSet &s : sets) {
    std::array<int32_t, 512> remap;
    remap.fill(-1);
    uint32_t next = 0;
    std::array<uint16_t, 256> refined;
    for (unsigned b = 0; b < 256; ++b) {
      unsigned key = classOf[b] * 2 + (s.test(b) ? 1 : 0);
      if (remap[key] < 0)
        remap[key] = static_cast<int32_t>(next++);
      refined[b] = static_cast<uint16_t>(remap[key]);
    }
    classOf = refined;
    count = next;
  }
  // Number classes by their lowest byte: the partition does not depend on
  // rule order, and now neither do the numbers (canonical tables).
  std::array<int32_t, 256> canonical;
  canonical.fill(-1);
  uint32_t assigned = 0;
  for (unsigned b = 0; b < 256; ++b) {
    if (canonical[classOf[b]] < 0)
      canonical[classOf[b]] = static_cast<int32_t>(assigned++);
    classOf[b] = static_cast<uint16_t>(canonical[classOf[b]]);
  }
  return count;
}

} // namespace

std::vector<uint8_t> Dfa::classRepresentatives() const {
  std::vector<uint8_t> rep(classCount, 0);
  std::vector<bool> seen(classCount, false);
  // Prefer printable bytes so witnesses read well.
  for (int pass = 0; pass < 2; ++pass)
    for (unsigned b = 0; b < 256; ++b) {
      bool printable = b >= 0x21 && b < 0x7f;
      if ((pass == 0) != printable)
        continue;
      uint16_t c = byteClass[b];
      if (!seen[c]) {
        seen[c] = true;
        rep[c] = static_cast<uint8_t>(b);
      }
    }
  return rep;
}

BuildResult buildDfa(RegexArena &arena, const std::vector<RuleExpr> &rules, const std::vector<RuleFlag> &flags,
                     const BuildOptions &options) {
  BuildResult result;
  Dfa dfa;
  // Rules with the same flag share one accept marker, as apparmor_parser
  // groups them: states then differ only where the permissions can.
  std::vector<std::vector<NodeId>> byFlag(flags.size());
  for (const auto &r : rules)
    byFlag[r.flag].push_back(r.regex);
  std::vector<NodeId> items;
  for (uint32_t f = 0; f < byFlag.size(); ++f)
    if (!byFlag[f].empty())
      items.push_back(arena.cat(balancedAlt(arena, byFlag[f], 0, byFlag[f].size()), arena.accept(f)));

  std::vector<uint32_t> distinctOfSet;
  std::vector<ByteSet> distinctSets;
  PositionGraph g;
  if (!items.empty()) {
    g = computePositions(arena, balancedAlt(arena, items, 0, items.size()), distinctOfSet, distinctSets);
    mergeEquivalentPositions(g);
  }
  const uint32_t byteClasses = computeByteClasses(distinctSets, dfa.byteClass);
  // The out-of-band symbol gets a class of its own after the byte classes,
  // one no byte maps to.
  dfa.hasOutOfBand = std::find(g.setOf.begin(), g.setOf.end(), kOutOfBand) != g.setOf.end();
  const uint32_t K = dfa.classCount = byteClasses + (dfa.hasOutOfBand ? 1 : 0);

  // Class membership of each distinct byte set (and of the out-of-band
  // symbol, as one more "set" holding only its class).
  std::vector<llvm::BitVector> classesOf;
  classesOf.reserve(distinctSets.size() + 1);
  for (const ByteSet &s : distinctSets) {
    llvm::BitVector bits(K);
    for (unsigned b = 0; b < 256; ++b)
      if (s.test(b))
        bits.set(dfa.byteClass[b]);
    classesOf.push_back(std::move(bits));
  }
  if (dfa.hasOutOfBand) {
    llvm::BitVector bits(K);
    bits.set(K - 1);
    const uint32_t oobSet = static_cast<uint32_t>(classesOf.size());
    classesOf.push_back(std::move(bits));
    std::replace(g.setOf.begin(), g.setOf.end(), kOutOfBand, oobSet);
  }

  // Candidate sets stay in the order they were built: sorting every
  // candidate dominated the construction. Sets are found by an
  // order-independent hash and compared by marking; only a new state's set
  // is sorted, to be stored compactly.
  std::unordered_multimap<uint64_t, uint32_t> index;
  std::vector<std::pair<uint32_t, uint32_t>> parent;  // (state, class) it was first reached from
  std::vector<uint32_t> eqStamp(g.setOf.size(), 0);
  uint32_t eqGeneration = 0;
  auto setHash = [](const PositionSet &s) {
    uint64_t h = s.size() * 0x9e3779b97f4a7c15ull;
    for (uint32_t p : s) {
      uint64_t z = p + 0x9e3779b97f4a7c15ull;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      h += z ^ (z >> 31);  // commutative: order does not matter
    }
    return h;
  };
  PositionSets sets(static_cast<uint32_t>(g.setOf.size()));  // per state
  auto sameSet = [&](uint32_t state, const PositionSet &b) {
    ++eqGeneration;
    for (uint32_t p : b)
      eqStamp[p] = eqGeneration;
    return sets.allStamped(state, static_cast<uint32_t>(b.size()), eqStamp, eqGeneration);
  };
  auto intern = [&](PositionSet &&s, uint32_t from, uint32_t cls) -> uint32_t {
    uint64_t h = setHash(s);
    auto range = index.equal_range(h);
    for (auto it = range.first; it != range.second; ++it)
      if (sameSet(it->second, s))
        return it->second;
    uint32_t id = sets.add(std::move(s));
    index.emplace(h, id);
    parent.emplace_back(from, cls);
    return id;
  };
  intern(PositionSet{}, 0, 0);  // dead
  // The start state is always state 1, even when no rule can match
  // anything (its set is then empty, like the dead state's).
  sets.add(g.start);
  index.emplace(setHash(g.start), 1);
  parent.emplace_back(0, 0);

  std::vector<uint32_t> stamp(g.setOf.size(), 0);
  uint32_t generation = 0;
  PositionSet current;
  for (uint32_t s = 0; s < sets.size(); ++s) {
    if (sets.size() > options.stateLimit) {
      result.error = BuildError{BuildError::Kind::TooManyStates,
                                fmt::format("automaton exceeds {} states", options.stateLimit), {}, {}};
      return result;
    }
    dfa.next.resize(static_cast<size_t>(sets.size()) * K, 0);
    // Group the state's byte positions by their distinct byte set.
    llvm::SmallVector<uint32_t, 16> groupSet;                       // group -> distinct set
    llvm::SmallVector<llvm::SmallVector<uint32_t, 4>, 16> groupPos;  // group -> positions
    llvm::DenseMap<uint32_t, uint32_t> groupOf;
    std::vector<uint32_t> accepts;
    current.clear();
    sets.decode(s, current);
    for (uint32_t p : current) {
      uint32_t d = g.setOf[p];
      if (d == kNoSet) {
        accepts.push_back(g.flagOf[p]);
        continue;
      }
      auto [it, inserted] = groupOf.try_emplace(d, static_cast<uint32_t>(groupSet.size()));
      if (inserted) {
        groupSet.push_back(d);
        groupPos.emplace_back();
      }
      groupPos[it->second].push_back(p);
    }
    std::sort(accepts.begin(), accepts.end());
    accepts.erase(std::unique(accepts.begin(), accepts.end()), accepts.end());
    dfa.acceptFlags.push_back(std::move(accepts));

    // Classes with the same group membership go to the same state.
    std::unordered_map<std::string, uint32_t> targetOf;
    std::string sig;
    for (uint32_t c = 0; c < K; ++c) {
      sig.assign((groupSet.size() + 7) / 8, '\0');
      bool any = false;
      for (uint32_t gi = 0; gi < groupSet.size(); ++gi)
        if (classesOf[groupSet[gi]].test(c)) {
          sig[gi / 8] |= static_cast<char>(1 << (gi % 8));
          any = true;
        }
      if (!any)
        continue;  // dead
      auto found = targetOf.find(sig);
      if (found == targetOf.end()) {
        ++generation;
        PositionSet target;
        for (uint32_t gi = 0; gi < groupSet.size(); ++gi) {
          if (!(sig[gi / 8] & (1 << (gi % 8))))
            continue;
          for (uint32_t p : groupPos[gi])
            for (uint32_t q : g.follow[p])
              if (stamp[q] != generation) {
                stamp[q] = generation;
                target.push_back(q);
              }
        }
        uint32_t t = target.empty() ? Dfa::kDead : intern(std::move(target), s, c);
        found = targetOf.emplace(sig, t).first;
      }
      dfa.next.resize(static_cast<size_t>(sets.size()) * K, 0);
      dfa.next[static_cast<size_t>(s) * K + c] = found->second;
    }
  }

  // Permissions, in breadth-first order so a conflict's witness is shortest.
  dfa.perms.resize(sets.size());
  std::vector<uint8_t> rep = dfa.classRepresentatives();
  for (uint32_t s = 0; s < sets.size(); ++s) {
    if (dfa.acceptFlags[s].empty())
      continue;
    AcceptResult r = combineFlags(flags, dfa.acceptFlags[s], options.kind, options.auditSurvivesDeny);
    if (r.conflict) {
      std::string witness;
      for (uint32_t t = s; t > Dfa::kStart; t = parent[t].first)
        witness += static_cast<char>(rep[parent[t].second]);
      std::reverse(witness.begin(), witness.end());
      result.error = BuildError{BuildError::Kind::ExecConflict, "profile has merged rule with conflicting x modifiers",
                                *r.conflict, witness};
      return result;
    }
    dfa.perms[s] = r.perms;
  }
  result.dfa = std::move(dfa);
  return result;
}

} // namespace aasim::dfa

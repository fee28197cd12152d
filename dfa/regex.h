// The regular expressions the compiler builds automata from: apparmor_parser's
// internal dialect (kernel-semantics.md §1.5). Concatenation, `|`, `( )`,
// postfix `*` and `+`, `.` (any byte, NUL included), `[set]`, `[^set]` with
// ranges, and escapes (`\xHH`, `\NNN` octal, `\dNNN` decimal, `\n`...). The
// tree is an arena of nodes so that big policies stay cheap to build. One
// symbol is no byte at all: the out-of-band separator, which no text
// produces and which only the builder of attachments puts into a tree.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aasim::dfa {

using ByteSet = std::bitset<256>;
using NodeId = uint32_t;

enum class NodeKind : uint8_t {
  Epsilon,  // matches the empty string
  Bytes,    // one byte out of `bytes`
  Cat,
  Alt,
  Star,
  Plus,
  Accept,   // end marker of a rule: `accept` names the rule's permission flag
  OutOfBand,  // the out-of-band symbol: no byte, only the matcher can step on it
};

/// How a Bytes node was written; "exactness" depends on it.
enum class SetKind : uint8_t { Literal, Class, Negated };  // Negated also covers `.`

struct Node {
  NodeKind kind = NodeKind::Epsilon;
  SetKind setKind = SetKind::Literal;
  NodeId left = 0, right = 0;  // Cat/Alt: both; Star/Plus: left
  uint32_t accept = 0;         // Accept: flag index
  uint32_t byteSet = 0;        // Bytes: index into RegexArena::sets
};

/// Owns the nodes of every regex of one automaton.
class RegexArena {
public:
  NodeId epsilon();
  NodeId bytes(const ByteSet &set, SetKind kind);
  NodeId byte(uint8_t b);
  NodeId cat(NodeId a, NodeId b);
  NodeId alt(NodeId a, NodeId b);
  NodeId star(NodeId a);
  NodeId plus(NodeId a);
  NodeId accept(uint32_t flag);
  /// The out-of-band symbol (kernel-semantics.md §5.1): separates an
  /// attachment's path from its xattr values, where any byte may occur.
  NodeId outOfBand();

  const Node &node(NodeId id) const { return nodes_[id]; }
  const ByteSet &set(uint32_t index) const { return sets_[index]; }
  size_t size() const { return nodes_.size(); }
  size_t setCount() const { return sets_.size(); }

  /// True when the regex contains only literal bytes, concatenation and
  /// alternation: apparmor_parser calls such rules "exact" and lets them
  /// beat globs for exec transitions. `classesAreExact` selects the 6.0
  /// reading, where a `[...]` class is exact too (3.0.8: not exact).
  bool isExact(NodeId id, bool classesAreExact) const;

private:
  NodeId add(Node n);
  std::vector<Node> nodes_;
  std::vector<ByteSet> sets_;
};

struct RegexError {
  size_t offset = 0;
  std::string message;
};

/// Parses the internal dialect into `arena`; nullopt with `error` set on
/// malformed input (unbalanced parentheses or brackets, dangling escape).
std::optional<NodeId> parseRegex(std::string_view text, RegexArena &arena, RegexError &error);

} // namespace aasim::dfa

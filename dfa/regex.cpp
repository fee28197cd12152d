#include "regex.h"

#include <fmt/format.h>

namespace aasim::dfa {

NodeId RegexArena::add(Node n) {
  nodes_.push_back(n);
  return static_cast<NodeId>(nodes_.size() - 1);
}

NodeId RegexArena::epsilon() { return add(Node{}); }

NodeId RegexArena::bytes(const ByteSet &set, SetKind kind) {
  sets_.push_back(set);
  Node n;
  n.kind = NodeKind::Bytes;
  n.setKind = kind;
  n.byteSet = static_cast<uint32_t>(sets_.size() - 1);
  return add(n);
}

NodeId RegexArena::byte(uint8_t b) {
  ByteSet s;
  s.set(b);
  return bytes(s, SetKind::Literal);
}

NodeId RegexArena::cat(NodeId a, NodeId b) {
  if (nodes_[a].kind == NodeKind::Epsilon)
    return b;
  if (nodes_[b].kind == NodeKind::Epsilon)
    return a;
  Node n;
  n.kind = NodeKind::Cat;
  n.left = a;
  n.right = b;
  return add(n);
}

NodeId RegexArena::alt(NodeId a, NodeId b) {
  Node n;
  n.kind = NodeKind::Alt;
  n.left = a;
  n.right = b;
  return add(n);
}

NodeId RegexArena::star(NodeId a) {
  Node n;
  n.kind = NodeKind::Star;
  n.left = a;
  return add(n);
}

NodeId RegexArena::plus(NodeId a) {
  Node n;
  n.kind = NodeKind::Plus;
  n.left = a;
  return add(n);
}

NodeId RegexArena::accept(uint32_t flag) {
  Node n;
  n.kind = NodeKind::Accept;
  n.accept = flag;
  return add(n);
}

NodeId RegexArena::outOfBand() {
  Node n;
  n.kind = NodeKind::OutOfBand;
  return add(n);
}

bool RegexArena::isExact(NodeId root, bool classesAreExact) const {
  std::vector<NodeId> stack{root};
  while (!stack.empty()) {
    const Node &n = nodes_[stack.back()];
    stack.pop_back();
    switch (n.kind) {
    case NodeKind::Epsilon: case NodeKind::Accept: case NodeKind::OutOfBand: break;
    case NodeKind::Bytes:
      if (n.setKind == SetKind::Negated || (n.setKind == SetKind::Class && !classesAreExact))
        return false;
      break;
    case NodeKind::Cat: case NodeKind::Alt:
      stack.push_back(n.left);
      stack.push_back(n.right);
      break;
    case NodeKind::Star: case NodeKind::Plus: return false;
    }
  }
  return true;
}

namespace {

class Parser {
public:
  Parser(std::string_view text, RegexArena &arena, RegexError &error) : s_(text), a_(arena), err_(error) {}

  std::optional<NodeId> run() {
    auto r = alternation();
    if (!r)
      return std::nullopt;
    if (pos_ != s_.size())
      return fail(fmt::format("unexpected '{}'", s_[pos_]));
    return r;
  }

private:
  std::nullopt_t fail(std::string message) {
    err_.offset = pos_;
    err_.message = std::move(message);
    return std::nullopt;
  }

  bool atEnd() const { return pos_ >= s_.size(); }

  std::optional<NodeId> alternation() {
    auto left = concatenation();
    if (!left)
      return std::nullopt;
    while (!atEnd() && s_[pos_] == '|') {
      ++pos_;
      auto right = concatenation();
      if (!right)
        return std::nullopt;
      left = a_.alt(*left, *right);
    }
    return left;
  }

  std::optional<NodeId> concatenation() {
    NodeId acc = a_.epsilon();
    while (!atEnd() && s_[pos_] != '|' && s_[pos_] != ')') {
      auto item = repetition();
      if (!item)
        return std::nullopt;
      acc = a_.cat(acc, *item);
    }
    return acc;
  }

  std::optional<NodeId> repetition() {
    auto atom = this->atom();
    if (!atom)
      return std::nullopt;
    NodeId r = *atom;
    while (!atEnd() && (s_[pos_] == '*' || s_[pos_] == '+')) {
      r = s_[pos_] == '*' ? a_.star(r) : a_.plus(r);
      ++pos_;
    }
    return r;
  }

  std::optional<NodeId> atom() {
    char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      auto inner = alternation();
      if (!inner)
        return std::nullopt;
      if (atEnd() || s_[pos_] != ')')
        return fail("missing ')'");
      ++pos_;
      return inner;
    }
    if (c == '*' || c == '+')
      return fail(fmt::format("'{}' with nothing to repeat", c));
    if (c == '.') {
      ++pos_;
      return a_.bytes(ByteSet().set(), SetKind::Negated);
    }
    if (c == '[')
      return charClass();
    auto b = literalByte();
    if (!b)
      return std::nullopt;
    return a_.byte(*b);
  }

  // One byte, with escapes resolved.
  std::optional<uint8_t> literalByte() {
    char c = s_[pos_++];
    if (c != '\\')
      return static_cast<uint8_t>(c);
    if (atEnd())
      return fail("trailing backslash");
    char e = s_[pos_++];
    auto digits = [&](int base, size_t maxLen) -> std::optional<uint8_t> {
      unsigned v = 0;
      size_t n = 0;
      while (n < maxLen && !atEnd()) {
        char d = s_[pos_];
        int dv = d >= '0' && d <= '9' ? d - '0' : d >= 'a' && d <= 'f' ? d - 'a' + 10 : d >= 'A' && d <= 'F' ? d - 'A' + 10 : 99;
        if (dv >= base)
          break;
        v = v * base + dv;
        ++pos_;
        ++n;
      }
      if (n == 0 || v > 255)
        return fail("bad numeric escape");
      return static_cast<uint8_t>(v);
    };
    switch (e) {
    case 'x': return digits(16, 2);
    case 'd': return digits(10, 3);
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'a': return '\a';
    case 'b': return '\b';
    case 'e': return 0x1b;
    case 'f': return '\f';
    case 'v': return '\v';
    default:
      if (e >= '0' && e <= '7') {
        --pos_;
        return digits(8, 3);
      }
      return static_cast<uint8_t>(e);
    }
  }

  std::optional<NodeId> charClass() {
    ++pos_;  // [
    bool negate = false;
    if (!atEnd() && s_[pos_] == '^') {
      negate = true;
      ++pos_;
    }
    ByteSet set;
    bool first = true;
    while (true) {
      if (atEnd())
        return fail("missing ']'");
      if (s_[pos_] == ']' && !first)
        break;
      first = false;
      auto lo = literalByte();
      if (!lo)
        return std::nullopt;
      uint8_t hi = *lo;
      if (pos_ + 1 < s_.size() && s_[pos_] == '-' && s_[pos_ + 1] != ']') {
        ++pos_;
        auto h = literalByte();
        if (!h)
          return std::nullopt;
        hi = *h;
      }
      for (unsigned b = *lo; b <= hi; ++b)
        set.set(b);
    }
    ++pos_;  // ]
    if (negate)
      set.flip();
    return a_.bytes(set, negate ? SetKind::Negated : SetKind::Class);
  }

  std::string_view s_;
  RegexArena &a_;
  RegexError &err_;
  size_t pos_ = 0;
};

} // namespace

std::optional<NodeId> parseRegex(std::string_view text, RegexArena &arena, RegexError &error) {
  return Parser(text, arena, error).run();
}

} // namespace aasim::dfa

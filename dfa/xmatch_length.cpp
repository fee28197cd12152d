#include "xmatch_length.h"

#include <deque>
#include <map>
#include <utility>
#include <vector>

namespace aasim::dfa {

namespace {

// libapparmor_re's node classes, as far as simplification tells them apart.
enum class Kind : uint8_t { Eps, Char, CharSet, NotCharSet, AnyChar, OutOfBand, Marker, Star, Plus, Cat, Alt };

struct TreeNode {
  Kind kind = Kind::Eps;
  uint32_t set = 0;  // Char/CharSet/NotCharSet: index of the arena's byte set
  TreeNode *child[2] = {nullptr, nullptr};
};

bool isLeafOfInput(Kind k) {  // "important" nodes: simplification stops there
  return k == Kind::Char || k == Kind::CharSet || k == Kind::NotCharSet || k == Kind::AnyChar ||
         k == Kind::OutOfBand || k == Kind::Marker;
}
bool hasTwoChildren(Kind k) { return k == Kind::Cat || k == Kind::Alt; }

// The tree and its rewrites. Every recursion of the original is a loop
// over an explicit stack here: a long attachment (a variable with many
// values) must not be able to exhaust the call stack.
class Simplifier {
public:
  explicit Simplifier(const RegexArena &arena) : arena_(arena) {}

  TreeNode *convert(NodeId root) {
    TreeNode *out = nullptr;
    std::vector<std::pair<NodeId, TreeNode **>> stack{{root, &out}};
    while (!stack.empty()) {
      auto [id, slot] = stack.back();
      stack.pop_back();
      const Node &n = arena_.node(id);
      switch (n.kind) {
      case NodeKind::Epsilon:
        *slot = &eps_;
        continue;
      case NodeKind::Accept: {
        // One node per flag: 3.0.8 shares a rule's accept node wherever
        // the tree uses it (xattrs repeat it), and compares it by identity.
        auto [it, inserted] = markers_.try_emplace(n.accept, nullptr);
        if (inserted)
          it->second = make(Kind::Marker);
        *slot = it->second;
        continue;
      }
      case NodeKind::OutOfBand:
        *slot = make(Kind::OutOfBand);
        continue;
      case NodeKind::Bytes: {
        Kind k = n.setKind == SetKind::Literal ? Kind::Char
                 : n.setKind == SetKind::Class ? Kind::CharSet
                 : arena_.set(n.byteSet).all() ? Kind::AnyChar
                                               : Kind::NotCharSet;
        TreeNode *t = make(k);
        t->set = n.byteSet;
        *slot = t;
        continue;
      }
      case NodeKind::Star:
      case NodeKind::Plus: {
        TreeNode *t = make(n.kind == NodeKind::Star ? Kind::Star : Kind::Plus);
        *slot = t;
        stack.push_back({n.left, &t->child[0]});
        continue;
      }
      case NodeKind::Cat:
      case NodeKind::Alt: {
        TreeNode *t = make(n.kind == NodeKind::Cat ? Kind::Cat : Kind::Alt);
        *slot = t;
        stack.push_back({n.left, &t->child[0]});
        stack.push_back({n.right, &t->child[1]});
        continue;
      }
      }
    }
    return out;
  }

  // Right normalization, then left, each repeated until factoring changes
  // nothing (3.0.8's defaults: tree normalization and simplification on,
  // right first).
  TreeNode *simplify(TreeNode *t) {
    for (int dir : {1, 0}) {
      bool modified = true;
      while (modified && budget_ > 0) {
        modified = false;
        normalize(t, dir);
        t = simplifyBase(t, dir, modified);
      }
    }
    return t;
  }

  // min_match_len() of the tree, with contains_oob(): a negated class ends
  // the count of a concatenation after its left part.
  static uint32_t minMatchLength(TreeNode *root) {
    struct Measure {
      uint32_t min = 0;
      bool oob = false;
    };
    std::vector<std::pair<TreeNode *, bool>> stack{{root, false}};
    std::vector<Measure> results;
    while (!stack.empty()) {
      auto [t, childrenDone] = stack.back();
      stack.pop_back();
      int children = hasTwoChildren(t->kind) ? 2 : (t->kind == Kind::Star || t->kind == Kind::Plus) ? 1 : 0;
      if (!childrenDone && children) {
        stack.push_back({t, true});
        for (int i = children - 1; i >= 0; --i)
          stack.push_back({t->child[i], false});
        continue;
      }
      Measure m;
      switch (t->kind) {
      case Kind::Eps: case Kind::AnyChar: case Kind::Marker:
        break;
      case Kind::Char: case Kind::CharSet:
        m = {1, false};
        break;
      case Kind::NotCharSet:
        m = {1, true};
        break;
      case Kind::OutOfBand:  // ends the path: what follows are xattr values
        m = {0, true};
        break;
      case Kind::Star:
        m = {0, results.back().oob};
        results.pop_back();
        break;
      case Kind::Plus:
        m = results.back();
        results.pop_back();
        break;
      case Kind::Cat:
      case Kind::Alt: {
        Measure r = results.back();
        results.pop_back();
        Measure l = results.back();
        results.pop_back();
        if (t->kind == Kind::Alt)
          m = {std::min(l.min, r.min), l.oob || r.oob};
        else
          m = {l.oob ? l.min : l.min + r.min, l.oob || r.oob};
        break;
      }
      }
      results.push_back(m);
    }
    return results.back().min;
  }

private:
  TreeNode *make(Kind k) {
    nodes_.emplace_back();
    nodes_.back().kind = k;
    return &nodes_.back();
  }

  bool isEps(const TreeNode *t) const { return t == &eps_; }

  // Structural equality (libapparmor_re's eq()); markers are equal only
  // to themselves.
  bool equal(const TreeNode *a, const TreeNode *b) const {
    std::vector<std::pair<const TreeNode *, const TreeNode *>> stack{{a, b}};
    while (!stack.empty()) {
      auto [x, y] = stack.back();
      stack.pop_back();
      if (x->kind != y->kind)
        return false;
      switch (x->kind) {
      case Kind::Eps: case Kind::AnyChar: case Kind::OutOfBand:
        break;
      case Kind::Marker:
        if (x != y)
          return false;
        break;
      case Kind::Char: case Kind::CharSet: case Kind::NotCharSet:
        if (arena_.set(x->set) != arena_.set(y->set))
          return false;
        break;
      case Kind::Star: case Kind::Plus:
        stack.push_back({x->child[0], y->child[0]});
        break;
      case Kind::Cat: case Kind::Alt:
        stack.push_back({x->child[1], y->child[1]});
        stack.push_back({x->child[0], y->child[0]});
        break;
      }
    }
    return true;
  }

  // A two-child node whose children are both ε is ε.
  TreeNode *epsPair(TreeNode *t) {
    if (hasTwoChildren(t->kind) && isEps(t->child[0]) && isEps(t->child[1]))
      return &eps_;
    return t;
  }

  // (ab)c -> a(bc) and (a|b)|c -> a|(b|c) for dir 0; mirrored for dir 1.
  void rotate(TreeNode *t, int dir) {
    TreeNode *left = t->child[dir];
    t->child[dir] = left->child[dir];
    left->child[dir] = left->child[!dir];
    left->child[!dir] = t->child[!dir];
    t->child[!dir] = epsPair(left);
  }

  // Moves ε to the !dir side; false when there was nothing to move.
  bool normalizeEps(TreeNode *t, int dir) {
    if (isEps(t->child[dir]) && !isEps(t->child[!dir])) {
      TreeNode *c = epsPair(t->child[!dir]);
      t->child[!dir] = t->child[dir];
      t->child[dir] = c;
      return true;
    }
    return false;
  }

  // Each node keeps its place; its subtree is rotated into normal form.
  // Subtrees are disjoint, so the order they are visited in is immaterial.
  void normalize(TreeNode *root, int dir) {
    std::vector<TreeNode *> stack{root};
    while (!stack.empty() && budget_ > 0) {
      TreeNode *t = stack.back();
      stack.pop_back();
      if (t->kind == Kind::Cat || t->kind == Kind::Alt) {
        while (--budget_ > 0) {
          if (normalizeEps(t, dir))
            continue;
          if (t->child[dir]->kind == t->kind) {
            rotate(t, dir);
          } else if (t->kind == Kind::Alt && t->child[dir]->kind == Kind::CharSet &&
                     (t->child[!dir]->kind == Kind::Char || t->child[!dir]->kind == Kind::OutOfBand)) {
            std::swap(t->child[dir], t->child[!dir]);  // [a] | b -> b | [a]
          } else {
            break;
          }
        }
      }
      for (TreeNode *c : t->child)
        if (c)
          stack.push_back(c);
    }
  }

  // The factorings of two alternatives (shown for dir 0): a|a -> a,
  // (ab)|(ac) -> a(b|c), a|(ab) -> a(b|ε), (ab)|a -> a(b|ε).
  TreeNode *altFactor(TreeNode *t, int dir) {
    if (t->kind != Kind::Alt)
      return t;
    TreeNode *near = t->child[dir], *far = t->child[!dir];
    if (equal(near, far))
      return near;
    if (near->kind == Kind::Cat && far->kind == Kind::Cat && equal(near->child[dir], far->child[dir])) {
      t->child[dir] = near->child[!dir];
      t->child[!dir] = far->child[!dir];
      near->child[!dir] = t;
      return near;
    }
    if (far->kind == Kind::Cat && equal(near, far->child[dir])) {
      t->child[dir] = far->child[!dir];
      t->child[!dir] = &eps_;
      far->child[!dir] = t;
      return far;
    }
    if (near->kind == Kind::Cat && equal(near->child[dir], far)) {
      t->child[dir] = near->child[!dir];
      t->child[!dir] = &eps_;
      near->child[!dir] = t;
      return near;
    }
    return t;
  }

  // aε -> a, then the alternation factorings.
  TreeNode *basicSimplify(TreeNode *t, int dir) {
    if (t->kind == Kind::Cat && isEps(t->child[!dir]))
      return t->child[dir];
    return altFactor(t, dir);
  }

  // Post-order over the tree: every inner node is simplified after its
  // children, and its replacement written into its parent's slot.
  TreeNode *simplifyBase(TreeNode *root, int dir, bool &mod) {
    TreeNode *out = root;
    std::vector<std::pair<TreeNode **, bool>> stack{{&out, false}};
    while (!stack.empty()) {
      auto [slot, childrenDone] = stack.back();
      stack.pop_back();
      TreeNode *t = *slot;
      if (isLeafOfInput(t->kind))
        continue;
      if (!childrenDone) {
        stack.push_back({slot, true});
        for (TreeNode *&c : t->child)
          if (c)
            stack.push_back({&c, false});
        continue;
      }
      TreeNode *simplified = simplifyNode(t, dir, mod);
      if (simplified != t && slot != &out)
        mod = true;  // a child replaced: the original counts that as a change
      *slot = simplified;
    }
    return out;
  }

  // One node's factoring loop (libapparmor_re's simplify_tree_base after
  // the recursion), step for step: which alternative ends up where decides
  // the later factorings and so the count.
  TreeNode *simplifyNode(TreeNode *t, int dir, bool &mod) {
    for (;; mod = true) {
      if (--budget_ <= 0)
        return t;
      TreeNode *tmp = basicSimplify(t, dir);
      if (tmp != t) {
        t = tmp;
        continue;
      }
      if (t->kind != Kind::Alt || t->child[!dir]->kind != Kind::Alt)
        break;

      // a | (a | b) -> (a | b); the scan goes on down the chain with the
      // shortened t, as in the original.
      TreeNode *p = t, *i = t->child[!dir];
      for (; i->kind == Kind::Alt; p = i, i = i->child[!dir])
        if (equal(t->child[dir], i->child[dir]))
          t = t->child[!dir];
      if (equal(t->child[dir], p->child[!dir])) {
        t = t->child[!dir];
        continue;
      }

      // Factor the front of t's first alternative out of the later ones
      // that share it.
      int count = 0;
      TreeNode *subject = t->child[dir];
      TreeNode *a = subject->kind == Kind::Cat ? subject->child[dir] : subject;
      TreeNode *pp = t;
      p = t;
      i = t->child[!dir];
      while (i->kind == Kind::Alt) {
        if (--budget_ <= 0)
          return t;
        TreeNode *candidate = i->child[dir];
        if ((candidate->kind == Kind::Cat && equal(a, candidate->child[dir])) || equal(a, candidate)) {
          p->child[!dir] = i->child[!dir];
          i->child[!dir] = subject;
          subject = basicSimplify(i, dir);
          a = subject->kind == Kind::Cat ? subject->child[dir] : subject;
          i = p->child[!dir];
          ++count;
        } else {
          pp = p;
          p = i;
          i = i->child[!dir];
        }
      }
      if ((i->kind == Kind::Cat && equal(a, i->child[dir])) || equal(a, i)) {
        ++count;
        if (t == p) {
          t->child[dir] = subject;
          t = basicSimplify(t, dir);
        } else {
          t->child[dir] = p->child[dir];
          p->child[dir] = subject;
          pp->child[!dir] = basicSimplify(p, dir);
        }
      } else {
        t->child[dir] = i;
        p->child[!dir] = subject;
      }
      if (count == 0)
        break;
    }
    return t;
  }

  const RegexArena &arena_;
  std::deque<TreeNode> nodes_;
  std::map<uint32_t, TreeNode *> markers_;  // accept flag -> its one marker
  TreeNode eps_;
  // Rewrites left before giving up. The original terminates on every tree
  // seen; the bound only makes termination certain (it is far above what
  // any real attachment needs).
  long budget_ = 50'000'000;
};

} // namespace

uint32_t xmatchLength(const RegexArena &arena, NodeId root) {
  Simplifier s(arena);
  TreeNode *tree = s.simplify(s.convert(root));
  return Simplifier::minMatchLength(tree);
}

} // namespace aasim::dfa

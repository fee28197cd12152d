#include "rule_merge.h"

#include "file_modes.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <tuple>

namespace aasim::frontend::sema {

using namespace ast;

namespace {

constexpr uint32_t kChangeProfile = 0x80000000u;

struct MergeKey {
  std::string linkName;  // link target, or change_profile exec path
  bool subset = false;
  RuleMode mode = RuleMode::Allow;
  bool audit = false;  // "audit" as the parser stores it after prefixing
  int priority = 0;
  std::string name;
  auto tie() const { return std::tie(linkName, subset, mode, audit, priority, name); }
  bool operator<(const MergeKey &o) const { return tie() < o.tie(); }
};

struct MergedPerms {
  uint32_t perms = 0;
  std::string target;  // named exec transition
  SourceLoc loc;
};

bool storedAudit(const Prefix &p) { return p.mode == RuleMode::Deny ? !p.audit : p.audit; }

RuleMode normalMode(RuleMode m) { return m == RuleMode::Unspecified ? RuleMode::Allow : m; }

// Are two rules' exec qualifiers compatible in each permission half?
bool consistent(const MergedPerms &a, const MergedPerms &b) {
  for (uint32_t shift : {0u, kOtherShift}) {
    bool ax = (a.perms >> shift) & kMayExec, bx = (b.perms >> shift) & kMayExec;
    if (ax && bx) {
      if (((a.perms >> shift) & kExecType) != ((b.perms >> shift) & kExecType))
        return false;
      if (a.target != b.target)
        return false;
    }
  }
  return true;
}

class Merger {
public:
  explicit Merger(Context &cx) : cx_(cx) {}

  void body(const std::vector<Stmt> &stmts, const Prefix &outer) {
    for (const auto &s : stmts) {
      if (auto *f = std::get_if<FileRule>(&s.node))
        file(*f, outer);
      else if (auto *c = std::get_if<ChangeProfileRule>(&s.node))
        changeProfile(*c, outer);
      else if (auto *b = std::get_if<PrefixBlock>(&s.node))
        body(b->body, combinePrefix(outer, b->prefix));
      else if (auto *cond = std::get_if<Conditional>(&s.node))
        body(cond->body, outer);
    }
  }

private:
  void add(MergeKey key, MergedPerms perms) {
    auto [it, inserted] = merged_.emplace(key, perms);
    if (inserted)
      return;
    if (!consistent(it->second, perms)) {
      if (!reported_) {
        cx_.error(perms.loc, fmt::format("profile {}: has merged rule {} with conflicting x modifiers",
                                         cx_.profile().fullName, key.name));
        reported_ = true;
      }
      return;
    }
    it->second.perms |= perms.perms;
    if (it->second.target.empty())
      it->second.target = perms.target;
  }

  void file(const FileRule &r, const Prefix &outer) {
    Prefix p = combinePrefix(outer, r.prefix);
    auto parsedPerms = fileRulePerms(r, p.owner);
    if (!parsedPerms)
      return;  // reported by checkFileRule
    uint32_t perms = *parsedPerms;
    ExpandError err;
    auto name = cx_.vars().expandWord(r.path.text, err);
    if (!name)
      return;
    MergeKey key;
    key.name = *name;
    key.mode = normalMode(p.mode);
    key.audit = storedAudit(p);
    key.priority = p.priority.value_or(0);
    MergedPerms mp{perms, {}, r.loc};
    bool isLink = (perms & kLinkBits) && r.leadingModes && r.target;
    if (isLink) {
      auto link = cx_.vars().expandWord(r.target->text, err);
      key.linkName = link.value_or(r.target->text);
      key.subset = r.subset;
    } else if (r.target) {
      mp.target = r.target->text;
    }
    add(key, mp);
  }

  void changeProfile(const ChangeProfileRule &r, const Prefix &outer) {
    Prefix p = combinePrefix(outer, r.prefix);
    uint32_t perms = kChangeProfile;
    MergeKey key;
    if (r.exec) {
      perms |= kExecBits;
      if (r.safety == ExecSafety::Unsafe)
        perms |= kAllExecUnsafe;
      ExpandError err;
      key.linkName = cx_.vars().expandWord(r.exec->text, err).value_or(r.exec->text);
    }
    key.name = r.target ? r.target->text : "**";
    key.mode = normalMode(p.mode);
    key.audit = storedAudit(p);
    key.priority = p.priority.value_or(0);
    add(key, MergedPerms{perms, {}, r.loc});
  }

  Context &cx_;
  std::map<MergeKey, MergedPerms> merged_;
  bool reported_ = false;
};

void collectChildren(const std::vector<Stmt> &body, std::map<std::string, SourceLoc> &seen, Context &cx) {
  for (const auto &s : body) {
    if (auto *p = std::get_if<Profile>(&s.node)) {
      if (!seen.emplace(p->name.text, p->loc).second)
        cx.error(p->loc, fmt::format("Profile {} already exists", p->name.text));
    } else if (auto *b = std::get_if<PrefixBlock>(&s.node)) {
      collectChildren(b->body, seen, cx);
    } else if (auto *c = std::get_if<Conditional>(&s.node)) {
      collectChildren(c->body, seen, cx);
    }
  }
}

} // namespace

void checkMergedRules(const std::vector<Stmt> &body, Context &cx) {
  Merger m(cx);
  m.body(body, Prefix{});
}

void checkDuplicateChildren(const std::vector<Stmt> &body, Context &cx) {
  std::map<std::string, SourceLoc> seen;
  collectChildren(body, seen, cx);
}

} // namespace aasim::frontend::sema

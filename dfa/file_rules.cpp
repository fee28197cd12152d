#include "file_rules.h"

#include "glob.h"
#include "frontend/sema/file_modes.h"

#include <fmt/format.h>

#include <algorithm>

namespace aasim::dfa {

using namespace frontend;
using namespace frontend::ast;
using sema::kAllExecType;
using sema::kExecModifiers;
using sema::kLinkBits;
using sema::kMayExec;
using sema::kMayLock;

namespace {

constexpr uint32_t kChangeProfileBit = 0x80000000u;
constexpr uint32_t kOnExecBit = 0x40000000u;
constexpr uint32_t kSharedBits = kChangeProfileBit | kOnExecBit;
constexpr uint32_t kExecLocalNibble = 3;
// change_profile without an exec condition applies to any executable.
constexpr const char *kAnyExecutable = "/[^/\\x00][^\\x00]*";

class Lowering {
public:
  Lowering(LoweringContext &cx, FileRuleSet &out) : cx_(cx), out_(out), writer_(out, cx.diags) {}

  void body(const std::vector<Stmt> &stmts, const Prefix &outer) {
    for (const auto &s : stmts) {
      if (auto *f = std::get_if<FileRule>(&s.node))
        file(*f, combinePrefix(outer, f->prefix));
      else if (auto *l = std::get_if<LinkRule>(&s.node); l && !collecting_)
        link(*l, combinePrefix(outer, l->prefix));
      else if (auto *c = std::get_if<ChangeProfileRule>(&s.node); c && !collecting_)
        changeProfile(*c, combinePrefix(outer, c->prefix));
      else if (auto *b = std::get_if<PrefixBlock>(&s.node))
        body(b->body, combinePrefix(outer, b->prefix));
      else if (auto *cond = std::get_if<Conditional>(&s.node))
        body(cond->body, outer);
      else if (auto *all = std::get_if<AllRule>(&s.node))
        body(expandAll(*all), outer);
    }
  }

private:
  std::optional<std::string> expand(const Word &w) {
    ExpandError err;
    auto out = cx_.vars.expandWord(w.text, err, &cx_.automatic);
    if (!out)
      cx_.diags.error(w.loc, err.message);
    return out;
  }

  // Expanded glob to regex text (kernel-semantics.md §1).
  std::optional<std::string> regexFor(const std::string &glob, SourceLoc loc, bool filter = true) {
    std::string err;
    auto conv = globToRegex(filter ? filterSlashes(glob) : glob, err);
    if (!conv) {
      cx_.diags.error(loc, fmt::format("invalid glob '{}': {}", glob, err));
      return std::nullopt;
    }
    return conv->regex;
  }

  // Elements of a pair string are joined by NUL.
  static std::string pair(const std::string &a, const std::string &b) { return a + "\\x00" + b; }

  // `auditable` limits which permissions the audit/quiet field may carry.
  void add(const std::string &regex, const Prefix &p, uint32_t perms, const RuleOrigin &origin,
           uint32_t auditable = ~0u) {
    RuleFlag f;
    f.priority = p.priority.value_or(0);
    f.mode = p.mode == RuleMode::Deny ? FlagMode::Deny : p.mode == RuleMode::Prompt ? FlagMode::Prompt : FlagMode::Allow;
    f.perms = perms;
    // The grammar stores audit for allow rules and quiet for plain deny
    // rules in one field; exec types cannot be audited.
    bool auditField = f.mode == FlagMode::Deny ? !p.audit : p.audit;
    // change_profile rules cannot be audited (apparmor_parser warns and
    // drops the audit), so their audit mask is 0.
    f.audit = auditField ? perms & ~(kAllExecType | kSharedBits) & auditable : 0;
    writer_.add(regex, f, origin, /*computeExact=*/true, cx_.version == LanguageVersion::V6_0);
  }

  // The name a rule's `-> target` goes to, as stored in the transition
  // table: a child of this profile for cx, else as written. 3.0.8 gives
  // every trailing-form target a slot, even on a rule without x (6.0 only
  // exec targets: parser-tests link/ok_link_4.sd has more than 12 targets).
  std::optional<std::string> execTargetName(const FileRule &r, uint32_t perms) {
    bool isLinkTarget = r.target && r.leadingModes && (perms & kLinkBits);
    bool executes = perms & (kMayExec | (kMayExec << kOtherShift));
    if (!r.target || isLinkTarget || (!executes && cx_.version != LanguageVersion::V3_0))
      return std::nullopt;
    // 3.0.8 stores the target as written, variables unexpanded (a rule
    // `px -> @{x}/c` gets the slot text `@{x}/c`); 6.0 expands them.
    std::optional<std::string> target = r.target->text;
    if (cx_.version == LanguageVersion::V6_0) {
      ExpandError err;
      target = cx_.vars.expandWord(r.target->text, err, &cx_.automatic);
      if (!target)
        return std::nullopt;  // reported when the rule is lowered
    }
    uint32_t nibble = (perms >> 10) & 0xf;
    if (nibble == kExecLocalNibble && target->rfind(':', 0) != 0)
      return (cx_.version == LanguageVersion::V3_0 ? cx_.localName : cx_.profileName) + "//" + *target;
    return *target;
  }

public:
  // apparmor_parser's grammar builds a profile's rule list back to front,
  // so transition-table slots go to targets in reverse source order. One
  // pass collects the targets; the table is laid out before lowering.
  void planTransitionTable(const std::vector<Stmt> &stmts) {
    collecting_ = true;
    body(stmts, Prefix{});
    collecting_ = false;
    for (auto it = collected_.rbegin(); it != collected_.rend(); ++it)
      if (std::find(out_.xtable.begin(), out_.xtable.end(), *it) == out_.xtable.end() &&
          out_.xtable.size() < kMaxNamedTransitions)
        out_.xtable.push_back(*it);
    // A slot number is only a reference, so 6.0-mode output orders the
    // table by name: policies naming the same targets in another order
    // then compile to the same bytes.
    if (cx_.version == LanguageVersion::V6_0)
      std::sort(out_.xtable.begin(), out_.xtable.end());
  }

private:
  // Gives a named exec transition its slot in the profile's table.
  std::optional<uint32_t> xtableSlot(const std::string &name, SourceLoc loc) {
    for (size_t i = 0; i < out_.xtable.size(); ++i)
      if (out_.xtable[i] == name)
        return static_cast<uint32_t>(i);
    if (out_.xtable.size() >= kMaxNamedTransitions) {
      cx_.diags.error(loc, "too many specified profile transitions");
      return std::nullopt;
    }
    out_.xtable.push_back(name);
    return static_cast<uint32_t>(out_.xtable.size() - 1);
  }

  // Replaces the modifier nibble of each half that executes.
  static uint32_t withNibble(uint32_t perms, uint32_t nibble) {
    for (uint32_t shift : {0u, kOtherShift})
      if (perms & (kMayExec << shift))
        perms = (perms & ~(kExecModifiers << shift)) | ((nibble << 10) << shift);
    return perms;
  }

  static std::string describe(const FileRule &r) {
    if (r.bare)
      return "file";
    std::string s = r.leadingModes ? r.modes.text + " " + r.path.text : r.path.text + " " + r.modes.text;
    if (r.target)
      s += " -> " + r.target->text;
    return s;
  }

  void file(const FileRule &r, const Prefix &p) {
    auto permsOpt = sema::fileRulePerms(r, p.owner);
    if (!permsOpt)
      return;
    uint32_t perms = *permsOpt & ~kSharedBits;
    if (cx_.version == LanguageVersion::V3_0) {
      // 3.0.8 gives every ix its mmap bit at parse time, so the m survives
      // when another rule wins the x (6.0 implies it only with the x).
      for (uint32_t shift : {0u, kOtherShift})
        if ((perms & (kMayExec << shift)) && (perms & (sema::kExecInherit << shift)))
          perms |= sema::kExecMmap << shift;
    }
    if (collecting_) {
      if (auto name = execTargetName(r, perms))
        collected_.push_back(*name);
      return;
    }
    RuleOrigin origin{r.loc, describe(r)};
    std::string pathText = r.bare ? "/{**,}" : r.path.text;
    auto path = r.bare ? std::optional<std::string>(pathText) : expand(r.path);
    if (!path)
      return;
    bool isLinkTarget = r.target && r.leadingModes && (perms & kLinkBits);
    if (auto name = execTargetName(r, perms)) {
      auto slot = xtableSlot(*name, r.target->loc);
      if (!slot)
        return;
      perms = withNibble(perms, *slot + 4);
    }
    for (const std::string &variant : withAliases(*path)) {
      if (isLinkTarget) {
        linkPair(variant, r.path.loc, *r.target, r.subset, p, perms, origin);
        continue;
      }
      bool deny = p.mode == RuleMode::Deny;
      // A deny rule keeps the link bit off its lone path entry.
      uint32_t main = deny ? perms & ~kLinkBits : perms;
      auto regex = regexFor(variant, r.path.loc);
      if (!regex)
        return;
      if (main)
        add(*regex, p, main, origin);
      // `l` lets the path link to anything: the pair `path \0 /[^/].*`.
      if (perms & kLinkBits)
        // The subset flag is part of a deny pair too (denying the link
        // denies it), but only the link bits are audited or quieted.
        add(pair(*regex, "/[^/].*"), p, (perms & kLinkBits) | linkSubsetBit(perms), origin, kLinkBits);
    }
  }

  // `alias FROM -> TO,` gives every file rule whose (expanded) path starts
  // with FROM a twin with that prefix replaced by TO.
  std::vector<std::string> withAliases(const std::string &path) const {
    std::vector<std::string> out{path};
    for (const auto &[from, to] : cx_.aliases)
      if (!from.empty() && path.compare(0, from.size(), from) == 0)
        out.push_back(to + path.substr(from.size()));
    return out;
  }

  // The link "subset" flag (the k bit reused) rides on the user half only,
  // and only when the user half may link.
  static uint32_t linkSubsetBit(uint32_t perms) { return (perms & sema::kMayLink) ? kMayLock : 0; }

  // `link [subset] L -> T`: L alone gets the link bits, `L \0 T` the link
  // bits and, with `subset`, the subset flag.
  void linkPair(const std::string &linkGlob, SourceLoc linkLoc, const Word &targetWord, bool subset, const Prefix &p,
                uint32_t perms, const RuleOrigin &origin) {
    auto target = expand(targetWord);
    if (!target)
      return;
    auto link = regexFor(linkGlob, linkLoc);
    auto to = regexFor(*target, targetWord.loc);
    if (!link || !to)
      return;
    uint32_t linkBits = perms & kLinkBits;
    if (p.mode != RuleMode::Deny)  // a deny link rule adds only its pair
      add(*link, p, linkBits, origin);
    add(pair(*link, *to), p, linkBits | (subset ? linkSubsetBit(perms) : 0), origin, kLinkBits);
  }

  void link(const LinkRule &r, const Prefix &p) {
    uint32_t perms = kLinkBits;
    if (p.owner == OwnerQual::Owner)
      perms &= (1u << kOtherShift) - 1;
    else if (p.owner == OwnerQual::Other)
      perms &= ~((1u << kOtherShift) - 1);
    auto path = expand(r.link);
    if (!path)
      return;
    linkPair(*path, r.link.loc, r.target, r.subset, p, perms,
             RuleOrigin{r.loc, fmt::format("link {}{} -> {}", r.subset ? "subset " : "", r.link.text, r.target.text)});
  }

  void changeProfile(const ChangeProfileRule &r, const Prefix &p) {
    hasChangeProfile_ = true;
    RuleOrigin origin{r.loc, fmt::format("change_profile{}{}", r.exec ? " " + r.exec->text : "",
                                         r.target ? " -> " + r.target->text : "")};
    std::string targetGlob = "**";
    if (r.target) {
      auto t = expand(*r.target);
      if (!t)
        return;
      targetGlob = *t;
    }
    std::string execGlob;
    if (r.exec) {
      auto e = expand(*r.exec);
      if (!e)
        return;
      execGlob = *e;
    }
    auto exec = r.exec ? regexFor(execGlob, r.exec->loc) : std::optional<std::string>(kAnyExecutable);
    std::optional<std::string> target;
    size_t nsEnd = targetGlob.size() > 1 && targetGlob[0] == ':' ? targetGlob.find(':', 1) : std::string::npos;
    if (!cx_.kernelStacks && nsEnd != std::string::npos) {
      // Without stacking support apparmor_parser writes `:ns:name` as the
      // pair `ns \0 name`, the way the transition table stores it.
      auto ns = regexFor(targetGlob.substr(1, nsEnd - 1), r.loc, /*filter=*/false);
      auto rest = regexFor(targetGlob.substr(nsEnd + 1), r.loc, /*filter=*/false);
      if (ns && rest)
        target = pair(*ns, *rest);
    } else {
      target = regexFor(targetGlob, r.loc, /*filter=*/false);
    }
    if (!exec || !target)
      return;
    add(*target, p, kChangeProfileBit | kOnExecBit, origin, /*auditable=*/0);
    add(*exec, p, kOnExecBit, origin, /*auditable=*/0);
    // The pair carries exec bits only when the rule names an executable.
    uint32_t xbits = 0;
    if (r.exec) {
      xbits = kMayExec | (kMayExec << kOtherShift);
      if (r.safety == ExecSafety::Unsafe)
        xbits |= sema::kAllExecUnsafe;
    }
    add(pair(*exec, *target), p, kOnExecBit | xbits, origin, /*auditable=*/0);
  }

public:
  // Rules apparmor_parser adds by itself (kernel-semantics.md §3.2): a
  // profile that may change profile, every hat and every profile with
  // children may read and write its own /proc attr files (owner half only).
  void implicitRules(bool isHat, bool hasChildren) {
    constexpr uint32_t kRead = sema::kMayRead, kWrite = sema::kMayWrite;  // w without its usual a
    Prefix owner;
    owner.owner = OwnerQual::Owner;
    RuleOrigin origin{{}, "(implicit)"};
    if (hasChangeProfile_ || isHat || hasChildren) {
      add("/proc/[^/\\x00][^/\\x00]*/attr/apparmor/", owner, kRead, origin);
      add("/sys/module/apparmor/parameters/enabled", owner, kRead, origin);
    }
    if (hasChangeProfile_)
      add("/proc/[^/\\x00][^/\\x00]*/attr/(apparmor/|)(current|exec)", owner, kWrite, origin);
    if (isHat || hasChildren)
      add("/proc/[0-9][^/\\x00]*/attr/(apparmor/|)current", owner, kWrite, origin);
  }

private:
  LoweringContext &cx_;
  FileRuleSet &out_;
  RuleSetWriter writer_;
  bool hasChangeProfile_ = false;
  bool collecting_ = false;             // planTransitionTable's pass
  std::vector<std::string> collected_;  // exec targets in source order
};

} // namespace

FileRuleSet lowerFileRules(const std::vector<Stmt> &body, LoweringContext &cx) {
  FileRuleSet out;
  Lowering lowering(cx, out);
  lowering.planTransitionTable(body);
  lowering.body(body, Prefix{});
  lowering.implicitRules(cx.isHat, cx.hasChildren);
  return out;
}

} // namespace aasim::dfa

// The syntax tree of a policy. Every node carries the location of its first
// token. Words keep their text after quote/escape processing and before
// variable expansion; semantic passes expand and check them.
#pragma once

#include "source_manager.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace aasim::frontend::ast {

struct Word {
  std::string text;
  SourceLoc loc;
};

enum class RuleMode { Unspecified, Allow, Deny, Prompt };
enum class OwnerQual { Unspecified, Owner, Other };
enum class ExecSafety { Unspecified, Safe, Unsafe };

/// `[priority=N] [audit] [allow|deny|prompt] [owner|other]`.
struct Prefix {
  std::optional<int> priority;
  bool audit = false;
  RuleMode mode = RuleMode::Unspecified;
  OwnerQual owner = OwnerQual::Unspecified;
  SourceLoc loc;
  bool empty() const {
    return !priority && !audit && mode == RuleMode::Unspecified && owner == OwnerQual::Unspecified;
  }
};

/// `name`, `name=value`, `name=(v1 v2)` or `name in (v1 v2)`.
struct Cond {
  enum class Op { Bare, Equals, In };
  Word name;
  Op op = Op::Bare;
  bool parenthesized = false;
  std::vector<Word> values;
};

/// `peer=(...)` / `xattrs=(...)`.
struct CondList {
  Word name;
  std::vector<Cond> conds;
};

/// A permission word of a class rule: a keyword (send, read, ...), a mode
/// string (rw) or a list value.
struct PermWord {
  Word word;
  bool isMode = false;
};

struct FileRule {
  Prefix prefix;
  bool fileKeyword = false;
  bool bare = false;  // `file,`
  ExecSafety safety = ExecSafety::Unspecified;
  Word path;
  Word modes;
  bool leadingModes = false;
  bool subset = false;
  std::optional<Word> target;  // `-> target` (exec transition or link target)
  SourceLoc loc;
};

struct LinkRule {
  Prefix prefix;
  bool subset = false;
  Word link;
  Word target;
  SourceLoc loc;
};

struct CapabilityRule {
  Prefix prefix;
  std::vector<Word> names;
  SourceLoc loc;
};

enum class RuleClass { Network, Unix, Dbus, Signal, Ptrace, Mount, Remount, Umount, PivotRoot, Userns, Mqueue, IoUring };

const char *ruleClassName(RuleClass c);

/// A profile's name without its `:ns:` or `:ns://` namespace prefix.
std::string nameWithoutNamespace(const std::string &name);

/// The prefix a rule inside a prefix block ends up with: its own
/// qualifiers, and the block's where it has none.
Prefix combinePrefix(const Prefix &outer, const Prefix &inner);

/// Every rule class whose grammar is `keyword [perms] [conds] [ids] [peer=(...)]`.
struct ClassRule {
  RuleClass cls;
  Prefix prefix;
  std::vector<PermWord> perms;
  bool permsParenthesized = false;
  std::vector<Word> ids;             // positional words (family/type, mount source, mqueue name...)
  std::vector<Cond> conds;
  std::optional<CondList> condList;  // peer=(...)
  bool hasArrow = false;             // mount/pivot_root `->`
  std::vector<Cond> targetConds;     // mount: conds after ->
  std::optional<Word> target;        // mount point / pivot_root transition
  SourceLoc loc;
};

struct AllRule {
  Prefix prefix;
  SourceLoc loc;
};

struct ChangeProfileRule {
  Prefix prefix;
  ExecSafety safety = ExecSafety::Unspecified;
  std::optional<Word> exec;
  std::optional<Word> target;
  SourceLoc loc;
};

struct RlimitRule {
  Word name;
  Word value;
  std::optional<Word> unit;
  SourceLoc loc;
};

struct AbiRule {
  Word name;
  bool search = false;  // <...>
  SourceLoc loc;
};

struct Stmt;
struct Profile;

/// `audit { ... }`, `deny { ... }`, `owner { ... }`.
struct PrefixBlock {
  Prefix prefix;
  std::vector<Stmt> body;
  SourceLoc loc;
};

/// An `if` whose condition was evaluated while parsing (as apparmor_parser
/// does); only the chosen branch is kept, with the condition's source text.
struct Conditional {
  std::string conditionText;
  bool taken = false;
  std::vector<Stmt> body;  // the chosen branch, possibly empty
  SourceLoc loc;
};

enum class ProfileKind { Top, Hat, Child };

struct Profile {
  ProfileKind kind = ProfileKind::Top;
  bool keyword = false;  // declared with `profile`/`hat`/`^`
  Word name;
  std::optional<Word> attachment;
  std::optional<CondList> xattrs;
  std::vector<std::vector<Word>> identities;
  std::vector<Word> flags;
  std::vector<Stmt> body;
  SourceLoc loc;
  SourceLoc closeLoc;  // the closing brace
};

struct Stmt {
  std::variant<FileRule, LinkRule, CapabilityRule, ClassRule, AllRule, ChangeProfileRule, RlimitRule, AbiRule,
               PrefixBlock, Conditional, Profile>
      node;
};

struct Alias {
  Word from;
  Word to;
  SourceLoc loc;
};

enum class AssignOp { Define, Add, DefineIfAbsent, Override };

struct VarAssign {
  Word name;  // @{X} or $X as written
  AssignOp op = AssignOp::Define;
  std::vector<Word> values;      // set variables
  std::optional<bool> boolean;   // boolean variables: the evaluated value
  SourceLoc loc;
};

struct PreambleItem {
  std::variant<Alias, VarAssign, AbiRule> node;
};

struct Policy {
  std::vector<PreambleItem> preamble;
  std::vector<Profile> profiles;
};

/// The rules `all,` stands for (language-6.0.md §4.2), with its prefix:
/// every rule class unconditionally, `/{**,} rwlkm`, `priority=-1 /{**,}
/// ix` and `capability`. Every lowering reads an `all` rule through this.
std::vector<Stmt> expandAll(const AllRule &r);

} // namespace aasim::frontend::ast

// mount, remount, umount and pivot_root rules.
//
// apparmor_parser rejects these rules at three points, and so do we:
//  1. while parsing: unknown conditionals, conditionals after `->`, a
//     pivot_root conditional other than oldroot;
//  2. while building the rule: unknown option words and contradictory
//     options (ro with rw) inside one `options=` group;
//  3. while encoding, and only when the kernel mediates mounts: invalid
//     globs, and flag/operand combinations that no mount operation
//     (remount, bind, make-*, move, new mount) can express, e.g.
//     `mount options=(private) /a -> /b,` (make-* takes only one path).
#include "glob_check.h"
#include "sema.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace aasim::frontend::sema {

using namespace ast;

namespace {

// The kernel's MS_* bit values; the parser encodes exactly these.
namespace ms {
constexpr uint32_t Rdonly = 1u << 0;
constexpr uint32_t Nosuid = 1u << 1;
constexpr uint32_t Nodev = 1u << 2;
constexpr uint32_t Noexec = 1u << 3;
constexpr uint32_t Sync = 1u << 4;
constexpr uint32_t Remount = 1u << 5;
constexpr uint32_t Mand = 1u << 6;
constexpr uint32_t Dirsync = 1u << 7;
constexpr uint32_t Nosymfollow = 1u << 8;
constexpr uint32_t Noatime = 1u << 10;
constexpr uint32_t Nodiratime = 1u << 11;
constexpr uint32_t Bind = 1u << 12;
constexpr uint32_t Move = 1u << 13;
constexpr uint32_t Rec = 1u << 14;
constexpr uint32_t Silent = 1u << 15;  // also MS_VERBOSE
constexpr uint32_t Acl = 1u << 16;
constexpr uint32_t Unbindable = 1u << 17;
constexpr uint32_t Private = 1u << 18;
constexpr uint32_t Slave = 1u << 19;
constexpr uint32_t Shared = 1u << 20;
constexpr uint32_t Relatime = 1u << 21;
constexpr uint32_t Iversion = 1u << 23;
constexpr uint32_t Strictatime = 1u << 24;
constexpr uint32_t Lazytime = 1u << 25;
constexpr uint32_t Nouser = 1u << 31;

constexpr uint32_t All = Rdonly | Nosuid | Nodev | Noexec | Sync | Remount | Mand | Dirsync | Nosymfollow | Noatime |
                         Nodiratime | Bind | Rec | Move | Silent | Acl | Unbindable | Private | Slave | Shared |
                         Relatime | Iversion | Strictatime | Lazytime | Nouser;
// Propagation changes (mount --make-*), with or without MS_REC.
constexpr uint32_t MakeCmds = Unbindable | Private | Slave | Shared | Rec;
// Flags that select a mount operation rather than describe the mount.
constexpr uint32_t Cmds = Move | Remount | Bind | Rec | MakeCmds;
// Remount may carry make-* flags (the kernel ignores them) but not move.
constexpr uint32_t RemountFlags = All & ~Move;
} // namespace ms

// One `options` word: the flag bits it requires set and required clear.
struct OptionWord {
  std::string_view name;
  uint32_t set;
  uint32_t clear;
};

constexpr std::array<OptionWord, 60> kOptionWords = {{
    {"ro", ms::Rdonly, 0}, {"r", ms::Rdonly, 0}, {"read-only", ms::Rdonly, 0},
    {"rw", 0, ms::Rdonly}, {"w", 0, ms::Rdonly},
    {"suid", 0, ms::Nosuid}, {"nosuid", ms::Nosuid, 0},
    {"dev", 0, ms::Nodev}, {"nodev", ms::Nodev, 0},
    {"exec", 0, ms::Noexec}, {"noexec", ms::Noexec, 0},
    {"sync", ms::Sync, 0}, {"async", 0, ms::Sync},
    {"remount", ms::Remount, 0},
    {"mand", ms::Mand, 0}, {"nomand", 0, ms::Mand},
    {"dirsync", ms::Dirsync, 0},
    {"symfollow", 0, ms::Nosymfollow}, {"nosymfollow", ms::Nosymfollow, 0},
    {"atime", 0, ms::Noatime}, {"noatime", ms::Noatime, 0},
    {"diratime", 0, ms::Nodiratime}, {"nodiratime", ms::Nodiratime, 0},
    {"bind", ms::Bind, 0}, {"B", ms::Bind, 0},
    {"move", ms::Move, 0}, {"M", ms::Move, 0},
    {"rbind", ms::Bind | ms::Rec, 0}, {"R", ms::Bind | ms::Rec, 0},
    {"verbose", ms::Silent, 0}, {"silent", ms::Silent, 0}, {"loud", 0, ms::Silent},
    {"acl", ms::Acl, 0}, {"noacl", 0, ms::Acl},
    {"unbindable", ms::Unbindable, 0}, {"make-unbindable", ms::Unbindable, 0},
    {"runbindable", ms::Unbindable | ms::Rec, 0}, {"make-runbindable", ms::Unbindable | ms::Rec, 0},
    {"private", ms::Private, 0}, {"make-private", ms::Private, 0},
    {"rprivate", ms::Private | ms::Rec, 0}, {"make-rprivate", ms::Private | ms::Rec, 0},
    {"slave", ms::Slave, 0}, {"make-slave", ms::Slave, 0},
    {"rslave", ms::Slave | ms::Rec, 0}, {"make-rslave", ms::Slave | ms::Rec, 0},
    {"shared", ms::Shared, 0}, {"make-shared", ms::Shared, 0},
    {"rshared", ms::Shared | ms::Rec, 0}, {"make-rshared", ms::Shared | ms::Rec, 0},
    {"relatime", ms::Relatime, 0}, {"norelatime", 0, ms::Relatime},
    {"iversion", ms::Iversion, 0}, {"noiversion", 0, ms::Iversion},
    {"strictatime", ms::Strictatime, 0}, {"nostrictatime", 0, ms::Strictatime},
    {"lazytime", ms::Lazytime, 0}, {"nolazytime", 0, ms::Lazytime},
    {"user", 0, ms::Nouser}, {"nouser", ms::Nouser, 0},
}};

const OptionWord *findOption(std::string_view name) {
  for (const auto &o : kOptionWords)
    if (o.name == name)
      return &o;
  return nullptr;
}

bool isOptionsCond(const Cond &c) { return c.name.text == "options" || c.name.text == "option"; }
bool isFstypeCond(const Cond &c) { return c.name.text == "fstype" || c.name.text == "vfstype"; }

// The flag alternatives a rule allows: each `options=` group is one
// required set, each `options in` group one optional set; the rule covers
// every (required, optional) pair.
struct FlagSets {
  std::vector<uint32_t> required;
  std::vector<uint32_t> optional;
};

// Options are matched as written: the parser never expands variables in
// them, so `options=@{x}` is an unknown option word.
std::optional<FlagSets> collectFlags(const ClassRule &r, bool remount, Context &cx) {
  FlagSets fs;
  bool ok = true;
  // `in` groups first, then `=` groups, as the parser extracts them; the
  // order only affects which error is reported first.
  for (bool equals : {false, true}) {
    for (const auto &c : r.conds) {
      if (!isOptionsCond(c) || (c.op == Cond::Op::Equals) != equals)
        continue;
      uint32_t set = 0, clear = 0;
      for (const auto &v : c.values) {
        const OptionWord *o = findOption(v.text);
        if (!o) {
          cx.error(v.loc, fmt::format("unsupported mount option value '{}'", v.text));
          ok = false;
          continue;
        }
        set |= o->set;
        clear |= o->clear;
      }
      if (!equals) {
        // An optional flag may be set or clear, so both words mean "either".
        fs.optional.push_back(set | clear);
        continue;
      }
      if (remount)
        set |= ms::Remount;
      if (set & clear) {
        cx.error(c.name.loc, "conflicting flags in the rule");
        ok = false;
      }
      fs.required.push_back(set);
    }
  }
  if (!ok)
    return std::nullopt;
  // Missing groups default to "anything" (remount: anything a remount can
  // carry); a missing half of a pair defaults to "nothing more".
  if (fs.required.empty() && fs.optional.empty()) {
    fs.required.push_back(remount ? ms::Remount : ms::All);
    fs.optional.push_back(remount ? (ms::RemountFlags & ~ms::Remount) : ms::All);
  } else if (fs.required.empty()) {
    fs.required.push_back(remount ? ms::Remount : 0);
  } else if (fs.optional.empty()) {
    fs.optional.push_back(0);
  }
  return fs;
}

// The operands of a mount rule after variable expansion; an absent one
// matches anything and needs no glob check.
struct Operands {
  std::optional<std::string> device;      // mount source / pivot_root oldroot
  std::optional<std::string> mountPoint;  // mount target / remount, umount path / new root
  std::vector<std::pair<std::string, SourceLoc>> fstypes;
  SourceLoc deviceLoc, mountPointLoc;
};

// Mount operations a flag combination is encoded as.
enum Op : unsigned { OpRemount = 1, OpBind = 2, OpChangeType = 4, OpMove = 8, OpNew = 16 };

// Which operations one (required, optional) pair produces: a rule with
// no fixed flags may be any operation its operands allow; otherwise the
// first operation-selecting flag decides, and plain flags mean a new mount.
unsigned operationsFor(uint32_t flags, uint32_t optFlags, const Operands &o) {
  bool hasType = !o.fstypes.empty();
  bool onePath = !o.device || !o.mountPoint;
  if (!flags || flags == ms::All) {
    unsigned ops = OpNew;
    if (!o.device && !hasType)
      ops |= OpRemount;
    if (!hasType)
      ops |= OpBind | OpMove;
    if (onePath && !hasType)
      ops |= OpChangeType;
    return ops;
  }
  if ((flags & ms::Remount) && !o.device && !hasType)
    return OpRemount;
  if ((flags & ms::Bind) && !hasType)
    return OpBind;
  // Propagation changes act on one path only.
  if ((flags & ms::MakeCmds) && onePath && !hasType)
    return OpChangeType;
  if ((flags & ms::Move) && !hasType)
    return OpMove;
  if ((flags | optFlags) & ~ms::Cmds)
    return OpNew;
  return 0;
}

bool globOk(const std::optional<std::string> &s, SourceLoc loc, Context &cx) {
  if (!s)
    return true;
  if (auto err = checkGlob(*s)) {
    cx.error(loc, *err);
    return false;
  }
  return true;
}

// The encoder turns operands into match strings; a `detached` source is
// not a path and is encoded as the empty string, so it is not checked.
bool encodeOk(unsigned ops, const Operands &o, Context &cx) {
  bool detached = o.device && *o.device == "detached";
  bool ok = globOk(o.mountPoint, o.mountPointLoc, cx);
  bool sourceAsPath = (ops & (OpBind | OpMove | OpNew)) && !detached;
  // remount and make-* fall back to the source when no mount point is given.
  bool sourceAsTarget = (ops & (OpRemount | OpChangeType)) && !o.mountPoint;
  if (ok && (sourceAsPath || sourceAsTarget))
    ok = globOk(o.device, o.deviceLoc, cx);
  if (ok && (ops & OpNew)) {
    for (const auto &[t, loc] : o.fstypes)
      if (!(ok = globOk(t, loc, cx)))
        break;
  }
  return ok;
}

std::optional<std::string> expandOptional(const std::optional<Word> &w, Context &cx, bool &ok) {
  if (!w)
    return std::nullopt;
  auto s = cx.expand(*w);
  if (!s)
    ok = false;
  return s;
}

void checkPivotRoot(const ClassRule &r, Context &cx) {
  Operands o;
  std::optional<Word> oldroot;
  // The grammar keeps its conditionals newest first and only looks at the
  // head: the last one written must be oldroot, earlier ones are ignored.
  if (!r.conds.empty()) {
    const Cond &c = r.conds.back();
    if (c.name.text != "oldroot")
      return cx.error(c.name.loc, fmt::format("invalid pivotroot conditional '{}'", c.name.text));
    if (!c.values.empty())
      oldroot = c.values.front();
  }
  bool ok = true;
  std::optional<Word> root;
  if (!r.ids.empty())
    root = r.ids.front();
  o.mountPoint = expandOptional(root, cx, ok);
  if (root)
    o.mountPointLoc = root->loc;
  o.device = expandOptional(oldroot, cx, ok);
  if (oldroot)
    o.deviceLoc = oldroot->loc;
  // The transition is expanded but never matched against anything yet.
  expandOptional(r.target, cx, ok);
  if (!ok || !cx.features().has("mount"))
    return;
  if (globOk(o.mountPoint, o.mountPointLoc, cx))
    globOk(o.device, o.deviceLoc, cx);
}

} // namespace

void checkMount(const ClassRule &r, Context &cx) {
  rejectOwnerPrefix(r, cx);
  if (r.cls == RuleClass::PivotRoot)
    return checkPivotRoot(r, cx);

  // Parse-time checks: conditionals before the paths.
  bool condsOk = true;
  for (const auto &c : r.conds) {
    if (!isOptionsCond(c) && !isFstypeCond(c)) {
      cx.error(c.name.loc, fmt::format("invalid mount conditional {}", c.name.text));
      condsOk = false;
    }
  }
  if (!condsOk)
    return;
  if (!r.targetConds.empty())
    return cx.error(r.targetConds.front().name.loc, "mount point conditions not currently supported");

  bool remount = r.cls == RuleClass::Remount;
  auto flags = collectFlags(r, remount, cx);
  if (!flags)
    return;

  // mount's positional word is the source; remount and umount name the
  // mount point directly.
  Operands o;
  bool ok = true;
  std::optional<Word> source, target;
  if (r.cls == RuleClass::Mount) {
    if (!r.ids.empty())
      source = r.ids.front();
    target = r.target;
  } else if (!r.ids.empty()) {
    target = r.ids.front();
  }
  o.device = expandOptional(source, cx, ok);
  if (source)
    o.deviceLoc = source->loc;
  o.mountPoint = expandOptional(target, cx, ok);
  if (target)
    o.mountPointLoc = target->loc;
  for (const auto &c : r.conds) {
    if (!isFstypeCond(c))
      continue;
    for (const auto &v : c.values) {
      if (auto t = cx.expand(v))
        o.fstypes.emplace_back(*t, v.loc);
      else
        ok = false;
    }
  }
  if (!ok)
    return;

  // Without kernel mount mediation the rule is dropped before encoding.
  if (!cx.features().has("mount"))
    return;

  if (r.cls == RuleClass::Umount) {
    globOk(o.mountPoint, o.mountPointLoc, cx);
    return;
  }
  unsigned ops = 0;
  for (uint32_t req : flags->required)
    for (uint32_t opt : flags->optional)
      ops |= operationsFor(req, opt, o);
  if (!ops)
    return cx.error(r.loc, "Encoding of mount rule failed: no mount operation matches these options and paths");
  encodeOk(ops, o, cx);
}

} // namespace aasim::frontend::sema

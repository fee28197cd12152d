#include "mount_rules.h"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace aasim::dfa {

namespace {

// The kernel's MS_* bits as 3.0.8's mount.h names them.
namespace ms {
constexpr uint32_t Rdonly = 1u << 0, Nosuid = 1u << 1, Nodev = 1u << 2, Noexec = 1u << 3, Sync = 1u << 4;
constexpr uint32_t Remount = 1u << 5, Mand = 1u << 6, Dirsync = 1u << 7, Noatime = 1u << 10;
constexpr uint32_t Nodiratime = 1u << 11, Bind = 1u << 12, Move = 1u << 13, Rec = 1u << 14;
constexpr uint32_t Silent = 1u << 15, Acl = 1u << 16, Unbindable = 1u << 17, Private = 1u << 18;
constexpr uint32_t Slave = 1u << 19, Shared = 1u << 20, Relatime = 1u << 21, Iversion = 1u << 23;
constexpr uint32_t Strictatime = 1u << 24, Nouser = 1u << 31;
// `user` is 0 in 3.0.8, so nouser is not part of "all flags".
constexpr uint32_t All = Rdonly | Nosuid | Nodev | Noexec | Sync | Remount | Mand | Dirsync | Noatime | Nodiratime |
                         Bind | Rec | Move | Silent | Acl | Unbindable | Private | Slave | Shared | Relatime |
                         Iversion | Strictatime;
constexpr uint32_t Propagation = Unbindable | Private | Slave | Shared;
constexpr uint32_t Cmds = Move | Remount | Bind | Rec | Propagation;
// Flags the kernel strips from a new mount's flags before using them.
constexpr uint32_t Masked = Nosuid | Noexec | Nodev | Noatime | Nodiratime | Relatime | Strictatime;
constexpr uint32_t BindFlags = Bind | Rec;
constexpr uint32_t MakeFlags = Propagation | Rec | (All & ~Masked);
constexpr uint32_t MoveFlags = Move;
constexpr uint32_t RemountFlags = All & ~(Cmds & ~Remount & ~Bind & ~Rec);
} // namespace ms

struct OptionWord {
  std::string_view name;
  uint32_t set, clear;
};

constexpr std::array<OptionWord, 55> kOptionWords = {{
    {"ro", ms::Rdonly, 0}, {"r", ms::Rdonly, 0}, {"read-only", ms::Rdonly, 0}, {"rw", 0, ms::Rdonly},
    {"w", 0, ms::Rdonly}, {"suid", 0, ms::Nosuid}, {"nosuid", ms::Nosuid, 0}, {"dev", 0, ms::Nodev},
    {"nodev", ms::Nodev, 0}, {"exec", 0, ms::Noexec}, {"noexec", ms::Noexec, 0}, {"sync", ms::Sync, 0},
    {"async", 0, ms::Sync}, {"remount", ms::Remount, 0}, {"mand", ms::Mand, 0}, {"nomand", 0, ms::Mand},
    {"dirsync", ms::Dirsync, 0}, {"atime", 0, ms::Noatime}, {"noatime", ms::Noatime, 0},
    {"diratime", 0, ms::Nodiratime}, {"nodiratime", ms::Nodiratime, 0}, {"bind", ms::Bind, 0}, {"B", ms::Bind, 0},
    {"move", ms::Move, 0}, {"M", ms::Move, 0}, {"rbind", ms::Bind | ms::Rec, 0}, {"R", ms::Bind | ms::Rec, 0},
    {"verbose", ms::Silent, 0}, {"silent", ms::Silent, 0}, {"loud", 0, ms::Silent}, {"acl", ms::Acl, 0},
    {"noacl", 0, ms::Acl}, {"unbindable", ms::Unbindable, 0}, {"make-unbindable", ms::Unbindable, 0},
    {"runbindable", ms::Unbindable | ms::Rec, 0}, {"make-runbindable", ms::Unbindable | ms::Rec, 0},
    {"private", ms::Private, 0}, {"make-private", ms::Private, 0}, {"rprivate", ms::Private | ms::Rec, 0},
    {"make-rprivate", ms::Private | ms::Rec, 0}, {"slave", ms::Slave, 0}, {"make-slave", ms::Slave, 0},
    {"rslave", ms::Slave | ms::Rec, 0}, {"make-rslave", ms::Slave | ms::Rec, 0}, {"shared", ms::Shared, 0},
    {"make-shared", ms::Shared, 0}, {"rshared", ms::Shared | ms::Rec, 0}, {"make-rshared", ms::Shared | ms::Rec, 0},
    {"relatime", ms::Relatime, 0}, {"norelatime", 0, 0}, {"iversion", ms::Iversion, 0}, {"noiversion", 0, ms::Iversion},
    {"strictatime", ms::Strictatime, 0}, {"user", 0, ms::Nouser}, {"nouser", ms::Nouser, 0},
}};

constexpr uint32_t kMayPivotRoot = 0x1, kMayMount = 0x2, kMayUmount = 0x4;
constexpr uint32_t kAuditData = 0x40;
constexpr const char *kAny = "[^\\x00]*";
constexpr const char *kClass = "\\x07";

void addWords(const std::vector<std::string> &words, uint32_t &set, uint32_t &clear) {
  for (const auto &w : words)
    for (const auto &o : kOptionWords)
      if (o.name == w) {
        set |= o.set;
        clear |= o.clear;
      }
}

// The flags element: a byte i+1 per required bit i, `(\xNN|)` per optional
// one; a rule allowing all flags matches any flag bytes.
std::string flagsElement(uint32_t flags, uint32_t invFlags) {
  if (flags == ms::All)
    return kAny;
  std::string out;
  for (unsigned i = 0; i < 32; ++i) {
    uint32_t bit = 1u << i;
    if (flags & invFlags & bit)
      out += fmt::format("(\\x{:02x}|)", i + 1);
    else if (flags & bit)
      out += fmt::format("\\x{:02x}", i + 1);
  }
  // Nothing may be set: a byte no flag uses, made optional.
  return out.empty() ? "(\\xfe|)" : out;
}

// 3.0.8 masks the required flags of each operation but never the
// optional ones (it masks the same variable twice).
std::string maskedFlags(uint32_t flags, uint32_t invFlags, uint32_t keep) {
  uint32_t f = flags;
  if (flags != ms::All)
    f &= keep;
  if (invFlags != ms::All)
    f &= keep;
  return flagsElement(f, invFlags);
}

std::string join(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto &p : parts)
    out += (out.empty() ? std::string(kClass) : std::string("\\x00")) + p;
  return out;
}

} // namespace

std::vector<MountString> mountStrings(const MountSpec &spec) {
  std::vector<MountString> out;
  const std::string any = kAny;
  std::string point = spec.mountPoint.value_or(any), device = spec.device.value_or(any);
  if (spec.kind == MountKind::Umount) {
    out.push_back({join({point}), kMayUmount, 0});
    return out;
  }
  if (spec.kind == MountKind::PivotRoot) {
    out.push_back({join({point, device}), kMayPivotRoot, 0});
    return out;
  }
  uint32_t flags = 0, invFlags = 0;
  addWords(spec.requiredOptions, flags, invFlags);
  uint32_t optSet = 0, optClear = 0;
  addWords(spec.optionalOptions, optSet, optClear);
  flags |= optSet | optClear;
  invFlags |= optSet | optClear;
  if (spec.kind == MountKind::Remount) {
    flags |= ms::Remount;
    invFlags = 0;
  } else if (!(flags | invFlags)) {
    flags = invFlags = ms::All;
  }
  const bool hasType = !spec.fstypes.empty(), hasDevice = spec.device.has_value();
  if ((flags & ms::Remount) && !hasDevice && !hasType)
    out.push_back({join({spec.mountPoint.value_or(device), any, any, maskedFlags(flags, invFlags, ms::RemountFlags)}),
                   kMayMount, kAuditData});
  if ((flags & ms::Bind) && !hasType)
    out.push_back({join({point, device, any, maskedFlags(flags, invFlags, ms::BindFlags)}), kMayMount, 0});
  if ((flags & ms::Propagation) && !hasDevice && !hasType)
    out.push_back({join({point, any, any, maskedFlags(flags, invFlags, ms::MakeFlags)}), kMayMount, 0});
  if ((flags & ms::Move) && !hasType)
    out.push_back({join({point, device, any, maskedFlags(flags, invFlags, ms::MoveFlags)}), kMayMount, 0});
  if ((flags | invFlags) & ~ms::Cmds) {
    std::string types = any;
    if (hasType) {
      types = "(";
      for (size_t i = 0; i < spec.fstypes.size(); ++i)
        types += (i ? "|" : "") + spec.fstypes[i];
      types += ")";
    }
    uint32_t f = flags == ms::All ? flags : flags & ~ms::Cmds;
    uint32_t inv = invFlags == ms::All ? invFlags : invFlags & ~ms::Cmds;
    out.push_back({join({point, device, types, flagsElement(f, inv)}), kMayMount, kAuditData});
  }
  return out;
}

} // namespace aasim::dfa

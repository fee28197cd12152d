// What the kernel makes of the permission words it loads (kernel-semantics.md
// §2.4-2.6): the file automaton's accept words become a user (owner) and an
// other entry of new-style permission bits with an exec index; the policy
// automaton's words become one entry without owner split. Every decision of
// the simulator goes through these, so aasim's own tables and
// apparmor_parser's are read exactly alike.
#pragma once

#include "dfa/kernel_dfa.h"

#include <cstdint>

namespace aasim::simulator {

/// New-style kernel permission bits (include/perms.h).
namespace perm {
inline constexpr uint32_t kExec = 0x1, kWrite = 0x2, kRead = 0x4, kAppend = 0x8, kCreate = 0x10, kDelete = 0x20,
                          kOpen = 0x40, kRename = 0x80, kSetattr = 0x100, kGetattr = 0x200, kChmod = 0x1000,
                          kChown = 0x2000, kLock = 0x8000, kExecMmap = 0x10000, kLink = 0x40000,
                          kContMatch = 0x08000000, kOnexec = 0x20000000, kChangeProfile = 0x40000000;
/// Policy-class bits (network, signal, ptrace, mount, dbus share the low ones).
inline constexpr uint32_t kNetCreate = 0x10, kNetConnect = 0x40, kNetAccept = 0x100000, kNetBind = 0x200000,
                          kNetListen = 0x400000, kNetSend = 0x2, kNetReceive = 0x4, kNetShutdown = 0x20,
                          kNetSetattr = 0x100, kNetGetattr = 0x200, kNetSetopt = 0x1000000, kNetGetopt = 0x2000000;
} // namespace perm

/// The kernel's exec index of a file permission entry (16-bit layout).
struct ExecIndex {
  enum class Type : uint8_t { None, Name, Table };
  Type type = Type::None;
  uint32_t tableIndex = 0;  // Table: slot in the profile's transition table
  bool child = false;       // Name: search the profile's children
  bool unsafe = false;      // no environment scrubbing
  bool inherit = false;     // fall back to (or stay in) the current profile
  bool unconfined = false;  // fall back to (or go) unconfined
  bool operator==(const ExecIndex &) const = default;
};

struct Perms {
  uint32_t allow = 0, audit = 0, quiet = 0, kill = 0;
  ExecIndex xindex;
  bool operator==(const Perms &) const = default;
};

/// One half (owner or other) of a file automaton state's words.
Perms filePerms(uint32_t accept, uint32_t accept2, bool owner);

/// A policy automaton state's words, for a record of kernel ABI `abi`
/// (the version word's low byte).
Perms policyPerms(uint32_t accept, uint32_t accept2, uint32_t abi);

/// The same for state `state` of loaded tables (ACCEPT2 may be absent).
Perms filePermsAt(const dfa::KernelDfa &t, uint32_t state, bool owner);
Perms policyPermsAt(const dfa::KernelDfa &t, uint32_t state, uint32_t abi);

} // namespace aasim::simulator

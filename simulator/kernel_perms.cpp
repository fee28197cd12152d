#include "kernel_perms.h"

namespace aasim::simulator {

namespace {

// Old-style bits of one 14-bit half (the parser's encoding).
constexpr uint32_t kOldExec = 0x1, kOldWrite = 0x2, kOldRead = 0x4, kOldAppend = 0x8, kOldLink = 0x10,
                   kOldLock = 0x20, kOldMmap = 0x40, kOldPux = 0x80, kOldUnsafe = 0x100, kOldInherit = 0x200;

// The compat mapping of 7 or 14 old bits to new-style permissions.
uint32_t mapOldBits(uint32_t h) {
  uint32_t p = h & (kOldExec | kOldWrite | kOldRead | kOldAppend);
  if (h & kOldRead)
    p |= perm::kGetattr | perm::kOpen;
  if (h & kOldWrite)
    p |= perm::kSetattr | perm::kCreate | perm::kDelete | perm::kChmod | perm::kChown | perm::kOpen;
  if (h & kOldLink)
    p |= perm::kLink;
  if (h & kOldLock)
    p |= perm::kLock;
  if (h & kOldMmap)
    p |= perm::kExecMmap;
  return p;
}

ExecIndex execIndex(uint32_t h) {
  ExecIndex x;
  x.unsafe = h & kOldUnsafe;
  x.inherit = h & kOldInherit;
  x.unconfined = h & kOldPux;
  uint32_t nibble = (h >> 10) & 0xf;
  switch (nibble) {
  case 0: break;
  case 1: x.unconfined = true; break;
  case 2: x.type = ExecIndex::Type::Name; break;
  case 3:
    x.type = ExecIndex::Type::Name;
    x.child = true;
    break;
  default:
    x.type = ExecIndex::Type::Table;
    x.tableIndex = nibble - 4;
    break;
  }
  return x;
}

// Policy-class bits stored in the "other" half (compute_perms_entry).
uint32_t mapOther(uint32_t x) { return ((x & 0x3) << 8) | ((x & 0x1c) << 18) | ((x & 0x60) << 19); }
uint32_t mapXbits(uint32_t x) { return ((x & 1) << 7) | ((x & 0x7e) << 9); }

} // namespace

Perms filePerms(uint32_t accept, uint32_t accept2, bool owner) {
  const unsigned shift = owner ? 0 : 14;
  const uint32_t h = (accept >> shift) & 0x3fff;
  Perms p;
  p.allow = mapOldBits(h) | perm::kGetattr;
  if (accept & 0x80000000u)
    p.allow |= perm::kChangeProfile;
  if (accept & 0x40000000u)
    p.allow |= perm::kOnexec;
  // ACCEPT2: 7 audit bits then 7 quiet bits per half.
  const uint32_t packed = (accept2 >> shift) & 0x3fff;
  p.audit = mapOldBits(packed & 0x7f);
  p.quiet = mapOldBits((packed >> 7) & 0x7f);
  p.xindex = execIndex(h);
  return p;
}

Perms policyPerms(uint32_t accept, uint32_t accept2, uint32_t abi) {
  Perms p;
  p.allow = (accept & 0x7f) | (accept & 0x80000000u) | mapOther((accept >> 14) & 0x7f);
  if (abi <= 8)
    p.allow |= perm::kLock;
  else
    p.allow |= mapXbits((accept >> 7) & 0x7f);
  p.audit = (accept2 & 0x7f) | mapOther((accept2 >> 14) & 0x7f);
  p.quiet = ((accept2 >> 7) & 0x7f) | mapOther((accept2 >> 21) & 0x7f);
  if (abi > 8)
    p.quiet |= mapXbits((accept >> 21) & 0x7f);
  return p;
}

Perms filePermsAt(const dfa::KernelDfa &t, uint32_t state, bool owner) {
  return filePerms(t.accept[state], t.accept2.empty() ? 0 : t.accept2[state], owner);
}

Perms policyPermsAt(const dfa::KernelDfa &t, uint32_t state, uint32_t abi) {
  return policyPerms(t.accept[state], t.accept2.empty() ? 0 : t.accept2[state], abi);
}

} // namespace aasim::simulator

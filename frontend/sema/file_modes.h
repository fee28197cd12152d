// File permission strings (`rwlkm`, `ix`, `Px`, `pux`, ...) and their bit
// encoding: the 14-bit per-half layout of kernel-semantics.md §2.1.
#pragma once

#include "../ast.h"

#include <cstdint>
#include <optional>
#include <string>

namespace aasim::frontend::sema {

inline constexpr uint32_t kMayExec = 0x1, kMayWrite = 0x2, kMayRead = 0x4, kMayAppend = 0x8;
inline constexpr uint32_t kMayLink = 0x10, kMayLock = 0x20, kExecMmap = 0x40;
inline constexpr uint32_t kExecPux = 0x80, kExecUnsafe = 0x100, kExecInherit = 0x200;
inline constexpr uint32_t kExecUnconfined = 1u << 10, kExecProfile = 2u << 10, kExecLocal = 3u << 10;
inline constexpr uint32_t kExecModifiers = 0xfu << 10;
inline constexpr uint32_t kExecType = kExecPux | kExecUnsafe | kExecInherit | kExecModifiers;  // 0x3f80
inline constexpr uint32_t kOtherShift = 14;
inline constexpr uint32_t kExecBits = kMayExec | (kMayExec << kOtherShift);
inline constexpr uint32_t kLinkBits = kMayLink | (kMayLink << kOtherShift);
inline constexpr uint32_t kAllExecType = kExecType | (kExecType << kOtherShift);
inline constexpr uint32_t kAllExecUnsafe = kExecUnsafe | (kExecUnsafe << kOtherShift);

/// Parses a mode string into both halves (user | other<<14). Fails on
/// conflicting exec qualifiers and on `a` together with `w`.
std::optional<uint32_t> parseFileModes(const std::string &modes, std::string &error);

/// The permission bits of a file rule: its modes (or the bare `file,`
/// set), the `safe`/`unsafe` exec prefix, and the owner/other half
/// selection of its (block-combined) prefix. nullopt when the modes do not
/// parse (the rule check reports that).
std::optional<uint32_t> fileRulePerms(const ast::FileRule &r, ast::OwnerQual owner);

} // namespace aasim::frontend::sema

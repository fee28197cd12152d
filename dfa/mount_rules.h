// The policy-DFA strings of mount, remount, umount and pivot_root rules as
// apparmor_parser 3.0.8 encodes them (kernel-semantics.md §3.4, §10.7):
// class byte 7, then mount point, device, filesystem type and one byte
// per mount flag, joined by NUL. One rule yields a string per mount
// operation it can stand for (remount, bind, propagation change, move,
// new mount), each with the flags that operation may carry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aasim::dfa {

enum class MountKind { Mount, Remount, Umount, PivotRoot };

/// A mount rule with its operands already converted to regexes (nullopt:
/// absent, matches anything) and its option words as written.
struct MountSpec {
  MountKind kind = MountKind::Mount;
  std::optional<std::string> mountPoint, device;  // regexes
  std::vector<std::string> fstypes;               // regexes
  std::vector<std::string> requiredOptions;       // options=(...) words
  std::vector<std::string> optionalOptions;       // options in (...) words
};

struct MountString {
  std::string regex;  // class byte included
  uint32_t perms = 0;
  uint32_t extraAudit = 0;  // 3.0.8 asks the kernel to log the data string
};

/// The strings of one rule; unknown option words are ignored (the
/// frontend rejects them).
std::vector<MountString> mountStrings(const MountSpec &spec);

} // namespace aasim::dfa

#include "file_modes.h"

#include <cctype>
#include <fmt/format.h>

namespace aasim::frontend::sema {

namespace {

// True when `perms` already has an exec qualifier different from `q`'s.
bool differentQualifier(uint32_t perms, uint32_t q) {
  return (perms & kMayExec) && ((perms & kExecType) != (q & kExecType));
}

} // namespace

std::optional<uint32_t> parseFileModes(const std::string &s, std::string &error) {
  uint32_t perms = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    char next = i + 1 < s.size() ? s[i + 1] : '\0';
    char lowerNext = static_cast<char>(std::tolower(static_cast<unsigned char>(next)));
    switch (c) {
    case 'r': case 'R': perms |= kMayRead; break;
    case 'w': case 'W':
      if ((perms & kMayAppend) && !(perms & kMayWrite)) {
        error = "Conflict 'a' and 'w' perms are mutually exclusive.";
        return std::nullopt;
      }
      perms |= kMayWrite | kMayAppend;
      break;
    case 'a':
      if (perms & kMayWrite) {
        error = "Conflict 'a' and 'w' perms are mutually exclusive.";
        return std::nullopt;
      }
      perms |= kMayAppend;
      break;
    case 'l': case 'L': perms |= kMayLink; break;
    case 'k': perms |= kMayLock; break;
    case 'm': case 'M': perms |= kExecMmap; break;
    case 'x': case 'X': perms |= kMayExec; break;
    case 'i': case 'I':
      if (perms & kExecModifiers) {
        error = "Exec qualifier 'i' invalid, conflicting qualifier already specified";
        return std::nullopt;
      }
      perms |= kExecInherit | kMayExec;
      ++i;
      break;
    case 'u': case 'U': {
      uint32_t t = (c == 'u' ? kExecUnsafe : 0) | kExecUnconfined | kMayExec;
      if (differentQualifier(perms, t)) {
        error = fmt::format("Exec qualifier '{}' invalid, conflicting qualifier already specified", c);
        return std::nullopt;
      }
      perms |= t;
      ++i;
      break;
    }
    case 'p': case 'P': case 'c': case 'C': {
      uint32_t t = (std::islower(static_cast<unsigned char>(c)) ? kExecUnsafe : 0) |
                   (std::tolower(static_cast<unsigned char>(c)) == 'p' ? kExecProfile : kExecLocal) | kMayExec;
      if (lowerNext == 'i' || lowerNext == 'u') {
        t |= lowerNext == 'i' ? kExecInherit : kExecPux;
        if (differentQualifier(perms, t)) {
          error = fmt::format("Exec qualifier '{}{}' invalid, conflicting qualifier already specified", c, next);
          return std::nullopt;
        }
        perms |= t;
        i += 2;
      } else {
        if (differentQualifier(perms, t)) {
          error = fmt::format("Exec qualifier '{}' invalid, conflicting qualifier already specified", c);
          return std::nullopt;
        }
        perms |= t;
        ++i;
      }
      break;
    }
    default:
      error = fmt::format("Internal: unexpected perms character '{}' in input", c);
      return std::nullopt;
    }
  }
  return perms | (perms << kOtherShift);
}

std::optional<uint32_t> fileRulePerms(const ast::FileRule &r, ast::OwnerQual owner) {
  uint32_t perms;
  if (r.bare) {
    perms = kMayRead | kMayWrite | kMayAppend | kMayLink | kMayLock | kExecMmap | kExecInherit | kMayExec;
    perms |= perms << kOtherShift;
  } else {
    std::string err;
    auto parsed = parseFileModes(r.modes.text, err);
    if (!parsed)
      return std::nullopt;
    perms = *parsed;
    if (r.safety == ast::ExecSafety::Unsafe)
      perms |= (perms & kExecBits) << 8 & kAllExecUnsafe;
    else if (r.safety == ast::ExecSafety::Safe)
      perms &= ~kAllExecUnsafe;
  }
  if (owner == ast::OwnerQual::Owner)
    perms &= (1u << kOtherShift) - 1;
  else if (owner == ast::OwnerQual::Other)
    perms &= ~((1u << kOtherShift) - 1);
  return perms;
}

} // namespace aasim::frontend::sema

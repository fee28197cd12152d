// Tokens of the profile language. The set mirrors the terminals of
// apparmor_parser's grammar so that the parser can accept exactly the same
// token sequences.
#pragma once

#include "source_manager.h"

#include <string>

namespace aasim::frontend {

enum class Tok {
  End,
  Id,          // a name, path, glob or label (already unquoted/unescaped)
  CondId,      // NAME before '=' or 'in (' in conditional position
  CondListId,  // peer=( / xattrs=(
  Caret,       // ^
  Open,        // {   (also the keyword "open")
  Close,       // }
  Mode,        // rwlkmix... permission string
  EndOfRule,   // ,
  Equals,
  Arrow,       // ->
  AddAssign,   // +=
  CondAssign,  // ?=
  OverrideAssign, // :=
  Le,          // <=
  SetVar,      // @{X}
  BoolVar,     // $X
  Value,
  If, Else, Not, Defined,
  ChangeProfile, Network, Unix,
  Create, Shutdown, Accept, Connect, Listen, Setopt, Getopt, Setattr, Getattr,
  Hat, Unsafe, Safe, Colon, Link, Owner, Other, Subset, Audit, Deny, Allow, Prompt,
  Profile, Set, Alias, Ptrace, OpenParen, CloseParen, File,
  Mount, Remount, Umount, PivotRoot, In, Dbus, Signal,
  Send, Receive, Bind, Read, Write, Eavesdrop, Peer, Trace, TracedBy, ReadBy,
  Abi, Userns, Mqueue, Delete, IoUring, OverrideCreds, Sqpoll, All, Priority,
  And, Or, EqOp, NeOp, InOp, Gt, Ge, Lt,
  Rlimit, Capability, Flags, Identities, Plus,
};

/// Human-readable token name for "unexpected X" messages.
const char *tokenName(Tok t);

struct Token {
  Tok kind = Tok::End;
  std::string text;  // processed text for ids/values/modes; raw text otherwise
  SourceLoc loc;
  uint32_t length = 0;  // bytes in the source
};

} // namespace aasim::frontend

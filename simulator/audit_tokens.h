// Internal to the audit-log files (audit_log.h is their API): the tokens
// of a kernel AppArmor record and the scanner that makes them
// (audit_tokens.cpp), with the character classes and small text helpers
// the grammar and the line forms read text with too.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aasim::simulator::detail {

// ---------------------------------------------------------------------------
// Characters, as libapparmor's scanner classes them (ASCII only: its
// [[:alnum:]] runs in the C locale).
// These are the ones the grammar and the line forms read with too; the
// scanner's own are in audit_tokens.cpp.

inline bool isDigit(char c) { return c >= '0' && c <= '9'; }
inline bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool isAlnum(char c) { return isDigit(c) || isAlpha(c); }
inline bool isTypeNameChar(char c) { return isAlnum(c) || c == '[' || c == ']' || c == '_' || c == '-'; }

inline size_t runOf(std::string_view s, size_t p, bool (*pred)(char)) {
  size_t q = p;
  while (q < s.size() && pred(s[q]))
    ++q;
  return q - p;
}

inline bool startsWithAt(std::string_view s, size_t p, std::string_view what) {
  return s.size() - std::min(p, s.size()) >= what.size() && s.compare(p, what.size(), what) == 0;
}

// atol() of a digit string: libapparmor stores numbers that way, so an
// overlong number saturates.
int64_t saturatingNumber(std::string_view digits);

// `YYYY-MM-DD` at p: its length (10), else 0.
size_t syslogDateLength(std::string_view s, size_t p);

// ---------------------------------------------------------------------------
// Tokens of a record.

enum class Tok : uint8_t {
  End, Equals, Colon, Minus, OpenParen, CloseParen, Period, QuestionMark, SingleQuote, None,
  Digits, QuotedString, HexString, Word, IpAddr, AuditDigits, DmesgStamp, DateMonth, Date, Time,
  Unrecognized,  // the rest of a line the scanner could not read (libapparmor's TOK_MSG_REST)
  Audit, SocklogdKernel, SyslogKernel, SyslogUser,
  // apparmor="DENIED" ...
  VerdictDenied, VerdictAudit, VerdictAllowed, VerdictHint, VerdictStatus, VerdictError,
  // type=APPARMOR_DENIED ...
  TypeDenied, TypeAudit, TypeAllowed, TypeHint, TypeStatus, TypeError,
  TypeAvc, TypeUserAvc, TypeNumbered,  // type=UNKNOWN[1503]
  TypeOther,                           // type=SYSCALL ...
  Key,
};

enum class Key : uint8_t {
  Apparmor, Type, Msg, Operation, Name, Name2, Namespace, Mask, DeniedMask, RequestedMask, Attribute,
  Task, Parent, MagicToken, Info, PeerInfo, Pid, PeerPid, Profile, PeerProfile, Label, PeerLabel,
  Family, SockType, Protocol, Error, Fsuid, FsuidName, Ouid, OuidName, Uid, Auid, Sauid, Ses,
  Hostname, Addr, Terminal, Exe, Comm, Capability, Capname, Offset, Target, LocalAddr, ForeignAddr,
  LocalPort, ForeignPort, Bus, Path, Interface, Member, Signal, Peer, Fstype, Flags, Srcname, Class,
  PeerAddr, Execpath,
};

struct Token {
  Tok kind = Tok::End;
  Key key = Key::Apparmor;
  size_t pos = 0;  // where it starts in the record text
  std::string text;  // string payloads; the spelling of keys, words and types
  int64_t number = 0;
};

// A record's tokens, the last one Tok::End; `unterminatedQuote` is where
// a quoted string opened that the text never closes.
struct ScannedRecord {
  std::vector<Token> tokens;
  std::optional<size_t> unterminatedQuote;
};
ScannedRecord scanRecord(std::string_view text);

} // namespace aasim::simulator::detail

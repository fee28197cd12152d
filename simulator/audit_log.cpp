#include "audit_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>

namespace aasim::simulator {

namespace {

// ---------------------------------------------------------------------------
// Characters, as libapparmor's scanner classes them (ASCII only: its
// [[:alnum:]] runs in the C locale).

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\x1d'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAlnum(char c) { return isDigit(c) || isAlpha(c); }
bool isUpperHex(char c) { return isDigit(c) || (c >= 'A' && c <= 'F'); }
bool isIpChar(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || c == '.' || c == ':'; }
bool isTypeNameChar(char c) { return isAlnum(c) || c == '[' || c == ']' || c == '_' || c == '-'; }
bool isHostChar(char c) { return isAlnum(c) || c == '.' || c == '_' || c == '-'; }
bool isTagChar(char c) { return isAlnum(c) || c == '_' || c == '-'; }
// A bare word after `(`, `attribute=` or `signal=`.
bool isWordChar(char c) {
  return c != ' ' && c != '\t' && c != '\n' && c != '(' && c != ')' && c != '=' && c != '"' && c != '\'' &&
         c != '!';
}

size_t runOf(std::string_view s, size_t p, bool (*pred)(char)) {
  size_t q = p;
  while (q < s.size() && pred(s[q]))
    ++q;
  return q - p;
}

bool startsWithAt(std::string_view s, size_t p, std::string_view what) {
  return s.size() - std::min(p, s.size()) >= what.size() && s.compare(p, what.size(), what) == 0;
}

// atol() of a digit string: libapparmor stores numbers that way, so an
// overlong number saturates.
int64_t saturatingNumber(std::string_view digits) {
  int64_t v = 0;
  for (char c : digits) {
    if (!isDigit(c))
      break;
    int d = c - '0';
    if (v > (std::numeric_limits<int64_t>::max() - d) / 10)
      return std::numeric_limits<int64_t>::max();
    v = v * 10 + d;
  }
  return v;
}

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

// The scanner's states (flex start conditions in libapparmor).
enum class LexState : uint8_t {
  Initial, Word, AuditId, MaybeHex, IpAddr, AuditType, Hostname, DmesgStamp, OtherAudit, Unrecognized,
};

// What follows a key word: most values are read in the initial state;
// these keys switch the scanner first, which decides which value forms
// (hex strings, bare words, addresses) exist after them.
enum class After : uint8_t { Initial, MaybeHex, Word, AuditType, IpAddr };

struct KeyWord {
  std::string_view spelling;
  Key key;
  After after;
};

// In libapparmor's rule order: of two spellings that match equally far
// the first wins.
constexpr KeyWord kKeyWords[] = {
  {"apparmor", Key::Apparmor, After::AuditType},
  {"type", Key::Type, After::AuditType},
  {"msg", Key::Msg, After::Initial},
  {"operation", Key::Operation, After::Initial},
  {"name", Key::Name, After::MaybeHex},
  {"name2", Key::Name2, After::MaybeHex},
  {"namespace", Key::Namespace, After::MaybeHex},
  {"mask", Key::Mask, After::Initial},
  {"denied_mask", Key::DeniedMask, After::Initial},
  {"requested_mask", Key::RequestedMask, After::Initial},
  {"denied", Key::DeniedMask, After::Initial},
  {"requested", Key::RequestedMask, After::Initial},
  {"attribute", Key::Attribute, After::Word},
  {"task", Key::Task, After::Initial},
  {"parent", Key::Parent, After::Initial},
  {"magic_token", Key::MagicToken, After::Initial},
  {"info", Key::Info, After::Initial},
  {"peer_info", Key::PeerInfo, After::Initial},
  {"pid", Key::Pid, After::Initial},
  {"peer_pid", Key::PeerPid, After::Initial},
  {"profile", Key::Profile, After::MaybeHex},
  {"peer_profile", Key::PeerProfile, After::MaybeHex},
  {"label", Key::Label, After::MaybeHex},
  {"peer_label", Key::PeerLabel, After::MaybeHex},
  {"tcontext", Key::PeerLabel, After::MaybeHex},
  {"family", Key::Family, After::Initial},
  {"sock_type", Key::SockType, After::Initial},
  {"protocol", Key::Protocol, After::Initial},
  {"error", Key::Error, After::Initial},
  {"fsuid", Key::Fsuid, After::Initial},
  {"FSUID", Key::FsuidName, After::Initial},
  {"ouid", Key::Ouid, After::Initial},
  {"OUID", Key::OuidName, After::Initial},
  {"uid", Key::Uid, After::Initial},
  {"auid", Key::Auid, After::Initial},
  {"sauid", Key::Sauid, After::Initial},
  {"ses", Key::Ses, After::Initial},
  {"hostname", Key::Hostname, After::Initial},
  {"addr", Key::Addr, After::MaybeHex},
  {"terminal", Key::Terminal, After::Initial},
  {"exe", Key::Exe, After::MaybeHex},
  {"comm", Key::Comm, After::MaybeHex},
  {"capability", Key::Capability, After::Initial},
  {"capname", Key::Capname, After::Initial},
  {"offset", Key::Offset, After::Initial},
  {"target", Key::Target, After::Initial},
  {"laddr", Key::LocalAddr, After::IpAddr},
  {"saddr", Key::LocalAddr, After::IpAddr},
  {"faddr", Key::ForeignAddr, After::IpAddr},
  {"daddr", Key::ForeignAddr, After::IpAddr},
  {"lport", Key::LocalPort, After::Initial},
  {"src", Key::LocalPort, After::Initial},
  {"fport", Key::ForeignPort, After::Initial},
  {"dest", Key::ForeignPort, After::Initial},
  {"bus", Key::Bus, After::Initial},
  {"path", Key::Path, After::Initial},
  {"interface", Key::Interface, After::Initial},
  {"member", Key::Member, After::Initial},
  {"method", Key::Member, After::Initial},
  {"signal", Key::Signal, After::Word},
  {"peer", Key::Peer, After::MaybeHex},
  {"fstype", Key::Fstype, After::Initial},
  {"flags", Key::Flags, After::MaybeHex},
  {"srcname", Key::Srcname, After::MaybeHex},
  {"peer_addr", Key::PeerAddr, After::MaybeHex},
  {"execpath", Key::Execpath, After::MaybeHex},
  {"class", Key::Class, After::MaybeHex},
};

struct NamedToken {
  std::string_view spelling;
  Tok kind;
};

constexpr NamedToken kVerdicts[] = {
  {"\"DENIED\"", Tok::VerdictDenied}, {"\"AUDIT\"", Tok::VerdictAudit}, {"\"ALLOWED\"", Tok::VerdictAllowed},
  {"\"HINT\"", Tok::VerdictHint},     {"\"STATUS\"", Tok::VerdictStatus}, {"\"ERROR\"", Tok::VerdictError},
};

constexpr NamedToken kAuditTypeNames[] = {
  {"APPARMOR_DENIED", Tok::TypeDenied}, {"APPARMOR_AUDIT", Tok::TypeAudit},
  {"APPARMOR_ALLOWED", Tok::TypeAllowed}, {"APPARMOR_HINT", Tok::TypeHint},
  {"APPARMOR_STATUS", Tok::TypeStatus}, {"APPARMOR_ERROR", Tok::TypeError},
  {"AVC", Tok::TypeAvc}, {"USER_AVC", Tok::TypeUserAvc},
};

constexpr std::string_view kMonths[] = {
  "January", "Jan", "February", "Feb", "March", "Mar", "April", "Apr", "May", "June", "Jun",
  "July", "Jul", "August", "Aug", "September", "Sep", "October", "Oct", "November", "Nov",
  "December", "Dec",
};

// `[ 1234.567890]`: at least five digits or blanks, six or more decimals.
size_t dmesgStampLength(std::string_view s, size_t p) {
  if (p >= s.size() || s[p] != '[')
    return 0;
  size_t q = p + 1;
  size_t lead = runOf(s, q, [](char c) { return isDigit(c) || c == ' '; });
  if (lead < 5)
    return 0;
  q += lead;
  if (q >= s.size() || s[q] != '.')
    return 0;
  size_t decimals = runOf(s, q + 1, isDigit);
  if (decimals < 6)
    return 0;
  q += 1 + decimals;
  return q < s.size() && s[q] == ']' ? q + 1 - p : 0;
}

// HH:MM:SS, then optionally .FRACTION, then optionally +HH:MM / -HH:MM.
size_t syslogTimeLength(std::string_view s, size_t p) {
  auto two = [&](size_t q) { return q + 1 < s.size() && isDigit(s[q]) && isDigit(s[q + 1]); };
  if (!(two(p) && p + 2 < s.size() && s[p + 2] == ':' && two(p + 3) && p + 5 < s.size() && s[p + 5] == ':' &&
        two(p + 6)))
    return 0;
  size_t q = p + 8;
  if (q < s.size() && s[q] == '.') {
    size_t fraction = runOf(s, q + 1, isDigit);
    if (fraction > 0)
      q += 1 + fraction;
  }
  if (q < s.size() && (s[q] == '+' || s[q] == '-') && two(q + 1) && q + 3 < s.size() && s[q + 3] == ':' &&
      two(q + 4))
    q += 6;
  return q - p;
}

size_t syslogDateLength(std::string_view s, size_t p) {
  for (size_t i = 0; i < 10; ++i) {
    if (p + i >= s.size())
      return 0;
    bool dash = i == 4 || i == 7;
    if (dash ? s[p + i] != '-' : !isDigit(s[p + i]))
      return 0;
  }
  return 10;
}

// `dbus-daemon[1692]:`
size_t syslogTagLength(std::string_view s, size_t p) {
  size_t name = runOf(s, p, isTagChar);
  if (name == 0)
    return 0;
  size_t q = p + name;
  if (q >= s.size() || s[q] != '[')
    return 0;
  size_t digits = runOf(s, q + 1, isDigit);
  if (digits == 0)
    return 0;
  q += 1 + digits;
  return q + 1 < s.size() && s[q] == ']' && s[q + 1] == ':' ? q + 2 - p : 0;
}

// `kern.notice:` (socklog); libapparmor's pattern leaves the dot unescaped.
size_t socklogTagLength(std::string_view s, size_t p) {
  return startsWithAt(s, p, "kern") && p + 4 < s.size() && s[p + 4] != '\n' && startsWithAt(s, p + 5, "notice:")
             ? 12
             : 0;
}

// Decodes `2F746D70`; like libapparmor's C string, a NUL byte ends it.
std::string decodeHex(std::string_view hex) {
  std::string out;
  auto nibble = [](char c) { return isDigit(c) ? c - '0' : c - 'A' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    char byte = static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
    if (byte == '\0')
      break;
    out.push_back(byte);
  }
  return out;
}

// ---------------------------------------------------------------------------
// The scanner: libapparmor's lexical rules, rewritten by hand. At each
// point the longest match wins, ties go to the earlier rule; text no rule
// matches in the initial state makes the rest of the line one
// Unrecognized token.

class RecordScanner {
public:
  explicit RecordScanner(std::string_view text) : s_(text) {}

  std::vector<Token> run() {
    while (p_ < s_.size() && !stopped_)
      step();
    Token end;
    end.kind = Tok::End;
    // An unclosed quote swallowed the rest: point at where it opened.
    end.pos = unterminatedQuote_ ? *unterminatedQuote_ : s_.size();
    tokens_.push_back(std::move(end));
    return std::move(tokens_);
  }
  /// Where a quoted string opened that the text never closes.
  std::optional<size_t> unterminatedQuote() const { return unterminatedQuote_; }

private:
  void emit(Tok kind, size_t pos, size_t length, std::string text = {}, int64_t number = 0) {
    Token t;
    t.kind = kind;
    t.pos = pos;
    t.text = std::move(text);
    t.number = number;
    tokens_.push_back(std::move(t));
    p_ = pos + length;
  }
  void emitKey(const KeyWord &k, size_t pos) {
    emit(Tok::Key, pos, k.spelling.size(), std::string(k.spelling));
    tokens_.back().key = k.key;
    switch (k.after) {
    case After::Initial: break;
    case After::MaybeHex: state_ = LexState::MaybeHex; break;
    case After::Word: state_ = LexState::Word; break;
    case After::AuditType: state_ = LexState::AuditType; break;
    case After::IpAddr: state_ = LexState::IpAddr; break;
    }
  }
  void skipBlanks() { p_ += runOf(s_, p_, isBlank); }

  void step() {
    switch (state_) {
    case LexState::Initial: initial(); break;
    case LexState::Word: word(); break;
    case LexState::AuditId: auditId(); break;
    case LexState::MaybeHex: maybeHex(); break;
    case LexState::IpAddr: ipAddr(); break;
    case LexState::AuditType: auditType(); break;
    case LexState::Hostname: hostname(); break;
    case LexState::DmesgStamp: dmesgStamp(); break;
    case LexState::OtherAudit: otherAudit(); break;
    case LexState::Unrecognized: unrecognized(); break;
    }
  }

  // Reads "..." with backslash escapes from the opening quote at p_. The
  // scanner drops raw newlines and a trailing lone backslash; a string the
  // text never closes ends the tokens, as the end of input does there.
  void quotedString() {
    size_t start = p_;
    std::string value;
    size_t q = p_ + 1;
    while (q < s_.size()) {
      char c = s_[q];
      if (c == '"') {
        emit(Tok::QuotedString, start, q + 1 - start, std::move(value));
        state_ = LexState::Initial;
        return;
      }
      if (c == '\\') {
        if (q + 1 < s_.size())
          value.push_back(s_[q + 1]);
        q += 2;
        continue;
      }
      if (c != '\n')
        value.push_back(c);
      ++q;
    }
    unterminatedQuote_ = start;
    stopped_ = true;
  }

  void initial() {
    char c = s_[p_];
    if (isBlank(c)) {
      skipBlanks();
      return;
    }
    enum class Rule : uint8_t {
      Quote, Punct, Digits, None, KeyWord, Socklog, Kernel, SyslogTag, Month, Date, DateT, Time, Audit,
      Dmesg, Rest,
    };
    Rule best = Rule::Rest;
    size_t bestLength = 1;
    const KeyWord *keyWord = nullptr;
    auto offer = [&](Rule rule, size_t length) {
      if (length > bestLength || (length == bestLength && rule < best)) {
        best = rule;
        bestLength = length;
      }
    };
    if (c == '"')
      offer(Rule::Quote, 1);
    if (c == '=' || c == ':' || c == '-' || c == '(' || c == ')' || c == '.' || c == '?' || c == '\'')
      offer(Rule::Punct, 1);
    // Every rule below starts with a letter, a digit, `_`, `-` or `[`;
    // the first character rules most of them out.
    if (isDigit(c)) {
      offer(Rule::Digits, runOf(s_, p_, isDigit));
      size_t date = syslogDateLength(s_, p_);
      offer(Rule::Date, date);
      if (date && p_ + 10 < s_.size() && s_[p_ + 10] == 'T') {
        if (size_t timeAfterT = syslogTimeLength(s_, p_ + 11))
          offer(Rule::DateT, 11 + timeAfterT);
      }
      offer(Rule::Time, syslogTimeLength(s_, p_));
    }
    if (isAlpha(c)) {
      if (startsWithAt(s_, p_, "none"))
        offer(Rule::None, 4);
      size_t keyLength = 0;
      for (const KeyWord &k : kKeyWords)
        if (k.spelling[0] == c && k.spelling.size() > keyLength && startsWithAt(s_, p_, k.spelling)) {
          keyWord = &k;
          keyLength = k.spelling.size();
        }
      offer(Rule::KeyWord, keyLength);
      offer(Rule::Socklog, socklogTagLength(s_, p_));
      if (startsWithAt(s_, p_, "kernel:"))
        offer(Rule::Kernel, 7);
      if (c >= 'A' && c <= 'S')
        for (std::string_view m : kMonths)
          if (m[0] == c && startsWithAt(s_, p_, m))
            offer(Rule::Month, m.size());
      if (startsWithAt(s_, p_, "audit"))
        offer(Rule::Audit, 5);
    }
    if (isTagChar(c))
      offer(Rule::SyslogTag, syslogTagLength(s_, p_));
    if (c == '[')
      offer(Rule::Dmesg, dmesgStampLength(s_, p_));

    std::string_view spelling = s_.substr(p_, bestLength);
    switch (best) {
    case Rule::Quote: quotedString(); break;
    case Rule::Punct: {
      Tok kind = c == '=' ? Tok::Equals : c == ':' ? Tok::Colon : c == '-' ? Tok::Minus
                 : c == '(' ? Tok::OpenParen : c == ')' ? Tok::CloseParen : c == '.' ? Tok::Period
                 : c == '?' ? Tok::QuestionMark : Tok::SingleQuote;
      emit(kind, p_, 1, std::string(spelling));
      if (kind == Tok::OpenParen)
        state_ = LexState::Word;
      break;
    }
    case Rule::Digits: emit(Tok::Digits, p_, bestLength, std::string(spelling), saturatingNumber(spelling)); break;
    case Rule::None: emit(Tok::None, p_, 4, "none"); break;
    case Rule::KeyWord: emitKey(*keyWord, p_); break;
    case Rule::Socklog:
      emit(Tok::SocklogdKernel, p_, bestLength, std::string(spelling));
      state_ = LexState::DmesgStamp;
      break;
    case Rule::Kernel:
      emit(Tok::SyslogKernel, p_, bestLength, std::string(spelling));
      state_ = LexState::DmesgStamp;
      break;
    case Rule::SyslogTag: emit(Tok::SyslogUser, p_, bestLength, std::string(spelling)); break;
    case Rule::Month: emit(Tok::DateMonth, p_, bestLength, std::string(spelling)); break;
    case Rule::Date: emit(Tok::Date, p_, 10, std::string(spelling)); break;
    // The date of `2013-01-01T15:09:04`: the T is dropped and the time read next.
    case Rule::DateT: emit(Tok::Date, p_, 11, std::string(s_.substr(p_, 10))); break;
    case Rule::Time:
      emit(Tok::Time, p_, bestLength, std::string(spelling));
      state_ = LexState::Hostname;
      break;
    case Rule::Audit:
      emit(Tok::Audit, p_, 5, "audit");
      auditIdReturn_ = LexState::Initial;
      state_ = LexState::AuditId;
      break;
    case Rule::Dmesg: emit(Tok::DmesgStamp, p_, bestLength, std::string(spelling)); break;
    case Rule::Rest: state_ = LexState::Unrecognized; break;
    }
  }

  // After `(`, `attribute` and `signal`: a bare word, or a quoted string.
  void word() {
    char c = s_[p_];
    size_t wordLength = runOf(s_, p_, isWordChar);
    if (c == '(') {
      emit(Tok::OpenParen, p_, 1, "(");
    } else if (c == ')') {
      emit(Tok::CloseParen, p_, 1, ")");
      state_ = LexState::Initial;
    } else if (isBlank(c) && wordLength <= 1) {
      ++p_;
    } else if (c == '"') {
      quotedString();
    } else if (wordLength > 0) {
      emit(Tok::Word, p_, wordLength, std::string(s_.substr(p_, wordLength)));
      state_ = LexState::Initial;
    } else if (c == '=') {
      emit(Tok::Equals, p_, 1, "=");
    } else {
      ++p_;  // no rule reads `'` or `!` here: flex's default rule drops them
    }
  }

  // Inside `audit(SECONDS.MILLIS:SERIAL)` and the `audit: ` of dmesg.
  void auditId() {
    char c = s_[p_];
    if (isDigit(c)) {
      size_t n = runOf(s_, p_, isDigit);
      emit(Tok::AuditDigits, p_, n, std::string(s_.substr(p_, n)));
    } else if (c == ':') {
      bool blankAfter = p_ + 1 < s_.size() && isBlank(s_[p_ + 1]);
      emit(Tok::Colon, p_, blankAfter ? 2 : 1, ":");
      if (blankAfter)
        state_ = auditIdReturn_;
    } else if (c == '.') {
      emit(Tok::Period, p_, 1, ".");
    } else if (c == '(') {
      emit(Tok::OpenParen, p_, 1, "(");
    } else if (c == ')') {
      emit(Tok::CloseParen, p_, 1, ")");
      state_ = auditIdReturn_;
    } else if (c == '\n') {
      ++p_;
    } else {
      state_ = LexState::Unrecognized;
    }
  }

  // After keys whose values may be hex-encoded: `name=2F746D70`.
  void maybeHex() {
    char c = s_[p_];
    size_t hex = runOf(s_, p_, isUpperHex) & ~size_t(1);
    if (c == '"') {
      quotedString();
    } else if (hex >= 2) {
      emit(Tok::HexString, p_, hex, decodeHex(s_.substr(p_, hex)));
      state_ = LexState::Initial;
    } else if (c == '=') {
      emit(Tok::Equals, p_, 1, "=");
    } else if (c == '\n') {
      ++p_;
    } else {
      state_ = LexState::Initial;
    }
  }

  void ipAddr() {
    char c = s_[p_];
    size_t n = runOf(s_, p_, isIpChar);
    if (n >= 3) {
      emit(Tok::IpAddr, p_, n, std::string(s_.substr(p_, n)));
      state_ = LexState::Initial;
    } else if (c == '=') {
      emit(Tok::Equals, p_, 1, "=");
    } else if (c == '\n') {
      ++p_;
    } else {
      state_ = LexState::Initial;
    }
  }

  // After `type` and `apparmor`: a record type or a verdict.
  void auditType() {
    char c = s_[p_];
    if (c == '=') {
      emit(Tok::Equals, p_, 1, "=");
      return;
    }
    for (const NamedToken &v : kVerdicts)
      if (startsWithAt(s_, p_, v.spelling)) {
        emit(v.kind, p_, v.spelling.size(), std::string(v.spelling));
        state_ = LexState::Initial;
        return;
      }
    size_t name = runOf(s_, p_, isTypeNameChar);
    size_t digits = runOf(s_, p_, isDigit);
    if (digits > 0 && digits == name) {
      std::string_view text = s_.substr(p_, digits);
      emit(Tok::Digits, p_, digits, std::string(text), saturatingNumber(text));
      state_ = LexState::Initial;
      return;
    }
    for (const NamedToken &t : kAuditTypeNames)
      if (t.spelling.size() == name && startsWithAt(s_, p_, t.spelling)) {
        emit(t.kind, p_, name, std::string(t.spelling));
        state_ = LexState::Initial;
        return;
      }
    if (startsWithAt(s_, p_, "UNKNOWN[")) {
      size_t n = runOf(s_, p_ + 8, isDigit);
      if (n > 0 && p_ + 8 + n < s_.size() && s_[p_ + 8 + n] == ']' && 9 + n == name) {
        std::string_view text = s_.substr(p_, name);
        emit(Tok::TypeNumbered, p_, name, std::string(text), saturatingNumber(text.substr(8)));
        state_ = LexState::Initial;
        return;
      }
    }
    if (name > 0) {
      emit(Tok::TypeOther, p_, name, std::string(s_.substr(p_, name)));
      state_ = LexState::OtherAudit;
    } else if (c == '\n') {
      ++p_;
    } else {
      state_ = LexState::Unrecognized;
    }
  }

  // After a syslog time: the host name (socklog writes no host).
  void hostname() {
    if (isBlank(s_[p_])) {
      skipBlanks();
      return;
    }
    size_t socklog = socklogTagLength(s_, p_);
    size_t host = runOf(s_, p_, isHostChar);
    if (socklog > 0 && socklog >= host) {
      emit(Tok::SocklogdKernel, p_, socklog, std::string(s_.substr(p_, socklog)));
      state_ = LexState::DmesgStamp;
    } else if (host > 0) {
      emit(Tok::Word, p_, host, std::string(s_.substr(p_, host)));
      state_ = LexState::Initial;
    } else {
      ++p_;  // flex's default rule drops what no rule here reads
    }
  }

  // After `kernel:`: an optional dmesg timestamp.
  void dmesgStamp() {
    if (isBlank(s_[p_])) {
      skipBlanks();
      return;
    }
    size_t n = dmesgStampLength(s_, p_);
    if (n)
      emit(Tok::DmesgStamp, p_, n, std::string(s_.substr(p_, n)));
    state_ = LexState::Initial;
  }

  // After a non-AppArmor record type: its audit id, then the rest unread.
  void otherAudit() {
    char c = s_[p_];
    if (isBlank(c)) {
      skipBlanks();
    } else if (startsWithAt(s_, p_, "audit")) {
      emit(Tok::Audit, p_, 5, "audit");
      auditIdReturn_ = LexState::OtherAudit;
      state_ = LexState::AuditId;
    } else if (startsWithAt(s_, p_, "msg")) {
      emit(Tok::Key, p_, 3, "msg");
      tokens_.back().key = Key::Msg;
    } else if (c == '=') {
      emit(Tok::Equals, p_, 1, "=");
    } else if (c == ':') {
      emit(Tok::Colon, p_, 1, ":");
    } else {
      state_ = LexState::Unrecognized;
    }
  }

  // Once lost, the scanner returns each remaining line whole.
  void unrecognized() {
    if (s_[p_] == '\n') {
      ++p_;
      return;
    }
    size_t end = s_.find('\n', p_);
    if (end == std::string_view::npos)
      end = s_.size();
    emit(Tok::Unrecognized, p_, end - p_, std::string(s_.substr(p_, end - p_)));
  }

  std::string_view s_;
  size_t p_ = 0;
  LexState state_ = LexState::Initial;
  LexState auditIdReturn_ = LexState::Initial;  // the state `audit` was read in
  std::vector<Token> tokens_;
  std::optional<size_t> unterminatedQuote_;
  bool stopped_ = false;
};

// ---------------------------------------------------------------------------
// The grammar: libapparmor's, with its actions. Like its parser, a field
// is stored as soon as its key has been read, so the fields before a
// syntax error stay set and the event type becomes AA_RECORD_INVALID.

AuditEventType eventForAuditType(uint32_t type) {
  switch (type) {
  case 1501: return AuditEventType::Audit;
  case 1502: return AuditEventType::Allowed;
  case 1503: return AuditEventType::Denied;
  case 1504: return AuditEventType::Hint;
  case 1505: return AuditEventType::Status;
  case 1506: return AuditEventType::Error;
  default: return AuditEventType::Invalid;
  }
}

// glibc's IPPROTO_ names, lower-cased, as libapparmor builds its table
// from <netinet/in.h>; 0 reads "ip" there (IPPROTO_IP precedes HOPOPTS).
constexpr std::pair<uint32_t, std::string_view> kProtocols[] = {
  {0, "ip"},        {1, "icmp"},      {2, "igmp"},    {4, "ipip"},    {6, "tcp"},       {8, "egp"},
  {12, "pup"},      {17, "udp"},      {22, "idp"},    {29, "tp"},     {33, "dccp"},     {41, "ipv6"},
  {43, "routing"},  {44, "fragment"}, {46, "rsvp"},   {47, "gre"},    {50, "esp"},      {51, "ah"},
  {58, "icmpv6"},   {59, "none"},     {60, "dstopts"}, {92, "mtp"},   {94, "beetph"},   {98, "encap"},
  {103, "pim"},     {108, "comp"},    {132, "sctp"},  {135, "mh"},    {136, "udplite"}, {137, "mpls"},
  {143, "ethernet"}, {255, "raw"},    {262, "mptcp"},
};

std::string protocolName(uint32_t number) {
  for (const auto &[n, name] : kProtocols)
    if (n == number)
      return std::string(name);
  return fmt::format("unknown({})", number);
}

// The number libapparmor stores for the fields it keeps 0 for "absent".
void setUnlessZero(std::optional<int64_t> &field, int64_t value) {
  field = value != 0 ? std::optional<int64_t>(value) : std::nullopt;
}

std::string shortened(std::string_view text, size_t most = 24) {
  std::string out;
  for (char c : text.substr(0, most)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += u < 0x20 || u >= 0x7f ? fmt::format("\\x{:02x}", u) : std::string(1, c);
  }
  if (text.size() > most)
    out += "...";
  return out;
}

std::string describe(const Token &t, std::optional<size_t> unterminatedQuote) {
  switch (t.kind) {
  case Tok::End:
    return unterminatedQuote ? "a quoted string that is never closed" : "the end of the record";
  case Tok::QuotedString: return fmt::format("the string \"{}\"", shortened(t.text));
  case Tok::HexString: return "a hex-encoded string";
  case Tok::Digits: case Tok::AuditDigits: return fmt::format("the number {}", shortened(t.text));
  case Tok::Unrecognized: return fmt::format("unrecognized text '{}'", shortened(t.text));
  default: return fmt::format("'{}'", shortened(t.text));
  }
}

struct GrammarError {
  size_t pos = 0;
  std::string message;
};

class RecordGrammar {
public:
  RecordGrammar(const std::vector<Token> &tokens, std::optional<size_t> unterminatedQuote, AuditEvent &event)
      : t_(tokens), unterminatedQuote_(unterminatedQuote), e_(event) {}

  void parse() {
    const Token &first = peek();
    if (isKey(first, Key::Type))
      auditType();
    else if (first.kind == Tok::DmesgStamp)
      dmesgRecord();
    else if (first.kind == Tok::DateMonth || first.kind == Tok::Date)
      syslogRecord();
    else if (isKey(first, Key::Msg))
      dispatchedRecord();
    else
      fail("the start of a record (type=, msg=audit(...), a syslog date or a dmesg timestamp)");
    if (!error_ && peek().kind != Tok::End)
      fail("the end of the record");
    if (error_)
      e_.type = AuditEventType::Invalid;
  }

  const std::optional<GrammarError> &error() const { return error_; }
  std::optional<size_t> lastUnrecognized() const { return lastUnrecognized_; }
  const Token *otherType() const { return otherType_; }
  const Token *numberedType() const { return numberedType_; }

private:
  static bool isKey(const Token &t, Key k) { return t.kind == Tok::Key && t.key == k; }
  const Token &peek(size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
  bool ok() const { return !error_; }

  void fail(std::string_view expected) {
    if (error_)
      return;
    const Token &t = peek();
    error_ = GrammarError{t.pos, fmt::format("expected {}, found {}", expected, describe(t, unterminatedQuote_))};
  }
  const Token *take(Tok kind, std::string_view expected) {
    if (!ok())
      return nullptr;
    if (peek().kind != kind) {
      fail(expected);
      return nullptr;
    }
    return &t_[i_++];
  }
  bool takeKey(Key k, std::string_view expected) {
    if (!ok())
      return false;
    if (!isKey(peek(), k)) {
      fail(expected);
      return false;
    }
    ++i_;
    return true;
  }

  // type=... : audit.log, auditd's dispatcher and old kernels.
  void auditType() {
    takeKey(Key::Type, "type=");
    take(Tok::Equals, "'=' after type");
    if (!ok())
      return;
    const Token &type = peek();
    switch (type.kind) {
    case Tok::TypeDenied: case Tok::TypeAudit: case Tok::TypeAllowed: case Tok::TypeHint:
    case Tok::TypeStatus: case Tok::TypeError: case Tok::TypeNumbered: case Tok::TypeAvc:
      ++i_;
      auditMsg();
      keyList();
      if (ok())
        e_.type = eventOfType(type);
      if (type.kind == Tok::TypeNumbered)
        numberedType_ = &type;
      return;
    case Tok::TypeUserAvc:
      ++i_;
      auditMsg();
      userMessage(false);
      return;
    case Tok::TypeOther: {
      ++i_;
      auditMsg();
      const Token *rest = take(Tok::Unrecognized, "the record's text after its audit id");
      if (rest) {
        e_.operation = type.text;
        e_.type = AuditEventType::Invalid;
        e_.info = rest->text;
        otherType_ = &type;
      }
      return;
    }
    default: fail("an audit record type (AVC, USER_AVC, APPARMOR_DENIED, UNKNOWN[1503], ...)");
    }
  }

  AuditEventType eventOfType(const Token &type) const {
    switch (type.kind) {
    case Tok::TypeDenied: return AuditEventType::Denied;
    case Tok::TypeAudit: return AuditEventType::Audit;
    case Tok::TypeAllowed: return AuditEventType::Allowed;
    case Tok::TypeHint: return AuditEventType::Hint;
    case Tok::TypeStatus: return AuditEventType::Status;
    case Tok::TypeError: return AuditEventType::Error;
    case Tok::TypeNumbered: return eventForAuditType(static_cast<uint32_t>(type.number));
    default: return e_.type;  // AVC: the apparmor= field decides
    }
  }

  // `[ 1234.567890] audit: type=1400 audit(...): ...`
  void dmesgRecord() {
    take(Tok::DmesgStamp, "a dmesg timestamp");
    take(Tok::Audit, "'audit:' after the dmesg timestamp");
    take(Tok::Colon, "':' after audit");
    keyType();
    auditId();
    keyList();
  }

  // `Jul 24 12:24:41 host kernel: ...`, `2013-01-01T15:09:04 host kernel: ...`,
  // `... host dbus-daemon[1692]: apparmor=...`
  void syslogRecord() {
    if (peek().kind == Tok::DateMonth) {
      ++i_;
      take(Tok::Digits, "the day of the month");
    } else {
      ++i_;
    }
    take(Tok::Time, "the time of day (HH:MM:SS)");
    if (!ok())
      return;
    if (peek().kind == Tok::Word && peek(1).kind == Tok::SyslogUser) {
      i_ += 2;
      keyList();
      return;
    }
    if (peek().kind == Tok::SocklogdKernel) {
      ++i_;
    } else {
      take(Tok::Word, "the host name");
      take(Tok::SyslogKernel, "'kernel:' or 'NAME[PID]:' after the host name");
    }
    if (!ok())
      return;
    bool stamped = peek().kind == Tok::DmesgStamp;
    if (stamped)
      ++i_;
    const Token &next = peek();
    if (next.kind == Tok::Audit && peek(1).kind == Tok::OpenParen) {
      auditId();
      keyList();
    } else if (isKey(next, Key::Type)) {
      keyType();
      auditId();
      keyList();
    } else if (next.kind == Tok::Audit) {
      ++i_;
      take(Tok::Colon, "':' after audit");
      keyType();
      auditId();
      if (stamped)
        userMessageOrKeyList();
      else
        keyList();
    } else {
      fail("the kernel's message (audit(...), type=... or audit: type=...)");
    }
  }

  // What auditd's dispatcher writes: `msg=audit(...): ...`.
  void dispatchedRecord() {
    auditMsg();
    keyList();
  }

  void auditMsg() {
    takeKey(Key::Msg, "msg=audit(...)");
    take(Tok::Equals, "'=' after msg");
    auditId();
  }

  void keyType() {
    takeKey(Key::Type, "type=NUMBER");
    take(Tok::Equals, "'=' after type");
    const Token *number = take(Tok::Digits, "the audit type's number");
    if (number)
      e_.type = eventForAuditType(static_cast<uint32_t>(number->number));
  }

  // audit(SECONDS.MILLIS:SERIAL):
  void auditId() {
    take(Tok::Audit, "an audit id audit(SECONDS.MILLIS:SERIAL)");
    take(Tok::OpenParen, "'(' after audit");
    const Token *seconds = take(Tok::AuditDigits, "the audit id's seconds");
    take(Tok::Period, "'.' in the audit id");
    const Token *millis = take(Tok::AuditDigits, "the audit id's milliseconds");
    take(Tok::Colon, "':' in the audit id");
    const Token *serial = take(Tok::AuditDigits, "the audit id's serial number");
    take(Tok::CloseParen, "')' closing the audit id");
    take(Tok::Colon, "':' after the audit id");
    if (!ok())
      return;
    e_.auditId = fmt::format("{}.{}:{}", seconds->text, millis->text, serial->text);
    setUnlessZero(e_.epoch, saturatingNumber(seconds->text));
    // atoi() into an unsigned int, as libapparmor keeps the serial.
    auto serialNumber = static_cast<uint32_t>(static_cast<int32_t>(saturatingNumber(serial->text)));
    setUnlessZero(e_.auditSubId, serialNumber);
  }

  // USER_AVC: `pid=N uid=N auid=N ses=N msg='FIELDS'`. The closing quote
  // may be missing only after a dmesg stamp (libapparmor's allowance for a
  // record cut at a line end).
  void userMessage(bool closingQuoteOptional) {
    ignoredNumber(Key::Pid);
    ignoredNumber(Key::Uid);
    ignoredNumber(Key::Auid);
    ignoredNumber(Key::Ses);
    takeKey(Key::Msg, "msg='...' after ses=");
    take(Tok::Equals, "'=' after msg");
    take(Tok::SingleQuote, "the quote opening msg='...'");
    keyList();
    if (!ok())
      return;
    if (peek().kind == Tok::SingleQuote)
      ++i_;
    else if (!closingQuoteOptional)
      fail("the quote closing msg='...'");
  }

  // pid= followed by uid= starts a user message; any other pid= is a field.
  void userMessageOrKeyList() {
    if (isKey(peek(), Key::Pid) && peek(1).kind == Tok::Equals && peek(2).kind == Tok::Digits &&
        isKey(peek(3), Key::Uid))
      userMessage(true);
    else
      keyList();
  }

  void ignoredNumber(Key k) {
    std::string_view name = k == Key::Pid ? "pid" : k == Key::Uid ? "uid" : k == Key::Auid ? "auid" : "ses";
    takeKey(k, fmt::format("{}= (the user message header pid= uid= auid= ses=)", name));
    take(Tok::Equals, "'='");
    take(Tok::Digits, fmt::format("the {} number", name));
  }

  bool startsField(const Token &t) const {
    if (t.kind == Tok::Unrecognized)
      return true;
    return t.kind == Tok::Key && t.key != Key::Msg && t.key != Key::Uid && t.key != Key::Auid && t.key != Key::Ses;
  }

  void keyList() {
    if (!ok())
      return;
    if (!startsField(peek())) {
      fail("a field (key=value)");
      return;
    }
    while (ok() && startsField(peek()))
      field();
  }

  const Token *quoted(const Token &key) {
    return take(Tok::QuotedString, fmt::format("a quoted string after {}=", key.text));
  }
  // The keys whose values libapparmor also takes hex-encoded.
  const Token *maybeHexValue(const Token &key) {
    if (!ok())
      return nullptr;
    if (peek().kind == Tok::QuotedString || peek().kind == Tok::HexString)
      return &t_[i_++];
    fail(fmt::format("a quoted or hex-encoded string after {}=", key.text));
    return nullptr;
  }
  const Token *number(const Token &key) { return take(Tok::Digits, fmt::format("a number after {}=", key.text)); }

  void setText(std::optional<std::string> &field, const Token *value) {
    if (value)
      field = value->text;
  }

  void field() {
    const Token &key = t_[i_++];
    if (key.kind == Tok::Unrecognized) {
      e_.type = AuditEventType::Invalid;
      e_.info = key.text;
      lastUnrecognized_ = key.pos;
      return;
    }
    take(Tok::Equals, fmt::format("'=' after {}", key.text));
    if (!ok())
      return;
    switch (key.key) {
    case Key::Operation: setText(e_.operation, quoted(key)); break;
    case Key::Name: setText(e_.name, maybeHexValue(key)); break;
    case Key::Namespace: setText(e_.ns, maybeHexValue(key)); break;
    case Key::Name2: setText(e_.name2, maybeHexValue(key)); break;
    case Key::Mask: case Key::DeniedMask: setText(e_.deniedMask, quoted(key)); break;
    case Key::RequestedMask: setText(e_.requestedMask, quoted(key)); break;
    case Key::Attribute: setText(e_.attribute, quoted(key)); break;
    case Key::Task: if (auto v = number(key)) setUnlessZero(e_.task, v->number); break;
    case Key::Parent: if (auto v = number(key)) setUnlessZero(e_.parent, v->number); break;
    case Key::MagicToken: if (auto v = number(key)) setUnlessZero(e_.magicToken, v->number); break;
    case Key::Info: setText(e_.info, quoted(key)); break;
    case Key::PeerInfo: setText(e_.peerInfo, quoted(key)); break;
    case Key::Peer: setText(e_.peer, quoted(key)); break;
    case Key::Pid: if (auto v = number(key)) setUnlessZero(e_.pid, v->number); break;
    case Key::PeerPid: if (auto v = number(key)) setUnlessZero(e_.peerPid, v->number); break;
    case Key::Profile: case Key::Label: setText(e_.profile, maybeHexValue(key)); break;
    case Key::PeerProfile: case Key::PeerLabel: setText(e_.peerProfile, maybeHexValue(key)); break;
    case Key::Family: setText(e_.netFamily, quoted(key)); break;
    case Key::SockType: setText(e_.sockType, quoted(key)); break;
    case Key::Protocol:
      if (peek().kind == Tok::Digits)
        e_.protocol = protocolName(static_cast<uint32_t>(t_[i_++].number));
      else
        setText(e_.protocol, take(Tok::QuotedString, "a protocol name or number after protocol="));
      break;
    case Key::Type:
      if (auto v = number(key))
        e_.type = eventForAuditType(static_cast<uint32_t>(v->number));
      break;
    case Key::Error: {
      // libapparmor keeps the magnitude: `error=-13` is 13.
      if (peek().kind == Tok::Minus)
        ++i_;
      if (auto v = number(key))
        setUnlessZero(e_.errorCode, static_cast<int32_t>(static_cast<uint32_t>(v->number)));
      break;
    }
    case Key::Fsuid: if (auto v = number(key)) e_.fsuid = v->number; break;
    case Key::Ouid: if (auto v = number(key)) e_.ouid = v->number; break;
    case Key::Addr:
      if (peek().kind == Tok::QuestionMark || peek().kind == Tok::None)
        ++i_;
      else
        setText(e_.netAddr, maybeHexValue(key));
      break;
    case Key::PeerAddr:
      if (peek().kind == Tok::None)
        ++i_;
      else
        setText(e_.peerAddr, maybeHexValue(key));
      break;
    case Key::FsuidName: case Key::OuidName: quoted(key); break;  // user names: not kept
    case Key::Sauid: case Key::Capability: case Key::Offset: number(key); break;
    case Key::Hostname: case Key::Terminal:
      if (peek().kind == Tok::QuestionMark)
        ++i_;
      else
        maybeHexValue(key);
      break;
    case Key::Exe: case Key::Comm: setText(e_.command, maybeHexValue(key)); break;
    case Key::Apparmor: verdict(); break;
    case Key::Capname: setText(e_.name, quoted(key)); break;
    case Key::Target: setText(e_.name2, maybeHexValue(key)); break;
    case Key::LocalAddr: setText(e_.localAddr, take(Tok::IpAddr, "an address after " + key.text + "=")); break;
    case Key::ForeignAddr: setText(e_.foreignAddr, take(Tok::IpAddr, "an address after " + key.text + "=")); break;
    case Key::LocalPort: if (auto v = number(key)) setUnlessZero(e_.localPort, v->number); break;
    case Key::ForeignPort: if (auto v = number(key)) setUnlessZero(e_.foreignPort, v->number); break;
    case Key::Bus: setText(e_.dbusBus, quoted(key)); break;
    case Key::Path: setText(e_.dbusPath, quoted(key)); break;
    case Key::Interface: setText(e_.dbusInterface, quoted(key)); break;
    case Key::Member: setText(e_.dbusMember, quoted(key)); break;
    case Key::Signal: setText(e_.signal, take(Tok::Word, "a signal name after signal=")); break;
    case Key::Fstype: setText(e_.fsType, quoted(key)); break;
    case Key::Flags: setText(e_.flags, quoted(key)); break;
    case Key::Srcname: setText(e_.srcName, quoted(key)); break;
    case Key::Execpath: setText(e_.execPath, quoted(key)); break;
    case Key::Class: setText(e_.ruleClass, quoted(key)); break;
    case Key::Msg: case Key::Uid: case Key::Auid: case Key::Ses: break;  // not fields (startsField)
    }
  }

  void verdict() {
    switch (peek().kind) {
    case Tok::VerdictDenied: e_.type = AuditEventType::Denied; break;
    case Tok::VerdictAudit: e_.type = AuditEventType::Audit; break;
    case Tok::VerdictAllowed: e_.type = AuditEventType::Allowed; break;
    case Tok::VerdictHint: e_.type = AuditEventType::Hint; break;
    case Tok::VerdictStatus: e_.type = AuditEventType::Status; break;
    case Tok::VerdictError: e_.type = AuditEventType::Error; break;
    default: fail("\"DENIED\", \"ALLOWED\", \"AUDIT\", \"HINT\", \"STATUS\" or \"ERROR\" after apparmor="); return;
    }
    ++i_;
  }

  const std::vector<Token> &t_;
  std::optional<size_t> unterminatedQuote_;
  AuditEvent &e_;
  size_t i_ = 0;
  std::optional<GrammarError> error_;
  std::optional<size_t> lastUnrecognized_;
  const Token *otherType_ = nullptr;
  const Token *numberedType_ = nullptr;
};

// "column 12", or "line 2, column 5" inside a record wrapped over lines.
std::string locate(std::string_view text, size_t pos) {
  pos = std::min(pos, text.size());
  size_t lineStart = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  if (pos == 0 || lineStart == std::string_view::npos)
    return fmt::format("column {}", pos + 1);
  size_t line = 1 + std::count(text.begin(), text.begin() + lineStart + 1, '\n');
  return fmt::format("line {}, column {}", line, pos - lineStart);
}

struct DetailedParse {
  AuditEvent event;
  std::optional<size_t> problemPos;  // where the problem is, when it has a place
  std::string problem;               // without the place
};

DetailedParse parseDetailed(std::string_view text) {
  // parse_record() reads a C string.
  text = text.substr(0, text.find('\0'));
  RecordScanner scanner(text);
  std::vector<Token> tokens = scanner.run();
  DetailedParse out;
  RecordGrammar grammar(tokens, scanner.unterminatedQuote(), out.event);
  grammar.parse();
  if (const auto &error = grammar.error()) {
    out.problemPos = error->pos;
    out.problem = error->message;
  } else if (out.event.type == AuditEventType::Invalid) {
    if (auto pos = grammar.lastUnrecognized()) {
      out.problemPos = *pos;
      out.problem = fmt::format("unrecognized text '{}'", shortened(text.substr(*pos), 40));
    } else if (const Token *other = grammar.otherType()) {
      // libapparmor dropped the first message syntax (REJECTING ..., LOGPROF-HINT ...) in 2011.
      out.problem = other->text == "APPARMOR"
                        ? std::string("old AppArmor message syntax (type=APPARMOR), which libapparmor no longer reads")
                        : fmt::format("'{}' records are not AppArmor events", shortened(other->text));
    } else if (const Token *numbered = grammar.numberedType()) {
      out.problem = fmt::format("audit type {} is not an AppArmor event type", numbered->number);
    } else {
      out.problem = "no AppArmor event type: neither apparmor=\"...\" nor an AppArmor audit type (1501-1506)";
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Forms libapparmor does not read, unwrapped into ones it does. The
// headers put in front are dropped by its grammar, so they add nothing to
// the record; `Spliced` remembers where the original text went, to place
// problems in the line the user has.

class Spliced {
public:
  void addFiller(std::string_view text) { text_ += text; }
  void addOriginal(std::string_view text, size_t origin) {
    pieces_.push_back({text_.size(), origin, text.size()});
    text_ += text;
  }
  const std::string &text() const { return text_; }
  std::optional<size_t> original(size_t pos) const {
    for (const Piece &p : pieces_)
      if (pos >= p.at && pos <= p.at + p.length)
        return p.origin + (pos - p.at);
    return std::nullopt;
  }

private:
  struct Piece {
    size_t at, origin, length;
  };
  std::string text_;
  std::vector<Piece> pieces_;
};

// A kernel message body after this is read as `syslog_date syslog_id
// TOK_DMESG_STAMP ...` (libapparmor's most permissive form).
constexpr std::string_view kKernelHeader = "Jan  1 00:00:00 localhost kernel: [    0.000000] ";
// A user-space (dbus-daemon) message body after this: `syslog_date TOK_ID TOK_SYSLOG_USER key_list`.
constexpr std::string_view kUserHeader = "Jan  1 00:00:00 localhost dbus-daemon[1]: ";

// What journald adds to an audit record it relays: the record's id.
struct JournalContext {
  std::optional<std::string> auditId;  // "SECONDS.MILLIS:SERIAL"
};

size_t skipSpaces(std::string_view s, size_t p) { return p + runOf(s, p, [](char c) { return c == ' ' || c == '\t'; }); }

// `Mon DD HH:MM:SS[.frac][tz]`, `YYYY-MM-DD[T ]HH:MM:SS[.,frac][Z|±HH[:]MM]`
// or seconds since the epoch `1700000000.123456` (journalctl -o
// short-unix). Returns where the date ends.
std::optional<size_t> syslogDateEnd(std::string_view s) {
  size_t p = 0;
  auto time = [&](size_t q) -> std::optional<size_t> {
    auto two = [&](size_t r) { return r + 1 < s.size() && isDigit(s[r]) && isDigit(s[r + 1]); };
    if (!(two(q) && startsWithAt(s, q + 2, ":") && two(q + 3) && startsWithAt(s, q + 5, ":") && two(q + 6)))
      return std::nullopt;
    q += 8;
    if (q < s.size() && (s[q] == '.' || s[q] == ',') && runOf(s, q + 1, isDigit) > 0)
      q += 1 + runOf(s, q + 1, isDigit);
    if (q < s.size() && s[q] == 'Z') {
      ++q;
    } else if (q < s.size() && (s[q] == '+' || s[q] == '-') && two(q + 1)) {
      q += 3;
      if (startsWithAt(s, q, ":") && two(q + 1))
        q += 3;
      else if (two(q))
        q += 2;
    }
    return q;
  };
  if (syslogDateLength(s, p) == 10 && p + 10 < s.size() && (s[p + 10] == 'T' || s[p + 10] == ' '))
    return time(p + 11);
  size_t seconds = runOf(s, p, isDigit);
  if (seconds >= 9 && startsWithAt(s, p + seconds, ".") && runOf(s, p + seconds + 1, isDigit) > 0)
    return p + seconds + 1 + runOf(s, p + seconds + 1, isDigit);
  static constexpr std::string_view kShortMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::string_view m : kShortMonths) {
    if (!startsWithAt(s, p, m) || !startsWithAt(s, p + 3, " "))
      continue;
    size_t q = skipSpaces(s, p + 3);
    size_t day = runOf(s, q, isDigit);
    if (day < 1 || day > 2 || !startsWithAt(s, q + day, " "))
      return std::nullopt;
    return time(skipSpaces(s, q + day));
  }
  return std::nullopt;
}

// The message of a syslog / journalctl line: what follows the date, the
// host and the `TAG:` (socklog writes no host).
// Past `HOST TAG: ` or `TAG: ` at p (TAG: `kernel:`, `dbus-daemon[1692]:`).
std::optional<size_t> hostAndTagEnd(std::string_view s, size_t p) {
  for (int word = 0; word < 2; ++word) {
    size_t end = s.find_first_of(" \t", p);
    if (end == std::string_view::npos)
      end = s.size();
    if (end > p && s[end - 1] == ':')
      return skipSpaces(s, end);
    if (word == 1 || end == p)
      return std::nullopt;
    p = skipSpaces(s, end);
  }
  return std::nullopt;
}

std::optional<size_t> syslogBodyStart(std::string_view s, size_t p) {
  auto dateEnd = syslogDateEnd(s.substr(p));
  if (!dateEnd || p + *dateEnd >= s.size() || s[p + *dateEnd] != ' ')
    return std::nullopt;
  return hostAndTagEnd(s, skipSpaces(s, p + *dateEnd));
}

// `[  123.456]`, `[Mon Jan  1 12:00:00 2024]` (dmesg -T): a bracketed time.
size_t bracketedStampLength(std::string_view s, size_t p) {
  if (!startsWithAt(s, p, "["))
    return 0;
  size_t close = s.find(']', p);
  if (close == std::string_view::npos || close - p > 40)
    return 0;
  std::string_view inside = s.substr(p + 1, close - p - 1);
  bool digit = false;
  for (char c : inside) {
    if (!(isAlnum(c) || c == ' ' || c == ':' || c == '.' || c == ',' || c == '+' || c == '-'))
      return 0;
    digit |= isDigit(c);
  }
  return digit ? close + 1 - p : 0;
}

// `type=1107 audit(ID): pid=.. uid=.. ... msg='FIELDS'`: the header of a
// relayed user message, rebuilt with only the fields libapparmor expects
// there (newer kernels and auditd add subj=, UID=, ...).
bool addUserMessage(Spliced &out, std::string_view s, size_t bodyStart, size_t origin) {
  std::string_view body = s.substr(bodyStart);
  size_t idEnd = body.find("): ");
  size_t msg = body.find("msg='", idEnd == std::string_view::npos ? 0 : idEnd);
  if (idEnd == std::string_view::npos || msg == std::string_view::npos)
    return false;
  size_t inner = msg + 5;
  size_t close = body.rfind('\'');
  if (close < inner)
    close = body.size();
  out.addOriginal(body.substr(0, idEnd + 3), origin + bodyStart);
  out.addFiller("pid=0 uid=0 auid=0 ses=0 msg='");
  out.addOriginal(body.substr(inner, close - inner), origin + bodyStart + inner);
  out.addFiller("'");
  return true;
}

bool startsWithAuditType(std::string_view s, size_t p) {
  // type=NAME or type=NUMBER, then a blank
  if (!startsWithAt(s, p, "type="))
    return false;
  size_t n = runOf(s, p + 5, isTypeNameChar);
  return n > 0 && p + 5 + n < s.size() && s[p + 5 + n] == ' ';
}

// audit.log's name for a record type number (auditd writes numbers it
// does not know), "" when libapparmor reads the number as it is.
std::string_view auditTypeName(std::string_view number) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
    {"1107", "USER_AVC"},        {"1400", "AVC"},             {"1501", "APPARMOR_AUDIT"},
    {"1502", "APPARMOR_ALLOWED"}, {"1503", "APPARMOR_DENIED"}, {"1504", "APPARMOR_HINT"},
    {"1505", "APPARMOR_STATUS"}, {"1506", "APPARMOR_ERROR"},
  };
  for (const auto &[n, name] : kNames)
    if (n == number)
      return name;
  return {};
}

// The forms aasim unwraps; nullopt when `s` is none of them.
std::optional<Spliced> unwrap(std::string_view s, const JournalContext &journal) {
  size_t p = skipSpaces(s, 0);
  // auditd's `node=HOST type=...`
  if (startsWithAt(s, p, "node=")) {
    size_t end = s.find(' ', p);
    if (end == std::string_view::npos)
      return std::nullopt;
    p = skipSpaces(s, end);
  }
  // syslog's `<PRI>`, also dmesg -r's
  if (startsWithAt(s, p, "<") && runOf(s, p + 1, isDigit) > 0 && startsWithAt(s, p + 1 + runOf(s, p + 1, isDigit), ">"))
    p += 2 + runOf(s, p + 1, isDigit);
  if (auto body = syslogBodyStart(s, p)) {
    p = *body;
  } else if (size_t stamp = bracketedStampLength(s, p)) {
    p = skipSpaces(s, p + stamp);
    // journalctl -o short-monotonic: `[  123.456789] HOST kernel: ...`
    if (auto body = hostAndTagEnd(s, p); body && !startsWithAt(s, p, "audit:"))
      p = *body;
  }
  if (size_t stamp = bracketedStampLength(s, p))
    p = skipSpaces(s, p + stamp);
  if (startsWithAt(s, p, "audit: "))
    p = skipSpaces(s, p + 7);

  Spliced out;
  std::string_view body = s.substr(p);
  if (startsWithAuditType(s, p) && body.find(" msg=audit(") == body.find(' ')) {
    // audit.log: `type=NAME msg=audit(ID): ...`; a number libapparmor only
    // knows by name is given its name.
    size_t typeEnd = body.find(' ');
    std::string_view type = body.substr(5, typeEnd - 5);
    std::string_view named = auditTypeName(type);
    if (!named.empty()) {
      out.addFiller(fmt::format("type={}", named));
      p += typeEnd;
      body = s.substr(p);
    }
    if ((named == "USER_AVC" || startsWithAt(s, p, "type=USER_AVC ")) && addUserMessage(out, s, p, 0))
      return out;
    out.addOriginal(body, p);
    return out;
  }
  if (startsWithAuditType(s, p) && body.find(" audit(") == body.find(' ')) {
    // the kernel's `type=1400 audit(ID): ...`
    out.addFiller(kKernelHeader);
    out.addFiller("audit: ");
    if (body.find("msg='") != std::string_view::npos && addUserMessage(out, s, p, 0))
      return out;
    out.addOriginal(body, p);
    return out;
  }
  if (startsWithAt(s, p, "audit(")) {
    out.addFiller(kKernelHeader);
    out.addOriginal(body, p);
    return out;
  }
  if (startsWithAt(s, p, "apparmor=")) {
    out.addFiller(kUserHeader);
    out.addOriginal(body, p);
    return out;
  }
  // journald's audit transport: `AVC apparmor=...`, `USER_AVC pid=... msg='...'`
  size_t name = runOf(s, p, [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
  if (name > 0 && startsWithAt(s, p + name, " ")) {
    std::string_view typeName = s.substr(p, name);
    size_t rest = skipSpaces(s, p + name);
    if (journal.auditId) {
      std::string header = fmt::format("type={} msg=audit({}): ", typeName, *journal.auditId);
      if (typeName == "USER_AVC") {
        std::string_view inner = s.substr(rest);
        size_t msg = inner.find("msg='");
        if (msg == std::string_view::npos)
          return std::nullopt;
        size_t close = inner.rfind('\'');
        if (close < msg + 5)
          close = inner.size();
        out.addFiller(header + "pid=0 uid=0 auid=0 ses=0 msg='");
        out.addOriginal(inner.substr(msg + 5, close - msg - 5), rest + msg + 5);
        out.addFiller("'");
        return out;
      }
      out.addFiller(header);
      out.addOriginal(s.substr(rest), rest);
      return out;
    }
    if (startsWithAt(s, rest, "apparmor=")) {
      out.addFiller(kUserHeader);
      out.addOriginal(s.substr(rest), rest);
      return out;
    }
  }
  return std::nullopt;
}

// Records that are AppArmor's even when they cannot be read: they are
// reported, where anything else is skipped.
bool mentionsAppArmor(std::string_view s) {
  if (s.find("apparmor=") != std::string_view::npos || s.find("type=APPARMOR") != std::string_view::npos)
    return true;
  for (size_t p = s.find("type="); p != std::string_view::npos; p = s.find("type=", p + 1)) {
    size_t q = p + 5;
    if (startsWithAt(s, q, "UNKNOWN["))
      q += 8;
    if (startsWithAt(s, q, "150") && q + 3 < s.size() && s[q + 3] >= '0' && s[q + 3] <= '6' &&
        (q + 4 >= s.size() || !isDigit(s[q + 4])))
      return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// journalctl -o json: one object a line. Only MESSAGE (a string, or an
// array of byte values when it is not UTF-8) and the audit id fields
// matter; other values are skipped without being built.

class JsonObjectReader {
public:
  explicit JsonObjectReader(std::string_view s) : s_(s) {}

  struct Fields {
    std::optional<std::string> message;
    std::optional<std::string> auditId;          // _AUDIT_ID
    std::optional<std::string> realtimeMicros;   // _SOURCE_REALTIME_TIMESTAMP
  };

  /// nullopt with `error` when the line is not one JSON object.
  std::optional<Fields> read(std::string &error) {
    Fields fields;
    ws();
    if (!eat('{'))
      return failed(error, "expected '{'");
    ws();
    if (!eat('}')) {
      for (;;) {
        ws();
        std::string key;
        if (!string(key))
          return failed(error, "expected a member name");
        ws();
        if (!eat(':'))
          return failed(error, "expected ':' after a member name");
        ws();
        bool ok = true;
        if (key == "MESSAGE")
          ok = messageValue(fields.message);
        else if (key == "_AUDIT_ID")
          ok = stringValue(fields.auditId);
        else if (key == "_SOURCE_REALTIME_TIMESTAMP")
          ok = stringValue(fields.realtimeMicros);
        else
          ok = skipValue();
        if (!ok)
          return failed(error, fmt::format("bad value for member \"{}\"", shortened(key)));
        ws();
        if (eat(','))
          continue;
        if (eat('}'))
          break;
        return failed(error, "expected ',' or '}'");
      }
    }
    ws();
    if (p_ != s_.size())
      return failed(error, "text after the object");
    return fields;
  }

private:
  std::optional<Fields> failed(std::string &error, std::string_view what) {
    error = fmt::format("column {}: {}", std::min(p_, s_.size()) + 1, what);
    return std::nullopt;
  }
  void ws() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\r' || s_[p_] == '\n'))
      ++p_;
  }
  bool eat(char c) {
    if (p_ < s_.size() && s_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }
  static void appendUtf8(std::string &out, uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  std::optional<uint32_t> hex4() {
    if (s_.size() - p_ < 4)
      return std::nullopt;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[p_ + i];
      int d = isDigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0)
        return std::nullopt;
      v = v * 16 + d;
    }
    p_ += 4;
    return v;
  }
  bool string(std::string &out) {
    if (!eat('"'))
      return false;
    while (p_ < s_.size()) {
      char c = s_[p_++];
      if (c == '"')
        return true;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (p_ >= s_.size())
        return false;
      char e = s_[p_++];
      switch (e) {
      case '"': case '\\': case '/': out.push_back(e); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        auto cp = hex4();
        if (!cp)
          return false;
        if (*cp >= 0xD800 && *cp < 0xDC00 && startsWithAt(s_, p_, "\\u")) {
          size_t save = p_;
          p_ += 2;
          auto low = hex4();
          if (low && *low >= 0xDC00 && *low < 0xE000) {
            appendUtf8(out, 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00));
            break;
          }
          p_ = save;
        }
        appendUtf8(out, *cp >= 0xD800 && *cp < 0xE000 ? 0xFFFD : *cp);  // a lone surrogate
        break;
      }
      default: return false;
      }
    }
    return false;
  }
  bool stringValue(std::optional<std::string> &out) {
    if (p_ < s_.size() && s_[p_] == '"') {
      std::string v;
      if (!string(v))
        return false;
      out = std::move(v);
      return true;
    }
    return skipValue();
  }
  // A string, or journalctl's array of byte values for text that is not UTF-8.
  bool messageValue(std::optional<std::string> &out) {
    if (p_ < s_.size() && s_[p_] == '[') {
      ++p_;
      std::string bytes;
      ws();
      if (eat(']')) {
        out = std::move(bytes);
        return true;
      }
      for (;;) {
        ws();
        size_t n = runOf(s_, p_, isDigit);
        if (n == 0 || n > 3)
          return false;
        int64_t v = saturatingNumber(s_.substr(p_, n));
        if (v > 255)
          return false;
        bytes.push_back(static_cast<char>(v));
        p_ += n;
        ws();
        if (eat(','))
          continue;
        if (eat(']'))
          break;
        return false;
      }
      out = std::move(bytes);
      return true;
    }
    return stringValue(out);
  }
  // Any value, nested ones by counting brackets (no recursion to exhaust).
  bool skipValue() {
    if (p_ >= s_.size())
      return false;
    if (s_[p_] == '"') {
      std::string ignored;
      return string(ignored);
    }
    if (s_[p_] != '{' && s_[p_] != '[') {
      size_t n = runOf(s_, p_, [](char c) { return isAlnum(c) || c == '-' || c == '+' || c == '.'; });
      p_ += n;
      return n > 0;
    }
    size_t depth = 0;
    while (p_ < s_.size()) {
      char c = s_[p_];
      if (c == '"') {
        std::string ignored;
        if (!string(ignored))
          return false;
        continue;
      }
      ++p_;
      if (c == '{' || c == '[')
        ++depth;
      else if ((c == '}' || c == ']') && --depth == 0)
        return true;
    }
    return false;
  }

  std::string_view s_;
  size_t p_ = 0;
};

// journald keeps a relayed record's id as _SOURCE_REALTIME_TIMESTAMP
// (SECONDS * 10^6 + MILLIS * 10^3) and _AUDIT_ID (the serial).
std::optional<std::string> journalAuditId(const JsonObjectReader::Fields &f) {
  if (!f.auditId || !f.realtimeMicros || f.auditId->empty() || f.realtimeMicros->empty() ||
      runOf(*f.auditId, 0, isDigit) != f.auditId->size() ||
      runOf(*f.realtimeMicros, 0, isDigit) != f.realtimeMicros->size() || f.realtimeMicros->size() > 18)
    return std::nullopt;
  int64_t micros = saturatingNumber(*f.realtimeMicros);
  return fmt::format("{}.{:03}:{}", micros / 1000000, (micros % 1000000) / 1000, *f.auditId);
}

bool isEvent(const AuditLine &line) { return std::holds_alternative<AuditEvent>(line); }

// journalctl -o json writes one object a line.
bool isJsonLine(std::string_view line) {
  size_t first = line.find_first_not_of(" \t");
  return first != std::string_view::npos && line[first] == '{';
}

// A line that continues the record above it: indented, not blank.
bool isContinuation(std::string_view line) {
  return !line.empty() && (line[0] == ' ' || line[0] == '\t') &&
         line.find_first_not_of(" \t") != std::string_view::npos;
}

std::string placedProblem(std::string_view text, const DetailedParse &parse) {
  if (!parse.problemPos)
    return parse.problem;
  return fmt::format("{}: {}", locate(text, *parse.problemPos), parse.problem);
}

// One message: as libapparmor reads it, else unwrapped, else classified.
AuditLine parseMessage(std::string_view text, const JournalContext &journal, std::string_view where) {
  DetailedParse direct = parseDetailed(text);
  if (direct.event.type != AuditEventType::Invalid)
    return direct.event;
  std::string problem = placedProblem(text, direct);
  if (auto unwrapped = unwrap(text, journal)) {
    DetailedParse again = parseDetailed(unwrapped->text());
    if (again.event.type != AuditEventType::Invalid)
      return again.event;
    // The failure inside the unwrapped record says more than "does not
    // start like a record" about the line as it stands.
    problem = again.problem;
    if (again.problemPos) {
      if (auto original = unwrapped->original(*again.problemPos))
        problem = fmt::format("{}: {}", locate(text, *original), again.problem);
    }
  }
  if (!mentionsAppArmor(text))
    return SkippedLine{};
  return MalformedLine{fmt::format("{}{}", where, problem)};
}

AuditLine parseJournalJson(std::string_view line) {
  std::string error;
  auto fields = JsonObjectReader(line).read(error);
  if (!fields) {
    if (mentionsAppArmor(line))
      return MalformedLine{fmt::format("not a journalctl JSON object: {}", error)};
    return SkippedLine{};
  }
  if (!fields->message)
    return SkippedLine{};
  JournalContext journal{journalAuditId(*fields)};
  return parseMessage(*fields->message, journal, "in MESSAGE: ");
}

} // namespace

// ---------------------------------------------------------------------------

std::string_view eventTypeName(AuditEventType type) {
  switch (type) {
  case AuditEventType::Invalid: return "AA_RECORD_INVALID";
  case AuditEventType::Error: return "AA_RECORD_ERROR";
  case AuditEventType::Audit: return "AA_RECORD_AUDIT";
  case AuditEventType::Allowed: return "AA_RECORD_ALLOWED";
  case AuditEventType::Denied: return "AA_RECORD_DENIED";
  case AuditEventType::Hint: return "AA_RECORD_HINT";
  case AuditEventType::Status: return "AA_RECORD_STATUS";
  }
  return "AA_RECORD_INVALID";
}

RecordParse parseAuditRecord(std::string_view text) {
  DetailedParse parse = parseDetailed(text);
  return RecordParse{std::move(parse.event), placedProblem(text.substr(0, text.find('\0')), parse)};
}

AuditLine parseAuditLine(std::string_view line) {
  if (isJsonLine(line))
    return parseJournalJson(line);
  return parseMessage(line, JournalContext{}, "");
}

// ---------------------------------------------------------------------------
// The reader.

std::optional<AuditLogReader::PhysicalLine> AuditLogReader::readPhysicalLine() {
  std::streambuf *buf = in_.rdbuf();
  if (!buf || readFailed_)
    return std::nullopt;
  PhysicalLine line;
  bool any = false;
  for (;;) {
    int c;
    try {
      c = buf->sbumpc();
    } catch (...) {
      readFailed_ = true;
      break;
    }
    if (c == std::char_traits<char>::eof())
      break;
    any = true;
    if (c == '\n')
      break;
    // Past the limit the line is still read to its end, but not kept.
    if (line.text.size() < options_.maxLineBytes)
      line.text.push_back(static_cast<char>(c));
    else
      line.tooLong = true;
  }
  if (!any)
    return std::nullopt;
  if (!line.text.empty() && line.text.back() == '\r')
    line.text.pop_back();
  line.number = ++lineNumber_;
  return line;
}

std::optional<AuditLogReader::PhysicalLine> AuditLogReader::takeLine() {
  if (pending_) {
    auto line = std::move(pending_);
    pending_.reset();
    return line;
  }
  return readPhysicalLine();
}

std::optional<AuditLogEntry> AuditLogReader::next() {
  auto first = takeLine();
  if (!first)
    return std::nullopt;
  AuditLogEntry entry;
  entry.line = first->number;
  if (first->tooLong) {
    if (mentionsAppArmor(first->text)) {
      entry.parsed = MalformedLine{fmt::format("line longer than {} bytes; not parsed", options_.maxLineBytes)};
      ++counts_.malformed;
    } else {
      entry.parsed = SkippedLine{};
      ++counts_.skipped;
    }
    return entry;
  }
  std::string record = std::move(first->text);
  entry.parsed = parseAuditLine(record);
  bool json = isJsonLine(record);
  while (!json && entry.lines < options_.maxRecordLines) {
    if (!pending_)
      pending_ = readPhysicalLine();
    if (!pending_ || pending_->tooLong || !isContinuation(pending_->text) ||
        record.size() + 1 + pending_->text.size() > options_.maxLineBytes)
      break;
    std::string joined = record + "\n" + pending_->text;
    AuditLine parsedJoined = parseAuditLine(joined);
    // Join when that makes an event, or when neither part is one alone
    // (a malformed record's tail belongs to it); never swallow an event.
    bool take = isEvent(parsedJoined) || (!isEvent(entry.parsed) && !isEvent(parseAuditLine(pending_->text)));
    if (!take)
      break;
    record = std::move(joined);
    entry.parsed = std::move(parsedJoined);
    ++entry.lines;
    pending_.reset();
  }
  if (auto *event = std::get_if<AuditEvent>(&entry.parsed)) {
    event->line = entry.line;
    ++counts_.events;
  } else if (std::holds_alternative<SkippedLine>(entry.parsed)) {
    counts_.skipped += entry.lines;
  } else {
    ++counts_.malformed;
  }
  return entry;
}

// ---------------------------------------------------------------------------
// Fields and their renderings.

namespace {

struct FieldSpec {
  std::string_view label;
  std::string_view key;
  std::optional<std::string> AuditEvent::*text = nullptr;
  std::optional<int64_t> AuditEvent::*number = nullptr;
};

// test_multi's order and labels.
const FieldSpec kFieldSpecs[] = {
  {"Audit ID", "audit_id", &AuditEvent::auditId},
  {"Operation", "operation", &AuditEvent::operation},
  {"Mask", "mask", &AuditEvent::requestedMask},
  {"Denied Mask", "denied_mask", &AuditEvent::deniedMask},
  {"fsuid", "fsuid", nullptr, &AuditEvent::fsuid},
  {"ouid", "ouid", nullptr, &AuditEvent::ouid},
  {"Profile", "profile", &AuditEvent::profile},
  {"Peer profile", "peer_profile", &AuditEvent::peerProfile},
  {"Peer", "peer", &AuditEvent::peer},
  {"Name", "name", &AuditEvent::name},
  {"Command", "command", &AuditEvent::command},
  {"Name2", "name2", &AuditEvent::name2},
  {"Namespace", "namespace", &AuditEvent::ns},
  {"Attribute", "attribute", &AuditEvent::attribute},
  {"Task", "task", nullptr, &AuditEvent::task},
  {"Parent", "parent", nullptr, &AuditEvent::parent},
  {"Token", "token", nullptr, &AuditEvent::magicToken},
  {"Info", "info", &AuditEvent::info},
  {"Peer info", "peer_info", &AuditEvent::peerInfo},
  {"ErrorCode", "error_code", nullptr, &AuditEvent::errorCode},
  {"PID", "pid", nullptr, &AuditEvent::pid},
  {"Peer PID", "peer_pid", nullptr, &AuditEvent::peerPid},
  {"Active hat", "active_hat", &AuditEvent::activeHat},
  {"Net Addr", "net_addr", &AuditEvent::netAddr},
  {"Peer Addr", "peer_addr", &AuditEvent::peerAddr},
  {"Network family", "network_family", &AuditEvent::netFamily},
  {"Socket type", "socket_type", &AuditEvent::sockType},
  {"Protocol", "protocol", &AuditEvent::protocol},
  {"Local addr", "local_addr", &AuditEvent::localAddr},
  {"Foreign addr", "foreign_addr", &AuditEvent::foreignAddr},
  {"Local port", "local_port", nullptr, &AuditEvent::localPort},
  {"Foreign port", "foreign_port", nullptr, &AuditEvent::foreignPort},
  {"DBus bus", "dbus_bus", &AuditEvent::dbusBus},
  {"DBus path", "dbus_path", &AuditEvent::dbusPath},
  {"DBus interface", "dbus_interface", &AuditEvent::dbusInterface},
  {"DBus member", "dbus_member", &AuditEvent::dbusMember},
  {"Signal", "signal", &AuditEvent::signal},
  {"FS Type", "fs_type", &AuditEvent::fsType},
  {"Flags", "flags", &AuditEvent::flags},
  {"Src name", "src_name", &AuditEvent::srcName},
  {"Execpath", "execpath", &AuditEvent::execPath},
  {"Class", "class", &AuditEvent::ruleClass},
  {"Epoch", "epoch", nullptr, &AuditEvent::epoch},
  {"Audit subid", "audit_subid", nullptr, &AuditEvent::auditSubId},
};

// Bare when it reads unambiguously, else quoted with C escapes.
std::string textValue(std::string_view v) {
  bool bare = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '"' && c != '\\' && c != '=';
  });
  if (bare)
    return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\')
      out += {'\\', c};
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (u < 0x20 || u == 0x7f)
      out += fmt::format("\\x{:02x}", u);
    else
      out.push_back(c);  // UTF-8 and other bytes as they are
  }
  return out + "\"";
}

// Length of the valid UTF-8 sequence at s[p], 0 when there is none.
size_t utf8SequenceLength(std::string_view s, size_t p) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b = byte(p);
  size_t n;
  uint32_t cp;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
    cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    cp = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    cp = b & 0x07;
  } else {
    return 0;
  }
  if (p + n > s.size())
    return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((byte(p + i) & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (byte(p + i) & 0x3F);
  }
  bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  bool surrogate = cp >= 0xD800 && cp < 0xE000;
  return overlong || surrogate || cp > 0x10FFFF ? 0 : n;
}

} // namespace

std::vector<AuditFieldText> auditFields(const AuditEvent &event) {
  std::vector<AuditFieldText> out;
  out.push_back({"Event type", "event_type", std::string(eventTypeName(event.type)), false});
  for (const FieldSpec &f : kFieldSpecs) {
    if (f.text && event.*f.text)
      out.push_back({f.label, f.key, *(event.*f.text), false});
    else if (f.number && event.*f.number)
      out.push_back({f.label, f.key, std::to_string(*(event.*f.number)), true});
  }
  return out;
}

std::string jsonQuote(std::string_view text) {
  std::string out = "\"";
  for (size_t p = 0; p < text.size();) {
    char c = text[p];
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      if (size_t n = utf8SequenceLength(text, p)) {
        out.append(text.substr(p, n));
        p += n;
        continue;
      }
      out += fmt::format("\\u{:04x}", u);
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out.push_back(c);
    }
    ++p;
  }
  return out + "\"";
}

std::string formatAuditEventJson(const AuditEvent &event, std::string_view file) {
  std::string out = fmt::format("{{\"file\":{},\"line\":{}", jsonQuote(file), event.line);
  for (const AuditFieldText &f : auditFields(event))
    out += fmt::format(",\"{}\":{}", f.key, f.numeric ? f.value : jsonQuote(f.value));
  return out + "}";
}

std::string formatAuditEventText(const AuditEvent &event, std::string_view file) {
  std::string_view type = eventTypeName(event.type);
  type.remove_prefix(std::string_view("AA_RECORD_").size());
  std::string out = fmt::format("{}:{}: {}", file, event.line, type);
  for (const AuditFieldText &f : auditFields(event)) {
    // The event type leads; epoch and serial repeat the audit id.
    if (f.key == "event_type" || f.key == "epoch" || f.key == "audit_subid")
      continue;
    out += fmt::format(" {}={}", f.key, f.numeric ? f.value : textValue(f.value));
  }
  return out;
}

std::optional<uint32_t> protocolNumber(std::string_view name) {
  for (const auto &[n, known] : kProtocols)
    if (known == name)
      return n;
  if (!name.empty() && name.find_first_not_of("0123456789") == std::string_view::npos && name.size() < 6)
    return static_cast<uint32_t>(std::stoul(std::string(name)));
  return std::nullopt;
}

} // namespace aasim::simulator

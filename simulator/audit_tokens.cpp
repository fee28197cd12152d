// The scanner of kernel AppArmor records: libapparmor's lexical rules (a
// flex scanner there) rewritten by hand, from the characters to the
// tokens the grammar in audit_record.cpp reads. Kept apart from the
// grammar as libapparmor keeps its scanner apart from its parser, so each
// can be read against its counterpart there.
#include "audit_tokens.h"

#include <limits>

namespace aasim::simulator::detail {

namespace {

// The character classes only the scanner reads with (audit_tokens.h
// has the shared ones).
bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\x1d'; }
bool isUpperHex(char c) { return isDigit(c) || (c >= 'A' && c <= 'F'); }
bool isIpChar(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || c == '.' || c == ':'; }
bool isHostChar(char c) { return isAlnum(c) || c == '.' || c == '_' || c == '-'; }
bool isTagChar(char c) { return isAlnum(c) || c == '_' || c == '-'; }
// A bare word after `(`, `attribute=` or `signal=`.
bool isWordChar(char c) {
  return c != ' ' && c != '\t' && c != '\n' && c != '(' && c != ')' && c != '=' && c != '"' && c != '\'' &&
         c != '!';
}

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

  // What a value state does with anything but its value: `=` before the
  // value, a line break inside the record, or the end of the state.
  void equalsLineBreakOrLeave(char c) {
    if (c == '=')
      emit(Tok::Equals, p_, 1, "=");
    else if (c == '\n')
      ++p_;
    else
      state_ = LexState::Initial;
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
    } else {
      equalsLineBreakOrLeave(c);
    }
  }

  void ipAddr() {
    char c = s_[p_];
    size_t n = runOf(s_, p_, isIpChar);
    if (n >= 3) {
      emit(Tok::IpAddr, p_, n, std::string(s_.substr(p_, n)));
      state_ = LexState::Initial;
    } else {
      equalsLineBreakOrLeave(c);
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

} // namespace

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

ScannedRecord scanRecord(std::string_view text) {
  RecordScanner scanner(text);
  ScannedRecord out;
  out.tokens = scanner.run();
  out.unterminatedQuote = scanner.unterminatedQuote();
  return out;
}

} // namespace aasim::simulator::detail

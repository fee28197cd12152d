// The record grammar: libapparmor's parser with its actions, over the
// tokens of audit_tokens.cpp. It fills an AuditEvent field by field,
// protocol numbers becoming names, and says where a record it cannot
// read goes wrong (parseAuditRecord()).
#include "audit_record.h"

#include "audit_tokens.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace aasim::simulator::detail {

namespace {

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

} // namespace

std::string shortened(std::string_view text, size_t most) {
  std::string out;
  for (char c : text.substr(0, most)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += u < 0x20 || u >= 0x7f ? fmt::format("\\x{:02x}", u) : std::string(1, c);
  }
  if (text.size() > most)
    out += "...";
  return out;
}

std::string locate(std::string_view text, size_t pos) {
  pos = std::min(pos, text.size());
  size_t lineStart = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  if (pos == 0 || lineStart == std::string_view::npos)
    return fmt::format("column {}", pos + 1);
  size_t line = 1 + std::count(text.begin(), text.begin() + lineStart + 1, '\n');
  return fmt::format("line {}, column {}", line, pos - lineStart);
}

DetailedParse parseDetailed(std::string_view text) {
  // parse_record() reads a C string.
  text = text.substr(0, text.find('\0'));
  ScannedRecord scanned = scanRecord(text);
  DetailedParse out;
  RecordGrammar grammar(scanned.tokens, scanned.unterminatedQuote, out.event);
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

std::string placedProblem(std::string_view text, const DetailedParse &parse) {
  if (!parse.problemPos)
    return parse.problem;
  return fmt::format("{}: {}", locate(text, *parse.problemPos), parse.problem);
}

} // namespace aasim::simulator::detail

namespace aasim::simulator {

RecordParse parseAuditRecord(std::string_view text) {
  detail::DetailedParse parse = detail::parseDetailed(text);
  return RecordParse{std::move(parse.event), detail::placedProblem(text.substr(0, text.find('\0')), parse)};
}

std::optional<uint32_t> protocolNumber(std::string_view name) {
  for (const auto &[n, known] : detail::kProtocols)
    if (known == name)
      return n;
  if (!name.empty() && name.find_first_not_of("0123456789") == std::string_view::npos && name.size() < 6)
    return static_cast<uint32_t>(std::stoul(std::string(name)));
  return std::nullopt;
}

} // namespace aasim::simulator

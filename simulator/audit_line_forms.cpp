// The forms records reach users in: audit.log, dmesg, syslog / kern.log,
// journalctl text and journalctl -o json. A line is read as libapparmor
// reads it, else unwrapped into a form it reads, else classified as
// skipped or malformed (parseAuditLine()); the record itself is left to
// the grammar (audit_record.cpp).
#include "audit_line_forms.h"

#include "audit_record.h"
#include "audit_tokens.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace aasim::simulator::detail {

namespace {

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

bool isJsonLine(std::string_view line) {
  size_t first = line.find_first_not_of(" \t");
  return first != std::string_view::npos && line[first] == '{';
}

} // namespace aasim::simulator::detail

namespace aasim::simulator {

AuditLine parseAuditLine(std::string_view line) {
  if (detail::isJsonLine(line))
    return detail::parseJournalJson(line);
  return detail::parseMessage(line, detail::JournalContext{}, "");
}

} // namespace aasim::simulator

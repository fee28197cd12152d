// An AuditEvent as users see it: its fields under libapparmor's
// test_multi labels and aasim's JSON keys (auditFields()), and the event
// as one JSON object or one readable line (formatAuditEventJson/Text,
// jsonQuote). Apart from the parsing so that output can change without
// touching how records are read.
#include "audit_log.h"

#include <fmt/format.h>

#include <algorithm>

namespace aasim::simulator {

// ---------------------------------------------------------------------------
// Fields and their renderings.

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

} // namespace aasim::simulator

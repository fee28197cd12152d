// Kernel AppArmor audit records as they reach users (docs/audit-logs.md):
// audit.log, dmesg, syslog / kern.log / `journalctl -k` text and
// `journalctl -o json`. The fields of a record are the ones libapparmor's
// parse_record() extracts, with its quirks (its test_multi corpus is the
// reference); forms libapparmor does not know are unwrapped into one it
// does before the same extraction runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace aasim::simulator {

/// libapparmor's aa_record_event_type.
enum class AuditEventType : uint8_t { Invalid, Error, Audit, Allowed, Denied, Hint, Status };

/// "AA_RECORD_DENIED", ... (libapparmor's names).
std::string_view eventTypeName(AuditEventType type);

/// One record, holding what libapparmor would report: a field is set
/// exactly when libapparmor's test_multi prints it. So numbers that
/// libapparmor keeps 0 for "absent" (pid, ports, error, task, ...) are
/// unset when the log says 0, and `errorCode` is the magnitude of the
/// logged errno (`error=-13` gives 13), as libapparmor stores it.
struct AuditEvent {
  AuditEventType type = AuditEventType::Invalid;
  std::optional<std::string> auditId;  // "1279948288.415:39", digits as logged
  std::optional<std::string> operation;
  std::optional<std::string> requestedMask;  // requested_mask= / requested=
  std::optional<std::string> deniedMask;     // denied_mask= / denied= / mask=
  std::optional<int64_t> fsuid, ouid;
  std::optional<std::string> profile;      // profile= / label=
  std::optional<std::string> peerProfile;  // peer_profile= / peer_label= / tcontext=
  std::optional<std::string> peer;
  std::optional<std::string> name;  // name= / capname=
  std::optional<std::string> command;  // comm= / exe=, whichever comes last
  std::optional<std::string> name2;  // name2= / target=
  std::optional<std::string> ns;     // namespace=
  std::optional<std::string> attribute;
  std::optional<int64_t> task, parent, magicToken;
  std::optional<std::string> info, peerInfo;
  std::optional<int64_t> errorCode, pid, peerPid;
  std::optional<std::string> activeHat;  // only pre-2.6 logs had it; never set today
  std::optional<std::string> netAddr, peerAddr;  // addr= / peer_addr= (unix sockets)
  std::optional<std::string> netFamily, sockType, protocol;  // protocol numbers become names
  std::optional<std::string> localAddr, foreignAddr;  // laddr= / saddr=, faddr= / daddr=
  std::optional<int64_t> localPort, foreignPort;      // lport= / src=, fport= / dest=
  std::optional<std::string> dbusBus, dbusPath, dbusInterface, dbusMember;  // member= / method=
  std::optional<std::string> signal, fsType, flags, srcName, execPath;
  std::optional<std::string> ruleClass;  // class=
  std::optional<int64_t> epoch, auditSubId;  // the audit id's seconds and serial

  size_t line = 0;  // first line of the record in its stream (0: not from a stream)

  bool operator==(const AuditEvent &) const = default;
};

/// One field of a record as libapparmor's test_multi prints it: its label
/// ("Denied Mask"), the snake_case key aasim uses in JSON ("denied_mask")
/// and the value's text (numbers in decimal).
struct AuditFieldText {
  std::string_view label;
  std::string_view key;
  std::string value;
  bool numeric = false;
};

/// The set fields of `event`, "Event type" first, in test_multi's order.
std::vector<AuditFieldText> auditFields(const AuditEvent &event);

/// What libapparmor's parse_record() makes of `text` (one record; it may
/// span lines). `problem` says why when the result is AA_RECORD_INVALID
/// ("column 27: expected digits in the audit id (found '=')"); the fields
/// read before the grammar gave up stay set, as in libapparmor.
struct RecordParse {
  AuditEvent event;
  std::string problem;
};
RecordParse parseAuditRecord(std::string_view text);

/// A line that is no AppArmor record (other kernel messages, other audit
/// types, SELinux AVCs): the reader skips and counts it.
struct SkippedLine {};
/// An AppArmor record that cannot be read, and why.
struct MalformedLine {
  std::string message;
};
using AuditLine = std::variant<AuditEvent, SkippedLine, MalformedLine>;

/// One logical line in any accepted form. Records libapparmor reads as
/// they stand are taken as it reads them; other forms (journalctl JSON,
/// dmesg with other or no timestamps, ISO dates libapparmor rejects,
/// journald's `audit[PID]: AVC ...`, USER_AVC with extra header fields)
/// are unwrapped first.
AuditLine parseAuditLine(std::string_view line);

struct AuditLogEntry {
  size_t line = 0;   // first physical line, 1-based
  size_t lines = 1;  // physical lines it spans (wrapped records)
  AuditLine parsed;
};

struct AuditLogCounts {
  size_t events = 0;
  size_t skipped = 0;    // physical lines
  size_t malformed = 0;  // records (one may span lines)
};

struct AuditLogReaderOptions {
  size_t maxLineBytes = 1 << 20;  // longer lines are reported, not parsed
  size_t maxRecordLines = 64;     // a wrapped record joins at most this many lines
};

/// Reads a log one logical record at a time. A line that starts with a
/// blank continues the record above it when the joined text parses better
/// (testcase_dbus_09: a USER_AVC wrapped over two lines). Every line ends
/// up in exactly one entry: an event, a skipped line or a malformed one.
class AuditLogReader {
public:
  explicit AuditLogReader(std::istream &in, AuditLogReaderOptions options = {})
      : in_(in), options_(options) {}

  std::optional<AuditLogEntry> next();
  const AuditLogCounts &counts() const { return counts_; }
  /// The stream failed for another reason than its end (an I/O error).
  bool readFailed() const { return readFailed_; }

private:
  struct PhysicalLine {
    std::string text;
    size_t number = 0;
    bool tooLong = false;
  };
  std::optional<PhysicalLine> readPhysicalLine();
  std::optional<PhysicalLine> takeLine();

  std::istream &in_;
  AuditLogReaderOptions options_;
  AuditLogCounts counts_;
  std::optional<PhysicalLine> pending_;  // read ahead to look for a continuation
  size_t lineNumber_ = 0;
  bool readFailed_ = false;
};

/// One JSON object (no newline): `file`, `line`, then every set field
/// keyed as in auditFields(); numbers are JSON numbers.
std::string formatAuditEventJson(const AuditEvent &event, std::string_view file);

/// One readable line: `FILE:LINE: DENIED audit_id=... operation=open ...`.
std::string formatAuditEventText(const AuditEvent &event, std::string_view file);

/// `text` as a JSON string literal, quotes included. Valid UTF-8 passes
/// through; control bytes, DEL and bytes that are not UTF-8 become \u00XX
/// (the byte's value as a code point).
std::string jsonQuote(std::string_view text);

/// The protocol number of a name as records spell it ("tcp", "ip", or digits).
std::optional<uint32_t> protocolNumber(std::string_view name);

} // namespace aasim::simulator

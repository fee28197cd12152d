// The audit-log reader: libapparmor's test_multi corpus field by field,
// every accepted form, the reader's bookkeeping, robustness and output.
#include "simulator/audit_log.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using namespace aasim::simulator;
namespace fs = std::filesystem;

fs::path corpusRoot() {
  if (const char *env = std::getenv("AASIM_CORPUS"); env && *env)
    return env;
  // The source tree's sibling holds the shared corpus: ../shared/corpus.
#ifdef AASIM_TEST_FIXTURES
  fs::path sourceRoot = fs::path(AASIM_TEST_FIXTURES).parent_path().parent_path();  // tests/fixtures
#else
  fs::path sourceRoot = fs::path(__FILE__).parent_path().parent_path().parent_path();  // tests/unit/x.cpp
#endif
  return sourceRoot.parent_path() / "shared" / "corpus";
}

fs::path testMultiDir() { return corpusRoot() / "audit-logs" / "test_multi"; }

std::string readFile(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> corpusInputs() {
  std::vector<fs::path> inputs;
  for (const auto &entry : fs::directory_iterator(testMultiDir()))
    if (entry.path().extension() == ".in")
      inputs.push_back(entry.path());
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

using LabeledValues = std::vector<std::pair<std::string, std::string>>;

// A .out file: START, File: NAME.in, then `Label: value` lines.
LabeledValues readOut(const std::string &text, std::string &header) {
  LabeledValues fields;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line == "START" || line.rfind("File: ", 0) == 0) {
      header += line + "\n";
      continue;
    }
    size_t colon = line.find(": ");
    if (colon == std::string::npos)
      fields.push_back({line, ""});
    else
      fields.push_back({line.substr(0, colon), line.substr(colon + 2)});
  }
  return fields;
}

LabeledValues labeled(const AuditEvent &event) {
  LabeledValues out;
  for (const AuditFieldText &f : auditFields(event))
    out.push_back({std::string(f.label), f.value});
  return out;
}

// Which fields differ, in libapparmor's order ("" when none).
std::string fieldDifferences(const LabeledValues &expected, const LabeledValues &actual) {
  std::string out;
  auto find = [](const LabeledValues &v, const std::string &label) -> const std::string * {
    for (const auto &[l, value] : v)
      if (l == label)
        return &value;
    return nullptr;
  };
  for (const auto &[label, value] : expected) {
    const std::string *got = find(actual, label);
    if (!got)
      out += fmt::format("  {}: missing (libapparmor: '{}')\n", label, value);
    else if (*got != value)
      out += fmt::format("  {}: '{}' (libapparmor: '{}')\n", label, *got, value);
  }
  for (const auto &[label, value] : actual)
    if (!find(expected, label))
      out += fmt::format("  {}: '{}' is set; libapparmor does not set it\n", label, value);
  if (out.empty() && expected != actual)
    out = "  same fields in another order\n";
  return out;
}

std::vector<AuditLogEntry> readAll(const std::string &text, AuditLogCounts *counts = nullptr,
                                   AuditLogReaderOptions options = {}) {
  std::istringstream in(text);
  AuditLogReader reader(in, options);
  std::vector<AuditLogEntry> entries;
  while (auto e = reader.next())
    entries.push_back(std::move(*e));
  if (counts)
    *counts = reader.counts();
  return entries;
}

AuditEvent eventOf(std::string_view line) {
  AuditLine parsed = parseAuditLine(line);
  if (const auto *bad = std::get_if<MalformedLine>(&parsed))
    ADD_FAILURE() << "malformed: " << bad->message << "\n  line: " << line;
  else if (std::holds_alternative<SkippedLine>(parsed))
    ADD_FAILURE() << "skipped: " << line;
  return std::holds_alternative<AuditEvent>(parsed) ? std::get<AuditEvent>(parsed) : AuditEvent{};
}

std::string malformedMessage(std::string_view line) {
  AuditLine parsed = parseAuditLine(line);
  if (const auto *bad = std::get_if<MalformedLine>(&parsed))
    return bad->message;
  ADD_FAILURE() << "not reported as malformed: " << line;
  return {};
}

// The fields a typical file denial carries, whatever the form around it.
constexpr std::string_view kDenial =
  R"(apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/cupsd" name="/etc/shadow" )"
  R"(pid=1234 comm="cupsd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0)";

void expectDenial(const AuditEvent &e, bool withAuditId = true) {
  EXPECT_EQ(e.type, AuditEventType::Denied);
  if (withAuditId) {
    EXPECT_EQ(e.auditId, "1700000000.123:45");
    EXPECT_EQ(e.epoch, 1700000000);
    EXPECT_EQ(e.auditSubId, 45);
  }
  EXPECT_EQ(e.operation, "open");
  EXPECT_EQ(e.ruleClass, "file");
  EXPECT_EQ(e.profile, "/usr/sbin/cupsd");
  EXPECT_EQ(e.name, "/etc/shadow");
  EXPECT_EQ(e.pid, 1234);
  EXPECT_EQ(e.command, "cupsd");
  EXPECT_EQ(e.requestedMask, "r");
  EXPECT_EQ(e.deniedMask, "r");
  EXPECT_EQ(e.fsuid, 0);
  EXPECT_EQ(e.ouid, 0);
}

// ---------------------------------------------------------------------------
// libapparmor's corpus

TEST(AuditLogCorpus, EveryTestMultiCaseMatchesLibapparmor) {
  if (!fs::is_directory(testMultiDir()))
    GTEST_SKIP() << "no test_multi corpus at " << testMultiDir() << " (set AASIM_CORPUS)";
  size_t total = 0, equal = 0;
  for (const fs::path &in : corpusInputs()) {
    ++total;
    std::string name = in.filename().string();
    fs::path outPath = fs::path(in).replace_extension(".out");
    std::string header;
    LabeledValues expected = readOut(readFile(outPath), header);
    EXPECT_EQ(header, fmt::format("START\nFile: {}\n", name)) << outPath;
    // test_multi hands parse_record() the whole file.
    RecordParse parsed = parseAuditRecord(readFile(in));
    std::string diff = fieldDifferences(expected, labeled(parsed.event));
    if (diff.empty())
      ++equal;
    else
      ADD_FAILURE() << name << " differs from libapparmor:\n" << diff;
  }
  fmt::print("test_multi: {}/{} cases equal to libapparmor\n", equal, total);
  EXPECT_EQ(equal, total);
  EXPECT_GT(total, 100u);
}

// The reader takes libapparmor's reading of every case it can read, and
// reports or skips the ones libapparmor rejects.
TEST(AuditLogCorpus, ReaderKeepsLibapparmorsReading) {
  if (!fs::is_directory(testMultiDir()))
    GTEST_SKIP() << "no test_multi corpus at " << testMultiDir() << " (set AASIM_CORPUS)";
  for (const fs::path &in : corpusInputs()) {
    std::string text = readFile(in);
    std::string name = in.filename().string();
    AuditEvent reference = parseAuditRecord(text).event;
    AuditLogCounts counts;
    auto entries = readAll(text, &counts);
    ASSERT_EQ(entries.size(), 1u) << name << ": one record";
    const AuditLogEntry &entry = entries[0];
    EXPECT_EQ(entry.line, 1u) << name;
    if (reference.type != AuditEventType::Invalid) {
      ASSERT_TRUE(std::holds_alternative<AuditEvent>(entry.parsed)) << name;
      AuditEvent got = std::get<AuditEvent>(entry.parsed);
      EXPECT_EQ(got.line, 1u);
      got.line = 0;
      EXPECT_EQ(got, reference) << name << ":\n" << fieldDifferences(labeled(reference), labeled(got));
      EXPECT_EQ(counts.events, 1u);
    } else {
      EXPECT_FALSE(std::holds_alternative<AuditEvent>(entry.parsed)) << name;
      // syslog_other_*: kernel lines that are no audit records at all.
      bool skipped = name.rfind("syslog_other_", 0) == 0;
      if (skipped) {
        EXPECT_TRUE(std::holds_alternative<SkippedLine>(entry.parsed)) << name;
      } else {
        EXPECT_TRUE(std::holds_alternative<MalformedLine>(entry.parsed)) << name;
      }
    }
  }
}

TEST(AuditLogCorpus, TruncatedRecordsNeverCrash) {
  if (!fs::is_directory(testMultiDir()))
    GTEST_SKIP() << "no test_multi corpus at " << testMultiDir() << " (set AASIM_CORPUS)";
  size_t parses = 0;
  for (const fs::path &in : corpusInputs()) {
    std::string text = readFile(in);
    for (size_t n = 0; n <= text.size(); ++n) {
      std::string_view prefix(text.data(), n);
      RecordParse r = parseAuditRecord(prefix);
      // A failed parse always says why.
      if (r.event.type == AuditEventType::Invalid) {
        EXPECT_FALSE(r.problem.empty()) << in.filename() << " cut at " << n;
      }
      (void)parseAuditLine(prefix);
      ++parses;
    }
  }
  EXPECT_GT(parses, 10000u);
}

// ---------------------------------------------------------------------------
// The forms

TEST(AuditLogForms, AuditLogAvc) {
  expectDenial(eventOf(fmt::format("type=AVC msg=audit(1700000000.123:45): {}", kDenial)));
}

TEST(AuditLogForms, AuditLogNumericAndAppArmorTypes) {
  // auditd writes numbers for types it has no name for.
  expectDenial(eventOf(fmt::format("type=1400 msg=audit(1700000000.123:45): {}", kDenial)));
  AuditEvent e = eventOf("type=APPARMOR_DENIED msg=audit(1700000000.123:45): operation=\"exec\" "
                         "denied_mask=\"x\" name=\"/bin/ping\" pid=31938 profile=\"/bin/ping\"");
  EXPECT_EQ(e.type, AuditEventType::Denied);
  EXPECT_EQ(e.operation, "exec");
  e = eventOf("type=1503 msg=audit(1700000000.123:45): operation=\"exec\" denied_mask=\"x\" profile=\"/bin/ping\"");
  EXPECT_EQ(e.type, AuditEventType::Denied);
  // auditd's node= prefix
  expectDenial(eventOf(fmt::format("node=web1 type=AVC msg=audit(1700000000.123:45): {}", kDenial)));
}

TEST(AuditLogForms, UserAvcFromDbusDaemon) {
  std::string inner = R"(apparmor="DENIED" operation="dbus_method_call" bus="system" path="/org/freedesktop/DBus" )"
                      R"(interface="org.freedesktop.DBus" member="Hello" mask="send" name="org.freedesktop.DBus" )"
                      R"(pid=2833 label="/usr/bin/app" peer_label="unconfined" exe="/usr/bin/dbus-daemon" )"
                      R"(sauid=102 hostname=? addr=? terminal=?)";
  auto check = [](const AuditEvent &e) {
    EXPECT_EQ(e.type, AuditEventType::Denied);
    EXPECT_EQ(e.auditId, "1700000000.123:45");
    EXPECT_EQ(e.operation, "dbus_method_call");
    EXPECT_EQ(e.dbusBus, "system");
    EXPECT_EQ(e.dbusPath, "/org/freedesktop/DBus");
    EXPECT_EQ(e.dbusInterface, "org.freedesktop.DBus");
    EXPECT_EQ(e.dbusMember, "Hello");
    EXPECT_EQ(e.deniedMask, "send");
    EXPECT_EQ(e.profile, "/usr/bin/app");
    EXPECT_EQ(e.peerProfile, "unconfined");
    EXPECT_EQ(e.command, "/usr/bin/dbus-daemon");
    EXPECT_EQ(e.pid, 2833);  // the message's, not dbus-daemon's pid=363
  };
  check(eventOf(fmt::format("type=USER_AVC msg=audit(1700000000.123:45): pid=363 uid=102 auid=4294967295 "
                            "ses=4294967295 msg='{}'", inner)));
  // Newer kernels and auditd add subj= and enriched fields libapparmor rejects.
  check(eventOf(fmt::format("type=USER_AVC msg=audit(1700000000.123:45): pid=363 uid=102 auid=4294967295 "
                            "ses=4294967295 subj=unconfined msg='{}'\x1dUID=\"messagebus\" AUID=\"unset\"",
                            inner)));
  // The same relayed through the kernel ring buffer.
  check(eventOf(fmt::format("Jun 20 17:57:06 ns1 kernel: [4835959.046111] audit: type=1107 "
                            "audit(1700000000.123:45): pid=640 uid=103 auid=4294967295 ses=4294967295 "
                            "subj=unconfined msg='{}'", inner)));
}

TEST(AuditLogForms, DmesgWithAndWithoutTimestamps) {
  std::string body = fmt::format("audit: type=1400 audit(1700000000.123:45): {}", kDenial);
  expectDenial(eventOf(fmt::format("[ 1612.746129] {}", body)));  // as libapparmor reads it
  expectDenial(eventOf(fmt::format("[    5.123456] {}", body)));
  expectDenial(eventOf(fmt::format("[  123.456] {}", body)));   // fewer decimals
  expectDenial(eventOf(fmt::format("[12.345678] {}", body)));    // no padding
  expectDenial(eventOf(fmt::format("[Mon Jan  1 12:00:00 2024] {}", body)));  // dmesg -T
  expectDenial(eventOf(body));                                  // dmesg -t
  expectDenial(eventOf(fmt::format("type=1400 audit(1700000000.123:45): {}", kDenial)));
}

TEST(AuditLogForms, SyslogRfc3164) {
  expectDenial(eventOf(fmt::format("Jan  5 10:11:12 myhost kernel: [ 1612.746129] audit: type=1400 "
                                   "audit(1700000000.123:45): {}", kDenial)));
  expectDenial(eventOf(fmt::format("Jan 15 10:11:12 my.host.example kernel: audit: type=1400 "
                                   "audit(1700000000.123:45): {}", kDenial)));
  // journalctl -o short-precise
  expectDenial(eventOf(fmt::format("Jan 15 10:11:12.123456 myhost kernel: audit: type=1400 "
                                   "audit(1700000000.123:45): {}", kDenial)));
  // journald's audit transport has the type name and no audit id.
  AuditEvent e = eventOf(fmt::format("Jan 15 10:11:12 myhost audit[1234]: AVC {}", kDenial));
  expectDenial(e, false);
  EXPECT_FALSE(e.auditId);
}

TEST(AuditLogForms, IsoDates) {
  for (std::string date : {"2024-03-01T10:11:12.123456+01:00", "2024-03-01T10:11:12", "2024-03-01 10:11:12",
                           "2024-03-01T10:11:12+0100", "2024-03-01T10:11:12Z", "2024-03-01T10:11:12,123+01:00"})
    expectDenial(eventOf(fmt::format("{} myhost kernel: audit: type=1400 audit(1700000000.123:45): {}", date,
                                     kDenial)));
  // dmesg --time-format iso
  expectDenial(eventOf(fmt::format("2024-03-01T10:11:12,123456+01:00 audit: type=1400 "
                                   "audit(1700000000.123:45): {}", kDenial)));
}

TEST(AuditLogForms, OtherJournalctlAndDmesgHeaders) {
  std::string kernel = fmt::format("audit: type=1400 audit(1700000000.123:45): {}", kDenial);
  expectDenial(eventOf(fmt::format("[  123.456789] myhost kernel: {}", kernel)));  // -o short-monotonic
  expectDenial(eventOf(fmt::format("1700000000.123456 myhost kernel: {}", kernel)));  // -o short-unix
  expectDenial(eventOf(fmt::format("<5>[  123.456789] {}", kernel)));              // dmesg -r
  expectDenial(eventOf(fmt::format("<13>Jan  5 10:11:12 myhost kernel: {}", kernel)));
}

TEST(AuditLogForms, JournalctlJsonStringMessage) {
  std::string message = fmt::format("audit: type=1400 audit(1700000000.123:45): {}", kDenial);
  std::string quoted;
  for (char c : message)
    quoted += c == '"' ? std::string("\\\"") : std::string(1, c);
  expectDenial(eventOf(fmt::format(R"({{"__CURSOR":"s=1;i=2","PRIORITY":"5","_TRANSPORT":"kernel",)"
                                   R"("_BOOT_ID":{{"x":[1,2,"]"]}},"MESSAGE":"{}","SYSLOG_IDENTIFIER":"kernel"}})",
                                   quoted)));
  // \u escapes decode.
  AuditEvent e = eventOf(R"({"MESSAGE":"[ 1612.746129] audit: type=1400 audit(1700000000.123:45): )"
                         R"(apparmor=\"DENIED\" operation=\"open\" profile=\"caf\u00e9\" name=\"/tmp\" pid=1"})");
  EXPECT_EQ(e.profile, "caf\xc3\xa9");
}

TEST(AuditLogForms, JournalctlJsonByteArrayMessage) {
  // journalctl writes MESSAGE as byte values when it is not UTF-8.
  std::string message =
    "audit: type=1400 audit(1700000000.123:45): apparmor=\"DENIED\" operation=\"open\" profile=\"p\" "
    "name=\"/tmp/\xff\" pid=7";
  std::string bytes;
  for (unsigned char c : message)
    bytes += fmt::format("{}{}", bytes.empty() ? "" : ",", int(c));
  AuditEvent e = eventOf(fmt::format(R"({{"MESSAGE":[{}],"_TRANSPORT":"kernel"}})", bytes));
  EXPECT_EQ(e.type, AuditEventType::Denied);
  EXPECT_EQ(e.name, "/tmp/\xff");
  EXPECT_EQ(e.pid, 7);
}

TEST(AuditLogForms, JournalctlJsonAuditTransport) {
  // journald keeps the audit id in _SOURCE_REALTIME_TIMESTAMP and _AUDIT_ID.
  std::string message;
  for (char c : "AVC " + std::string(kDenial))
    message += c == '"' ? std::string("\\\"") : std::string(1, c);
  expectDenial(eventOf(fmt::format(R"({{"_TRANSPORT":"audit","_AUDIT_TYPE":"1400","_AUDIT_ID":"45",)"
                                   R"("_SOURCE_REALTIME_TIMESTAMP":"1700000000123000","MESSAGE":"{}"}})",
                                   message)));
  // Without them the event still reads, without an id.
  AuditEvent e = eventOf(fmt::format(R"({{"MESSAGE":"{}"}})", message));
  expectDenial(e, false);
  EXPECT_FALSE(e.auditId);
}

TEST(AuditLogForms, JournalJsonThatIsNotAppArmorIsSkipped) {
  EXPECT_TRUE(std::holds_alternative<SkippedLine>(parseAuditLine(R"({"MESSAGE":"usb 1-1: new device"})")));
  EXPECT_TRUE(std::holds_alternative<SkippedLine>(parseAuditLine(R"({"PRIORITY":"6"})")));
  EXPECT_TRUE(std::holds_alternative<SkippedLine>(parseAuditLine(R"({"MESSAGE":null})")));
  EXPECT_TRUE(std::holds_alternative<SkippedLine>(parseAuditLine("{ not json")));
  EXPECT_NE(malformedMessage(R"({"MESSAGE":"apparmor=\"DENIED\"", oops})").find("not a journalctl JSON object"),
            std::string::npos);
}

TEST(AuditLogForms, HexEncodedValues) {
  AuditEvent e = eventOf("type=AVC msg=audit(1.2:3): apparmor=\"ALLOWED\" operation=\"open\" "
                         "profile=2F686F6D652F6D792070726F67 name=2F746D70 comm=6D7920636F6D6D pid=5");
  EXPECT_EQ(e.profile, "/home/my prog");
  EXPECT_EQ(e.name, "/tmp");
  EXPECT_EQ(e.command, "my comm");
  // Only upper-case pairs are hex; libapparmor rejects the rest.
  EXPECT_NE(malformedMessage("type=AVC msg=audit(1.2:3): apparmor=\"ALLOWED\" name=2f746d70 pid=5")
              .find("column 52: expected a quoted or hex-encoded string after name=, found the number 2"),
            std::string::npos);
  // Fields it never decodes: hex there is an error.
  EXPECT_NE(malformedMessage("type=AVC msg=audit(1.2:3): apparmor=\"ALLOWED\" info=2F746D70").find("info="),
            std::string::npos);
}

TEST(AuditLogForms, OwnerOtherMasksAndLibapparmorConventions) {
  AuditEvent e = eventOf("Oct 29 08:00:01 host kernel: [82789.550826] type=1502 audit(1225263601.980:37699): "
                         "operation=\"inode_permission\" requested_mask=\"r::\" denied_mask=\"::w\" fsuid=0 "
                         "name=\"/bin/dash\" pid=0 error=-13 protocol=17 profile=\"/bin/dash\"");
  EXPECT_EQ(e.type, AuditEventType::Allowed);
  EXPECT_EQ(e.requestedMask, "r::");
  EXPECT_EQ(e.deniedMask, "::w");
  EXPECT_EQ(e.fsuid, 0);         // fsuid 0 is reported ...
  EXPECT_FALSE(e.pid);           // ... pid 0 is not: libapparmor keeps 0 for "no pid"
  EXPECT_EQ(e.errorCode, 13);    // the errno's magnitude
  EXPECT_EQ(e.protocol, "udp");  // numbers become names
}

// ---------------------------------------------------------------------------
// The reader

TEST(AuditLogReader, JoinsWrappedRecords) {
  std::string log =
    "Jun 20 17:57:06 ns1 kernel: [4835959.046111] audit: type=1107 audit(1561053426.749:186): pid=640 uid=103 "
    "auid=4294967295 ses=4294967295 msg='apparmor=\"ALLOWED\" operation=\"dbus_method_call\"  bus=\"system\" "
    "mask=\"send\" pid=20596 label=\"/usr/bin/x\"\n"
    "                  exe=\"/usr/bin/dbus-daemon\" sauid=103 hostname=? addr=? terminal=?'\n"
    "[ 1612.746129] audit: type=1400 audit(1700000000.123:45): " + std::string(kDenial) + "\n";
  AuditLogCounts counts;
  auto entries = readAll(log, &counts);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].lines, 2u);
  const auto &dbus = std::get<AuditEvent>(entries[0].parsed);
  EXPECT_EQ(dbus.command, "/usr/bin/dbus-daemon");  // from the second line
  EXPECT_EQ(dbus.line, 1u);
  EXPECT_EQ(std::get<AuditEvent>(entries[1].parsed).line, 3u);
  EXPECT_EQ(counts.events, 2u);
}

TEST(AuditLogReader, ContinuationNeverSwallowsAnEvent) {
  std::string event = "[ 1612.746129] audit: type=1400 audit(1700000000.123:45): " + std::string(kDenial);
  // An indented line that is not part of the record stays on its own.
  auto entries = readAll(event + "\n   Call Trace: foo+0x1/0x2\n  " + event + "\n");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<AuditEvent>(entries[0].parsed));
  EXPECT_TRUE(std::holds_alternative<SkippedLine>(entries[1].parsed));
  EXPECT_TRUE(std::holds_alternative<AuditEvent>(entries[2].parsed));
  EXPECT_EQ(std::get<AuditEvent>(entries[2].parsed).line, 3u);
}

TEST(AuditLogReader, CountsSkippedAndReportsMalformedWithLines) {
  std::string log =
    "Oct 29 07:55:58 host syslogd 1.5.0: restart.\n"
    "type=SYSCALL msg=audit(1700000000.123:45): arch=c000003e syscall=257 success=no\n"
    "type=AVC msg=audit(1700000000.123:46): avc:  denied  { read } for pid=1 comm=\"x\"\n"  // SELinux
    "\n"
    "type=AVC msg=audit(1700000000.123:47): " + std::string(kDenial) + "\r\n"
    "type=AVC msg=audit(1700000000.123:48): apparmor=\"DENIED\" operation=\"open\" frobnicate=1\n"
    "type=AVC msg=audit(1700000000.123:49): apparmor=\"DENIED\" operation=\"open unterminated\n"
    "type=AVC msg=audit(17000x0000.123:50): apparmor=\"DENIED\" operation=\"open\"\n";
  AuditLogCounts counts;
  auto entries = readAll(log, &counts);
  EXPECT_EQ(counts.events, 1u);
  EXPECT_EQ(counts.skipped, 4u);
  EXPECT_EQ(counts.malformed, 3u);
  std::vector<std::pair<size_t, std::string>> malformed;
  for (const auto &e : entries)
    if (const auto *bad = std::get_if<MalformedLine>(&e.parsed))
      malformed.push_back({e.line, bad->message});
  ASSERT_EQ(malformed.size(), 3u);
  EXPECT_EQ(malformed[0].first, 6u);
  EXPECT_EQ(malformed[0].second, "column 75: unrecognized text 'frobnicate=1'");
  EXPECT_EQ(malformed[1].first, 7u);
  EXPECT_EQ(malformed[1].second,
            "column 68: expected a quoted string after operation=, found a quoted string that is never closed");
  EXPECT_EQ(malformed[2].first, 8u);
  EXPECT_EQ(malformed[2].second, "column 25: expected '.' in the audit id, found unrecognized text "
                                 "'x0000.123:50): apparmor=...'");
  EXPECT_EQ(std::get<AuditEvent>(entries[4].parsed).line, 5u);
  EXPECT_EQ(std::get<AuditEvent>(entries[4].parsed).ouid, 0);  // the CR is gone
}

TEST(AuditLogReader, HugeLinesAreReportedNotParsed) {
  AuditLogReaderOptions options;
  options.maxLineBytes = 4096;
  std::string huge = "type=AVC msg=audit(1.2:3): apparmor=\"DENIED\" name=\"" + std::string(100000, 'a') + "\"";
  std::string other(50000, 'x');
  AuditLogCounts counts;
  auto entries = readAll(huge + "\n" + other + "\n[ 1612.746129] audit: type=1400 audit(1700000000.123:45): " +
                           std::string(kDenial),
                         &counts, options);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(std::get<MalformedLine>(entries[0].parsed).message, "line longer than 4096 bytes; not parsed");
  EXPECT_TRUE(std::holds_alternative<SkippedLine>(entries[1].parsed));
  EXPECT_EQ(std::get<AuditEvent>(entries[2].parsed).line, 3u);
  // Without a limit the record reads whole.
  AuditEvent e = eventOf(huge);
  EXPECT_EQ(e.name->size(), 100000u);
}

// ---------------------------------------------------------------------------
// Robustness: errors are values for any bytes.

RC_GTEST_PROP(AuditLogRobustness, AnyBytesParseToAValue, (const std::string &bytes)) {
  RecordParse r = parseAuditRecord(bytes);
  RC_ASSERT(r.event.type != AuditEventType::Invalid || !r.problem.empty());
  (void)parseAuditLine(bytes);
  std::istringstream in(bytes);
  AuditLogReader reader(in);
  size_t entries = 0;
  while (reader.next())
    ++entries;
  const auto &c = reader.counts();
  RC_ASSERT(c.events + c.malformed <= entries);
}

// Random records built from the pieces libapparmor's scanner knows, so
// the grammar's deep paths are reached too.
RC_GTEST_PROP(AuditLogRobustness, RecordLikeTextParsesToAValue, ()) {
  static const std::vector<std::string> pieces = {
    "type=", "AVC", "USER_AVC", "1400", "APPARMOR_DENIED", "UNKNOWN[1503]", " msg=", "audit(", "1.2:3", "):",
    ": ", "apparmor=", "\"DENIED\"", "name=", "2F74", "\"x\\\"y\"", "\"", "'", "pid=", "uid=", "auid=", "ses=",
    "laddr=", "::1", "signal=", "term", "(", ")", "error=-", "13", "protocol=", "6", "Jan  1 00:00:00 ",
    "host ", "kernel: ", "[ 1612.746129] ", "dbus[1]: ", "2024-01-01T00:00:00", "kern.notice: ", "\n", " ",
    "\x1d", "none", "?", "{\"MESSAGE\":", "[1,2]", "}", "\\u00e9", "\xff", "\0", "node=h ",
  };
  auto parts = *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, pieces.size()));
  std::string text;
  for (size_t i : parts)
    text += pieces[i];
  RecordParse r = parseAuditRecord(text);
  RC_ASSERT(r.event.type != AuditEventType::Invalid || !r.problem.empty());
  AuditLine line = parseAuditLine(text);
  if (const auto *bad = std::get_if<MalformedLine>(&line))
    RC_ASSERT(!bad->message.empty());
}

// ---------------------------------------------------------------------------
// Output

AuditEvent sampleEvent() {
  AuditEvent e = eventOf("type=AVC msg=audit(1279948288.415:39): apparmor=\"DENIED\" operation=\"open\" "
                         "parent=12332 profile=\"/usr/sbin/cupsd\" name=\"/home/user/my \\\"file\\\"\" pid=12333 "
                         "comm=\"ls\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=1000");
  e.line = 7;
  return e;
}

TEST(AuditLogOutput, JsonCarriesEveryFieldExactly) {
  EXPECT_EQ(formatAuditEventJson(sampleEvent(), "audit.log"),
            R"({"file":"audit.log","line":7,"event_type":"AA_RECORD_DENIED","audit_id":"1279948288.415:39",)"
            R"("operation":"open","mask":"r","denied_mask":"r","fsuid":0,"ouid":1000,"profile":"/usr/sbin/cupsd",)"
            R"("name":"/home/user/my \"file\"","command":"ls","parent":12332,"pid":12333,"epoch":1279948288,)"
            R"("audit_subid":39})");
}

TEST(AuditLogOutput, JsonKeysAreTheOutLabelsInSnakeCase) {
  AuditEvent e;
  e.type = AuditEventType::Status;
  e.peerProfile = "a";
  e.netAddr = "b";
  e.dbusBus = "c";
  e.fsType = "d";
  e.errorCode = 13;
  e.pid = 1;
  e.auditSubId = 2;
  e.magicToken = 3;
  EXPECT_EQ(formatAuditEventJson(e, "-"),
            R"({"file":"-","line":0,"event_type":"AA_RECORD_STATUS","peer_profile":"a","token":3,"error_code":13,)"
            R"("pid":1,"net_addr":"b","dbus_bus":"c","fs_type":"d","audit_subid":2})");
}

TEST(AuditLogOutput, JsonEscapesControlAndNonUtf8Bytes) {
  EXPECT_EQ(jsonQuote("a\"b\\c\n\t\r\x01\x7f"), R"("a\"b\\c\n\t\r\u0001\u007f")");
  EXPECT_EQ(jsonQuote("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  // Invalid UTF-8 (a lone continuation byte, a truncated sequence, an
  // overlong form, a surrogate) goes byte by byte.
  EXPECT_EQ(jsonQuote("\x80 \xc3 \xc0\xaf \xed\xa0\x80"), R"("\u0080 \u00c3 \u00c0\u00af \u00ed\u00a0\u0080")");
  EXPECT_EQ(jsonQuote(std::string("a\0b", 3)), R"("a\u0000b")");
}

TEST(AuditLogOutput, TextIsOneReadableLine) {
  EXPECT_EQ(formatAuditEventText(sampleEvent(), "audit.log"),
            "audit.log:7: DENIED audit_id=1279948288.415:39 operation=open mask=r denied_mask=r fsuid=0 ouid=1000 "
            "profile=/usr/sbin/cupsd name=\"/home/user/my \\\"file\\\"\" command=ls parent=12332 pid=12333");
}

TEST(AuditLogOutput, FieldsFollowTestMultiOrder) {
  std::vector<std::string> labels;
  for (const auto &f : auditFields(sampleEvent()))
    labels.push_back(std::string(f.label));
  EXPECT_EQ(labels, (std::vector<std::string>{"Event type", "Audit ID", "Operation", "Mask", "Denied Mask", "fsuid",
                                              "ouid", "Profile", "Name", "Command", "Parent", "PID", "Epoch",
                                              "Audit subid"}));
}

} // namespace

// AuditLogReader: a log read one logical record at a time, wrapped
// records joined, every physical line accounted for. The rest of
// audit_log.h is implemented beside it, a concern a file:
// audit_tokens.cpp (the record scanner), audit_record.cpp (the record
// grammar, parseAuditRecord()), audit_line_forms.cpp (the forms records
// reach users in, parseAuditLine()) and audit_event_format.cpp (fields,
// JSON and text output).
#include "audit_log.h"

#include "audit_line_forms.h"

#include <fmt/format.h>

namespace aasim::simulator {

namespace {

bool isEvent(const AuditLine &line) { return std::holds_alternative<AuditEvent>(line); }

// A line that continues the record above it: indented, not blank.
bool isContinuation(std::string_view line) {
  return !line.empty() && (line[0] == ' ' || line[0] == '\t') &&
         line.find_first_not_of(" \t") != std::string_view::npos;
}

} // namespace

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
    if (detail::mentionsAppArmor(first->text)) {
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
  bool json = detail::isJsonLine(record);
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

} // namespace aasim::simulator

#include "trace_reader.h"

#include "recorded_trace.h"

#include <string>

namespace aasim::simulator {

TraceFormat detectTraceFormat(std::string_view firstLine) {
  return looksSynthetic(firstLine) ? TraceFormat::Synthetic : TraceFormat::Audit;
}

std::optional<TraceReader::Item> TraceReader::next() {
  if (format_ == TraceFormat::Synthetic) {
    while (std::getline(in_, lineBuffer_)) {
      ++line_;
      std::optional<TraceEvent> e;
      std::string problem;
      if (!parseSyntheticLine(lineBuffer_, line_, e, problem))
        return Item{std::nullopt, TraceProblem{line_, problem}};
      if (e)
        return Item{std::move(e), std::nullopt};
    }
    return std::nullopt;
  }
  while (auto entry = audit_.next()) {
    if (std::holds_alternative<SkippedLine>(entry->parsed))
      continue;
    if (const auto *bad = std::get_if<MalformedLine>(&entry->parsed))
      return Item{std::nullopt, TraceProblem{entry->line, bad->message}};
    AuditEvent record = std::get<AuditEvent>(entry->parsed);
    record.line = entry->line;
    std::string why;
    if (auto e = traceEventFromRecord(record, why))
      return Item{std::move(e), std::nullopt};
    TraceEvent none;
    none.line = entry->line;
    none.pid = record.pid.value_or(0);
    none.notDecided = why;
    return Item{std::move(none), std::nullopt};
  }
  return std::nullopt;
}

} // namespace aasim::simulator

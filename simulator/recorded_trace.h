// Recorded audit events as trace events: each AppArmor record the kernel
// wrote becomes the request it was about, under the label it names, with
// what the kernel logged kept for comparison.
#pragma once

#include "audit_log.h"
#include "synthetic_trace.h"
#include "trace_event.h"

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace aasim::simulator {

/// The request a record is about, or nullopt with `why` (a status record,
/// a class the simulator does not model, a record lacking what the request
/// needs).
std::optional<TraceEvent> traceEventFromRecord(const AuditEvent &record, std::string &why);

struct RecordedTrace {
  std::vector<TraceEvent> events;      // requests, and records that are none (TraceEvent::notDecided)
  std::vector<TraceProblem> problems;  // malformed AppArmor lines
  size_t skipped = 0;                  // lines without an AppArmor record
};

RecordedTrace readRecordedTrace(std::istream &in);

/// Parses a kernel permission mask as logged: file letters (`rw`, `wc`, the
/// old `owner::other` form `r::` / `::r`) or names (`send receive`).
/// `owner` is set when the old form tells whose half was asked.
uint32_t fileMaskFromLog(const std::string &mask, std::optional<bool> &owner);

} // namespace aasim::simulator

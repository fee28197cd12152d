// Traces read one event at a time, whatever their format, so that a replay
// holds one event in memory, not the whole trace.
#pragma once

#include "audit_log.h"
#include "synthetic_trace.h"
#include "trace_event.h"

#include <istream>
#include <optional>
#include <string_view>

namespace aasim::simulator {

enum class TraceFormat : uint8_t { Synthetic, Audit };

/// The format a trace's first meaningful line shows.
TraceFormat detectTraceFormat(std::string_view firstLine);

class TraceReader {
public:
  TraceReader(std::istream &in, TraceFormat format) : in_(in), format_(format), audit_(in) {}

  /// An event (also a recorded record the simulator does not decide, see
  /// TraceEvent::notDecided) or a malformed line; nullopt at the end.
  struct Item {
    std::optional<TraceEvent> event;
    std::optional<TraceProblem> problem;
  };
  std::optional<Item> next();

  /// Lines without an AppArmor record (recorded logs).
  size_t skipped() const { return audit_.counts().skipped; }

private:
  std::istream &in_;
  TraceFormat format_;
  AuditLogReader audit_;
  size_t line_ = 0;  // synthetic traces
  std::string lineBuffer_;  // reused: one allocation for the whole trace
};

} // namespace aasim::simulator

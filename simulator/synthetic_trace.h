// aasim's own trace format (docs/traces.md): one event a line, `PID
// OPERATION ARGS...`, easy to write by hand or from scripts:
//
//   #aasim-trace 1
//   100 start /usr/sbin/nginx
//   100 open /etc/nginx/nginx.conf r
//   100 fork 101
//   101 exec /usr/bin/gzip
//   101 capability net_bind_service
//
// `start EXE [label=LABEL]` begins a process (without a label it is
// exec'd from unconfined and attaches by path), `fork CHILD` copies its
// label, every other line is an operation of operation_syntax.h.
#pragma once

#include "trace_event.h"

#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace aasim::simulator {

struct TraceProblem {
  size_t line = 0;
  std::string message;
};

struct SyntheticTrace {
  std::vector<TraceEvent> events;
  std::vector<TraceProblem> problems;  // lines that are not events, with why
};

/// Parses one line (blank and # lines give no event and no problem).
/// Returns false with `problem` set when the line is malformed.
bool parseSyntheticLine(std::string_view line, size_t lineNumber, std::optional<TraceEvent> &event,
                        std::string &problem);

SyntheticTrace readSyntheticTrace(std::istream &in);

/// True when the first meaningful line looks like this format.
bool looksSynthetic(std::string_view firstLine);

} // namespace aasim::simulator

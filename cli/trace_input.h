// Opening a trace for replay (`aasim replay`, `aasim diff --trace`,
// `aasim lint --trace`): a file or standard input, its format given or
// told by its first meaningful line.
#pragma once

#include "simulator/trace_reader.h"

#include <fstream>
#include <istream>
#include <optional>
#include <sstream>
#include <string>

namespace aasim::cli {

// A trace as a stream: files are read as they are replayed; standard input
// is kept in memory so that its first line can tell the format.
struct TraceStream {
  std::string name;
  std::ifstream file;
  std::istringstream buffered;
  std::istream *in = nullptr;
  simulator::TraceFormat format = simulator::TraceFormat::Audit;
};

/// False after printing why (unreadable file, unknown format).
bool openTrace(const std::string &path, const std::optional<std::string> &format, TraceStream &t);

} // namespace aasim::cli

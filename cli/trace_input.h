// Reading traces for replay (`aasim replay`, `diff --trace`, `lint
// --trace`, `suggest`): a file or standard input, its format given or told
// by its first meaningful line, read one event at a time.
#pragma once

#include "simulator/trace_reader.h"

#include <llvm/ADT/STLFunctionalExtras.h>

#include <fstream>
#include <istream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

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

/// What an event asks: its request, or for a start (a program started
/// from an unconfined parent) the exec that attached it.
simulator::Request requestOf(const simulator::TraceEvent &e);

struct TraceCounts {
  size_t problems = 0;  // malformed lines (each printed as file:line: error)
  size_t skipped = 0;   // lines without an AppArmor record
};

/// Reads every trace in turn: `onTrace(name)` when one starts (replay state
/// is per trace), then `onEvent(name, event)` for each event. Malformed
/// lines are printed and counted, not fatal. nullopt after printing why a
/// trace cannot be opened.
std::optional<TraceCounts> readTraces(const std::vector<std::string> &paths, const std::optional<std::string> &format,
                                      llvm::function_ref<void(const std::string &trace)> onTrace,
                                      llvm::function_ref<void(const std::string &trace, const simulator::TraceEvent &)> onEvent);

} // namespace aasim::cli

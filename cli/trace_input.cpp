#include "trace_input.h"

#include <fmt/format.h>

#include <iostream>
#include <iterator>

namespace aasim::cli {

bool openTrace(const std::string &path, const std::optional<std::string> &format, TraceStream &t) {
  t.name = path == "-" ? "<stdin>" : path;
  if (path == "-") {
    t.buffered.str(std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()));
    t.in = &t.buffered;
  } else {
    t.file.open(path, std::ios::binary);
    if (!t.file) {
      fmt::print(stderr, "aasim: error: cannot read trace '{}'\n", path);
      return false;
    }
    t.in = &t.file;
  }
  if (format) {
    if (*format != "synthetic" && *format != "audit") {
      fmt::print(stderr, "aasim: error: unknown trace format '{}' (synthetic, audit)\n", *format);
      return false;
    }
    t.format = *format == "synthetic" ? simulator::TraceFormat::Synthetic : simulator::TraceFormat::Audit;
    return true;
  }
  std::string line;
  while (std::getline(*t.in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos)
      break;
  t.format = simulator::detectTraceFormat(line);
  t.in->clear();
  t.in->seekg(0);
  return true;
}

simulator::Request requestOf(const simulator::TraceEvent &e) {
  return e.request ? *e.request : simulator::Request(simulator::ExecRequest{e.exe, true, {}});
}

std::optional<TraceCounts> readTraces(const std::vector<std::string> &paths, const std::optional<std::string> &format,
                                      llvm::function_ref<void(const std::string &trace)> onTrace,
                                      llvm::function_ref<void(const std::string &trace, const simulator::TraceEvent &)> onEvent) {
  TraceCounts counts;
  for (const std::string &path : paths) {
    TraceStream trace;
    if (!openTrace(path, format, trace))
      return std::nullopt;
    onTrace(trace.name);
    simulator::TraceReader reader(*trace.in, trace.format);
    while (auto item = reader.next()) {
      if (item->problem) {
        fmt::print(stderr, "{}:{}: error: {}\n", trace.name, item->problem->line, item->problem->message);
        ++counts.problems;
        continue;
      }
      onEvent(trace.name, *item->event);
    }
    counts.skipped += reader.skipped();
  }
  return counts;
}
} // namespace aasim::cli

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


} // namespace aasim::cli

#include "diagnostics.h"

#include <fmt/format.h>

namespace aasim::frontend {

bool Diagnostics::hasErrors() const { return errorCount() != 0; }

size_t Diagnostics::errorCount() const {
  size_t n = 0;
  for (const auto &d : items_)
    n += d.severity == Severity::Error;
  return n;
}

void Diagnostics::promoteWarnings() {
  for (auto &d : items_)
    if (d.severity == Severity::Warning)
      d.severity = Severity::Error;
}

static const char *severityName(Severity s) {
  switch (s) {
  case Severity::Note: return "note";
  case Severity::Warning: return "warning";
  case Severity::Error: return "error";
  }
  return "error";
}

std::string renderDiagnostic(const SourceManager &sm, const Diagnostic &d) {
  if (!d.loc.valid())
    return fmt::format("aasim: {}: {}\n", severityName(d.severity), d.message);
  std::string out;
  // Include chain, outermost last like Clang prints it.
  for (SourceLoc from = sm.includedFrom(d.loc.file); from.valid(); from = sm.includedFrom(from.file)) {
    LineCol lc = sm.lineCol(from);
    out += fmt::format("In file included from {}:{}:\n", sm.path(from.file), lc.line);
  }
  LineCol lc = sm.lineCol(d.loc);
  out += fmt::format("{}:{}:{}: {}: {}\n", sm.path(d.loc.file), lc.line, lc.col, severityName(d.severity),
                     d.message);
  std::string_view line = sm.lineText(d.loc);
  // Very long lines are clipped around the caret so a 1 MB line stays readable.
  constexpr size_t kMaxShown = 200;
  size_t caret = lc.col - 1;
  size_t start = 0;
  if (line.size() > kMaxShown) {
    start = caret > kMaxShown / 2 ? caret - kMaxShown / 2 : 0;
    line = line.substr(start, kMaxShown);
  }
  std::string shown, marker;
  for (size_t i = 0; i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    bool printable = c == '\t' || (c >= 0x20 && c < 0x7f) || c >= 0x80;
    shown += printable ? static_cast<char>(c) : '?';
    if (i + start < caret)
      marker += c == '\t' ? '\t' : ' ';
  }
  out += fmt::format("    {}\n    {}^\n", shown, marker);
  return out;
}

} // namespace aasim::frontend

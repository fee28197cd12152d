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

void Diagnostics::applyPolicy(const WarningPolicy &policy) {
  std::vector<Diagnostic> kept;
  for (auto &d : items_) {
    // Unclassified warnings are the ones apparmor_parser prints unconditionally.
    if (d.severity == Severity::Warning && d.flag != WarningFlag::None) {
      if (policy.errors.count(d.flag))
        d.severity = Severity::Error;
      else if (!policy.shown.count(d.flag))
        continue;
    }
    kept.push_back(std::move(d));
  }
  items_ = std::move(kept);
}

std::optional<WarningFlag> warningFlagByName(std::string_view name) {
  if (name == "rule-not-enforced")
    return WarningFlag::RuleNotEnforced;
  if (name == "rule-downgraded")
    return WarningFlag::RuleDowngraded;
  if (name == "deprecated")
    return WarningFlag::Deprecated;
  if (name == "include-cycle")
    return WarningFlag::IncludeCycle;
  return std::nullopt;
}

bool isApparmorWarning(WarningFlag f) { return f != WarningFlag::None && f != WarningFlag::IncludeCycle; }

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

std::string renderApparmorStyle(const SourceManager &sm, const Diagnostic &d, const std::string &inputName) {
  if (!d.loc.valid() || (d.severity == Severity::Warning && d.flag == WarningFlag::None))
    return d.message + "\n";
  const std::string &where = sm.path(d.loc.file);
  unsigned line = sm.lineCol(d.loc).line;
  if (d.severity == Severity::Error)
    return fmt::format("AppArmor parser error for {} in profile {} at line {}: {}\n", inputName, where, line,
                       d.message);
  if (!d.profile.empty())
    return fmt::format("Warning from profile {} ({}): {}\n", d.profile, inputName, d.message);
  return fmt::format("Warning from {} ({} line {}): {}\n", inputName, where, line, d.message);
}

} // namespace aasim::frontend

// Diagnostics as values: every problem the frontend finds becomes a
// Diagnostic with a source location; rendering follows Clang's layout
// (file:line:col: error: message, the source line, a caret, include chain).
#pragma once

#include "source_manager.h"

#include <string>
#include <vector>

namespace aasim::frontend {

enum class Severity { Note, Warning, Error };

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceLoc loc;
  std::string message;
};

class Diagnostics {
public:
  void report(Severity s, SourceLoc loc, std::string message) {
    items_.push_back({s, loc, std::move(message)});
  }
  void error(SourceLoc loc, std::string message) { report(Severity::Error, loc, std::move(message)); }
  void warning(SourceLoc loc, std::string message) { report(Severity::Warning, loc, std::move(message)); }

  bool hasErrors() const;
  size_t errorCount() const;
  const std::vector<Diagnostic> &items() const { return items_; }
  /// Turns every warning into an error (--Werror).
  void promoteWarnings();

private:
  std::vector<Diagnostic> items_;
};

/// Renders one diagnostic, e.g.
///   In file included from prof:3:
///   abstractions/x:4:7: error: Invalid capability foo.
///       capability foo,
///                  ^
std::string renderDiagnostic(const SourceManager &sm, const Diagnostic &d);

} // namespace aasim::frontend

// Diagnostics as values: every problem the frontend finds becomes a
// Diagnostic with a source location; rendering follows Clang's layout
// (file:line:col: error: message, the source line, a caret, include chain).
#pragma once

#include "source_manager.h"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace aasim::frontend {

enum class Severity { Note, Warning, Error };

/// The warning classes apparmor_parser's --warn/--Werror name, plus aasim's
/// own. Errors carry WarningFlag::None.
enum class WarningFlag {
  None,
  RuleNotEnforced,  // the target kernel (-M) lacks the rule's class
  RuleDowngraded,   // the rule is enforced in a coarser form
  Deprecated,       // syntax apparmor_parser deprecates
  IncludeCycle,     // aasim: a file includes itself (skipped, as apparmor_parser does)
};

/// Parses an apparmor_parser warning name ("rule-not-enforced", ...).
std::optional<WarningFlag> warningFlagByName(std::string_view name);
/// True for the warnings apparmor_parser itself knows (not aasim's own).
bool isApparmorWarning(WarningFlag f);

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceLoc loc;
  std::string message;
  WarningFlag flag = WarningFlag::None;
  std::string profile;  // enclosing profile, for apparmor_parser's "Warning from profile P"
};

/// Which warnings are reported and which of them reject the policy.
struct WarningPolicy {
  std::set<WarningFlag> shown{WarningFlag::RuleNotEnforced, WarningFlag::RuleDowngraded, WarningFlag::IncludeCycle};
  std::set<WarningFlag> errors;
};

class Diagnostics {
public:
  void report(Diagnostic d) { items_.push_back(std::move(d)); }
  void report(Severity s, SourceLoc loc, std::string message, WarningFlag flag = WarningFlag::None,
              std::string profile = {}) {
    Diagnostic d;
    d.severity = s;
    d.loc = loc;
    d.message = std::move(message);
    d.flag = flag;
    d.profile = std::move(profile);
    report(std::move(d));
  }
  void error(SourceLoc loc, std::string message) { report(Severity::Error, loc, std::move(message)); }
  void note(SourceLoc loc, std::string message) { report(Severity::Note, loc, std::move(message)); }
  void warning(SourceLoc loc, WarningFlag flag, std::string message, std::string profile = {}) {
    report(Severity::Warning, loc, std::move(message), flag, std::move(profile));
  }

  bool hasErrors() const;
  size_t errorCount() const;
  const std::vector<Diagnostic> &items() const { return items_; }
  /// Drops the warnings the policy hides and turns those it makes fatal
  /// into errors (--warn, --Werror).
  void applyPolicy(const WarningPolicy &policy);

private:
  std::vector<Diagnostic> items_;
};

/// Renders one diagnostic, e.g.
///   In file included from prof:3:
///   abstractions/x:4:7: error: Invalid capability foo.
///       capability foo,
///                  ^
std::string renderDiagnostic(const SourceManager &sm, const Diagnostic &d);

/// Renders one diagnostic the way apparmor_parser words it, for tools that
/// compare its output (upstream's errors suite): `inputName` is the file
/// named on the command line.
///   AppArmor parser error for prof in profile abstractions/x at line 4: ...
///   Warning from prof (prof line 6): ...
///   Warning from profile NAME (prof): ...
std::string renderApparmorStyle(const SourceManager &sm, const Diagnostic &d, const std::string &inputName);

} // namespace aasim::frontend

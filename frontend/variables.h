// Policy variables: set variables (@{NAME} = values) and booleans ($NAME),
// which share one namespace, and the expansion of @{...} references inside
// words. Set values are kept unexpanded and expanded on use, so forward
// references inside the preamble work as in apparmor_parser.
#pragma once

#include "source_manager.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace aasim::frontend {

struct ExpandError {
  std::string message;
};

class VariableTable {
public:
  struct SetVar {
    std::set<std::string> values;  // raw values; may reference other variables
    SourceLoc loc;
  };

  bool exists(const std::string &name) const { return sets_.count(name) || bools_.count(name); }
  bool isSet(const std::string &name) const { return sets_.count(name) != 0; }
  bool isBool(const std::string &name) const { return bools_.count(name) != 0; }
  const SetVar *findSet(const std::string &name) const;
  std::optional<bool> findBool(const std::string &name) const;

  void defineSet(const std::string &name, std::vector<std::string> values, SourceLoc loc);
  void addToSet(const std::string &name, const std::vector<std::string> &values);
  void defineBool(const std::string &name, bool value);
  void remove(const std::string &name);

  /// Fully expanded, sorted, de-duplicated values of a set variable.
  /// Fails on undefined or recursive references.
  std::optional<std::set<std::string>> expandSet(const std::string &name, ExpandError &err) const;

  /// Expands every @{NAME} in `text` into one glob: a single value is
  /// substituted, several become {v1,v2,...} with the slash trimming of the
  /// profile language. `overrides` shadow table entries (automatic
  /// variables such as @{profile_name}).
  std::optional<std::string> expandWord(const std::string &text, ExpandError &err,
                                        const std::map<std::string, std::set<std::string>> *overrides = nullptr) const;

  /// Expands `text` into the set of strings it denotes (each variable
  /// contributes each of its values), as conditionals compare them.
  std::optional<std::set<std::string>> expandToSet(const std::string &text, ExpandError &err) const;

  const std::map<std::string, SetVar> &sets() const { return sets_; }
  const std::map<std::string, bool> &bools() const { return bools_; }

private:
  bool expandInto(const std::string &name, std::set<std::string> &out, std::vector<std::string> &stack,
                  ExpandError &err) const;
  bool expandStringInto(const std::string &text, std::set<std::string> &out, std::vector<std::string> &stack,
                        ExpandError &err) const;

  std::map<std::string, SetVar> sets_;
  std::map<std::string, bool> bools_;
};

/// The automatic variables of a profile: @{profile_name} (its full name,
/// glob characters escaped so it matches literally) and, when the profile
/// attaches to a path, @{attach_path} and @{exec_path}.
std::map<std::string, std::set<std::string>> automaticVariables(const std::string &fullName,
                                                                const std::optional<std::string> &attachPath);

/// Strips `@`/`$` and optional braces: "@{HOME}" -> "HOME".
std::string variableBaseName(const std::string &token);

/// Locates the next unescaped "@{NAME}" in text at or after `from`;
/// returns npos when none. `len` receives the reference length.
size_t findVariableRef(const std::string &text, size_t from, size_t &len, std::string &name);

} // namespace aasim::frontend

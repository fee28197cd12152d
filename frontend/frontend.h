// Public entry point of the frontend: read policy files the way
// apparmor_parser does (search paths, includes, variables, conditionals,
// semantic checks) and hand back the syntax tree plus diagnostics.
#pragma once

#include "ast.h"
#include "diagnostics.h"
#include "dialect.h"
#include "features.h"
#include "include_resolver.h"
#include "source_manager.h"
#include "token_cache.h"
#include "variables.h"

#include <memory>
#include <optional>
#include <string>

namespace aasim::frontend {

struct FrontendOptions {
  SearchPaths paths;
  std::optional<std::string> featuresFile;  // -M
  WarningPolicy warnings;                   // --warn, --Werror
  Dialect dialect = Dialect::V6_0;          // which parser's language
};

/// One policy file after the frontend: its tree (when it parsed), the
/// variables in force at the end of its preamble, and whether it is accepted.
struct LoadedFile {
  std::string name;
  std::optional<ast::Policy> policy;
  VariableTable vars;
  bool accepted = false;
  size_t firstDiagnostic = 0;  // range of this file's entries in diagnostics()
  size_t endDiagnostic = 0;
};

class Frontend {
public:
  /// Fails (nullopt, `error` set) when the features file cannot be read or parsed.
  static std::unique_ptr<Frontend> create(FrontendOptions options, std::string &error);

  /// Parses and checks one file; `text` is its contents.
  LoadedFile load(const std::string &name, std::string text);
  /// Reads `path` from disk first; an unreadable path is a rejected file.
  LoadedFile loadPath(const std::string &path);

  const SourceManager &sources() const { return sm_; }
  const Diagnostics &diagnostics() const { return diags_; }
  const Features &features() const { return features_; }

private:
  Frontend(FrontendOptions options, Features features)
      : options_(std::move(options)), resolver_(options_.paths), features_(std::move(features)) {}

  FrontendOptions options_;
  SourceManager sm_;
  IncludeResolver resolver_;
  Diagnostics diags_;
  Features features_;
  TokenCache tokens_;  // what included files lexed to, for the files loaded after
};

} // namespace aasim::frontend

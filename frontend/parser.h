// The phrase-level parser: turns the token stream of one policy file (with
// its includes spliced in by the lexer) into an ast::Policy. It follows the
// productions of apparmor_parser's grammar, evaluates variable assignments
// and `if` conditions as it goes (as apparmor_parser does), and stops at
// the first error.
#pragma once

#include "ast.h"
#include "diagnostics.h"
#include "dialect.h"
#include "include_resolver.h"
#include "token_cache.h"
#include "variables.h"

#include <optional>

namespace aasim::frontend {

struct ParseInputs {
  SourceManager &sm;
  IncludeResolver &resolver;
  Diagnostics &diags;
  VariableTable &vars;
  Dialect dialect = Dialect::V6_0;
  TokenCache *tokens = nullptr;  // included files lexed once per cache
};

/// Parses the file `fileId` (already in the SourceManager). On error the
/// diagnostic is in `in.diags` and nullopt is returned.
std::optional<ast::Policy> parsePolicy(uint32_t fileId, ParseInputs in);

} // namespace aasim::frontend

// apparmor_parser merges file (and change_profile) rules of one profile
// that name the same path with the same mode, audit, priority and link
// target, and rejects the profile when the merged rules disagree on the
// exec transition ("has merged rule ... with conflicting x modifiers").
// Conflicts between different globs that overlap are found by the DFA.
#pragma once

#include "sema.h"

#include <vector>

namespace aasim::frontend::sema {

/// Checks the merge consistency of the rules directly in `body` (with
/// prefix blocks and taken conditionals flattened; child profiles and hats
/// are separate profiles).
void checkMergedRules(const std::vector<ast::Stmt> &body, Context &cx);

/// Child profiles and hats of one profile must have distinct names.
void checkDuplicateChildren(const std::vector<ast::Stmt> &body, Context &cx);

} // namespace aasim::frontend::sema

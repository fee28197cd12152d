// Syntax checks on AppArmor globs that apparmor_parser performs when it
// converts them to regular expressions: balanced {} and [], alternations
// with a comma, bounded nesting, no trailing lone backslash.
#pragma once

#include <optional>
#include <string>

namespace aasim::frontend::sema {

/// nullopt when `glob` is well formed, else the error message.
std::optional<std::string> checkGlob(const std::string &glob);

} // namespace aasim::frontend::sema

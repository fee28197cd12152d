// Prints a policy back as profile text with includes already spliced,
// conditionals resolved and variables expanded: `aasim preprocess`.
#pragma once

#include "ast.h"
#include "variables.h"

#include <string>
#include <vector>

namespace aasim::frontend {

std::string printPolicy(const ast::Policy &policy, const VariableTable &vars);

/// Profile names as apparmor_parser -N lists them: parent//child for
/// children and hats, `:ns:name` when namespaced.
std::vector<std::string> profileNames(const ast::Policy &policy);

} // namespace aasim::frontend

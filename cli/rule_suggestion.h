// The smallest rule that allows a denied request, in the profile language
// (`aasim suggest`): exactly the denied permissions on exactly the object,
// `owner` when the task owned it, and paths written with the policy's own
// variables where one of their values is a prefix of the path
// (`@{HOME}/.config/app/x r,`).
#pragma once

#include "frontend/variables.h"
#include "simulator/decision.h"
#include "simulator/request.h"

#include <optional>
#include <string>
#include <vector>

namespace aasim::cli {

/// The longest prefix of `path` that a variable of `vars` names (a whole
/// path component or more), rewritten with it; `path` itself when none.
/// Automatic and boolean variables are not used.
std::string withVariables(const std::string &path, const frontend::VariableTable &vars);

/// The rule (without indentation, with its comma) that grants what `d`
/// denied of `request`; nullopt with `why` for requests no single rule of
/// this kind covers (mount, dbus, unix addresses, ...).
std::optional<std::string> suggestRule(const simulator::Request &request, const simulator::Decision &d,
                                       const frontend::VariableTable &vars, bool targetAttaches, std::string &why);

} // namespace aasim::cli

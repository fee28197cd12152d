// aasim's own compiled profiles as the kernel would load them: their
// records (the same bytes `compile -S` writes, read back field by field),
// plus the rule sets behind each profile's automata for explanations.
#pragma once

#include "loaded_policy.h"

#include "dfa/policy_compiler.h"

#include <string>
#include <vector>

namespace aasim::simulator {

/// Adds every profile of `compiled` (compiled with CompileOptions::records)
/// to `out`. False with `error` when a record cannot be written (a profile
/// compile -S would refuse too).
bool addCompiledProfiles(std::vector<dfa::CompiledProfile> compiled, LoadedPolicy &out, std::string &error);

} // namespace aasim::simulator

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
/// to `out`.
void addCompiledProfiles(std::vector<dfa::CompiledProfile> compiled, LoadedPolicy &out);

} // namespace aasim::simulator

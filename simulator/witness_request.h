// From an input of a profile's automata back to the operation that asks
// for it: a witness found by walking the automata (a path, a link pair, a
// signal string) becomes the words of the synthetic trace syntax
// (docs/traces.md), so that the decision API can be asked about it and a
// user can paste it into `aasim query`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace aasim::simulator {

/// Policy-automaton class numbers (kernel-semantics.md §3.3) that the
/// simulator decides by.
namespace policy_class {
inline constexpr uint8_t kFile = 2, kCapability = 3, kUnixV7 = 4, kMount = 7, kPtrace = 9, kSignal = 10,
                         kNet = 14, kLabel = 16, kPosixMqueue = 17, kSysvMqueue = 18, kNs = 21, kIoUring = 22,
                         kDbus = 32;
}

/// The rule class a policy-automaton class stands for ("signal",
/// "network", ...); "class N" for one aasim does not know.
std::string policyClassName(uint8_t cls);

/// The words of an operation asking the file automaton for `bits` at
/// `input` (owner or other half); empty when no single operation asks for
/// those bits there (e.g. a bare link source).
std::vector<std::string> fileWitnessWords(const std::string &input, uint32_t bits, bool owner);

/// The same for the policy automaton: `input` starts with the class byte.
std::vector<std::string> policyWitnessWords(const std::string &input, uint32_t bits);

/// Words joined for display, quoting the ones with blanks or nothing in them.
std::string joinWords(const std::vector<std::string> &words);

} // namespace aasim::simulator

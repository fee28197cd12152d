// Exec transitions and attachment (kernel-semantics.md §9): which profile
// an unconfined exec attaches to, and where a confined task's exec leads
// by the exec index of the rule that allows it.
#pragma once

#include "decision.h"
#include "kernel_perms.h"
#include "loaded_policy.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aasim::simulator {

/// The permission an attachment (xmatch) automaton accepts a program with.
inline constexpr uint32_t kMayExecAttach = 0x1;

/// The kernel's aa_dfa_leftmatch: the state after `path` and `count`, the
/// bytes consumed before the automaton first re-entered a recent state.
uint32_t leftMatch(const dfa::KernelDfa &dfa, std::string_view path, uint32_t &count);

struct AttachResult {
  const LoadedProfile *profile = nullptr;
  bool conflict = false;  // equally specific candidates: no attachment
};

/// find_attach over `candidates` (in load order) for the executable `path`
/// with the file's xattrs.
AttachResult findAttachment(const std::vector<const LoadedProfile *> &candidates, std::string_view path,
                            const std::vector<std::pair<std::string, std::string>> &xattrs);

/// An exec index as a rule writes its mode: "ix", "Px", "cux", ...
std::string execModeName(const ExecIndex &x);

/// The label an entry of `profile`'s transition table leads to: a loaded
/// profile, or a stack of loaded profiles; nullopt when it names none.
std::optional<std::string> tableEntryTarget(const LoadedPolicy &policy, const LoadedProfile &profile,
                                            const std::string &entry);

/// The exec decision of `profile` (null: unconfined) for `request`,
/// including the transition.
Decision decideExec(const LoadedPolicy &policy, const LoadedProfile *profile, const std::optional<std::string> &ns,
                    const ExecRequest &request, const DecideOptions &options);

} // namespace aasim::simulator

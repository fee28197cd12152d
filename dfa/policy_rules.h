// Lowering of a profile's mediation-class rules to the policy DFA
// (kernel-semantics.md §3.3-3.4): every string starts with its class
// byte; signal, ptrace, dbus, unix and network rules become class strings,
// and for each class the target kernel mediates a one-byte "mediates"
// marker is added, since the kernel treats a class without a start state
// as unmediated. Classes the kernel lacks are left out (the frontend has
// warned about them).
#pragma once

#include "file_rules.h"
#include "frontend/features.h"

#include <optional>
#include <string>

namespace aasim::dfa {

/// What the target kernel's feature set lets apparmor_parser 3.0.8 put in
/// the policy DFA.
struct PolicyFeatures {
  bool policydb = false;   // policy/versions: a policy DFA is written at all
  bool fileMarker = false; // kernel ABI > 5
  bool signal = false, ptrace = false, dbus = false, mount = false;
  bool networkV8 = false;  // network_v8: fine-grained network rules
  bool networkInet = false;  // network_v8/af_inet: 6.0's ip=/port= conditions are enforced
  bool unixV7 = false;     // network/af_unix: unix rules
  bool stacking = false;   // domain/stack

  static PolicyFeatures from(const frontend::Features &f);
  /// apparmor_parser 3.0.8's built-in set when there is neither -M nor a
  /// kernel: caps, rlimits, file and domain only, no policy DFA.
  static PolicyFeatures builtinDefault() { return {}; }
};

/// AppArmor's number of a signal name as rules write it (`term` 15,
/// `rtmin+2` 130, `exists` 35); nullopt for an unknown name.
std::optional<unsigned> signalNumber(const std::string &name);

/// Lowers the class rules of one profile body (not its children).
/// pivot_root targets take slots of `xtable`, the profile's transition
/// table, after those its file rules took.
RuleSet lowerPolicyRules(const std::vector<frontend::ast::Stmt> &body, LoweringContext &cx,
                         const PolicyFeatures &features, std::vector<std::string> &xtable);

} // namespace aasim::dfa

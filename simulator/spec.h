// Assertions about a policy (`aasim test`, docs/guide.md "Spec files"):
// single decisions (`allow nginx open /var/www/index.html r`), exec
// transitions (`transition /usr/sbin/backupd exec /bin/gzip ->
// backupd//gzip`) and invariants over whole profiles (`never * write
// /etc/shadow`), the latter checked exactly by walking the product of the
// profile's automaton with the automaton of what is asked about, so that
// a passing invariant is a proof and a failing one comes with a shortest
// counterexample, confirmed by the decision API.
#pragma once

#include "decision.h"
#include "loaded_policy.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aasim::simulator {

/// What a `never` line rules out.
struct Invariant {
  enum class Kind : uint8_t { Access, Exec, Capability, Class };
  Kind kind = Kind::Access;
  uint32_t bits = 0;        // Access: file permission bits (kernel_perms.h)
  std::string execMode;     // Exec: "ux", "Px", ... "unconfined" (any way to run unconfined), "any"
  std::string glob;         // Access, Exec: an AppArmor glob; "*" alone: every path
  std::optional<bool> owner;  // Access, Exec: only the owner (true) or other (false) half
  unsigned capability = 0;  // Capability: Linux number
  std::string className;    // Class: network, signal, ptrace, mount, dbus, unix, userns, io_uring, mqueue, change_profile
};

struct SpecAssertion {
  enum class Kind : uint8_t { Allow, Deny, Log, Transition, Never };
  Kind kind = Kind::Allow;
  size_t line = 0;
  std::string text;                // the line as written (trimmed)
  std::string profile;             // as written: a name, an executable's path, or "*" (never)
  std::vector<std::string> words;  // the operation (allow, deny, log, transition)
  LogKind log = LogKind::None;     // Log
  std::string target;              // Transition: the label the exec leads to
  Invariant never;                 // Never
};

struct SpecFile {
  std::string path;
  std::vector<std::string> policies;  // `policy` lines, relative to the spec's directory
  std::vector<SpecAssertion> assertions;
};

struct SpecProblem {
  size_t line = 0;
  std::string message;
};

/// Reads a spec; each malformed line becomes a problem (naming the word at
/// fault) and is left out.
SpecFile parseSpec(const std::string &path, const std::string &text, std::vector<SpecProblem> &problems);

/// One assertion's outcome. A failure says why; a failed invariant names
/// the profile, the request that breaks it and the decision on it.
struct AssertionResult {
  bool passed = false;
  std::string message;                   // failure (or error): why
  std::string profile;                   // the profile decided (failures of never: the offending one)
  std::vector<std::string> counterexample;  // never: the request that breaks it (operation words)
  std::optional<Decision> decision;      // the decision behind the outcome, with its rules
};

AssertionResult checkAssertion(const LoadedPolicy &policy, const SpecAssertion &assertion,
                               const DecideOptions &options = {});

} // namespace aasim::simulator

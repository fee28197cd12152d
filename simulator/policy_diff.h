// What changed between two versions of a policy, exactly: each profile's
// automata are compared by walking their product (dfa/product_walk.h), so
// "equivalent" is a proof over every input, and each kind of change comes
// with a shortest input that shows it, turned back into the operation that
// asks for it (witness_request.h). Verdicts follow Zelkova's: equivalent,
// more permissive, less permissive, incomparable; a change that only
// touches logging or exec transitions is "changed".
//
// Everything is compared on the loaded tables (loaded_policy.h), so either
// side may come from source (aasim's compiler) or from binary policy.
#pragma once

#include "loaded_policy.h"

#include <cstdint>
#include <string>
#include <vector>

namespace aasim::simulator {

enum class DiffVerdict : uint8_t { Equivalent, MorePermissive, LessPermissive, Incomparable, Changed };
const char *diffVerdictName(DiffVerdict v);  // "equivalent", "more permissive", ...

/// The kinds of change a witness shows.
enum class Change : uint8_t {
  NewlyAllowed,  // the new policy allows what the old denied (attachment: now attaches)
  NewlyDenied,   // and the reverse
  Logging,       // audit, quiet or kill bits differ
  Transition,    // an exec both allow leads elsewhere
};
const char *changeName(Change c);  // "newly allowed", "newly denied", "logging changed", "transition changed"

struct Witness {
  Change change = Change::NewlyAllowed;
  std::string input;               // the automaton input (bytes; a class byte first for policy classes)
  std::vector<std::string> words;  // the operation that asks for it (docs/traces.md); empty when none does
  std::string before, after;       // what the old and the new policy make of it
};

struct ClassDiff {
  std::string ruleClass;           // "file", "capability", "network", "signal", ..., "attachment", "profile"
  std::vector<Witness> witnesses;  // a shortest one per kind of change
  std::vector<std::string> notes;  // changes no single request shows (mode, mediation, xattrs)
  bool morePermissive = false, lessPermissive = false, otherChange = false;
  DiffVerdict verdict() const;
};

struct ProfileDiff {
  enum class Status : uint8_t { Compared, Added, Removed, Renamed };
  Status status = Status::Compared;
  std::string name;     // the new name (the old one when removed)
  std::string oldName;  // Renamed: the name before
  std::vector<ClassDiff> classes;  // the classes that differ, in a fixed order
  DiffVerdict verdict() const;
};

struct PolicyDiff {
  std::vector<ProfileDiff> profiles;  // the profiles that differ (added, removed, renamed, changed)
  size_t comparedProfiles = 0;        // profiles present on both sides
  bool equivalent() const { return profiles.empty(); }
};

struct DiffOptions {
  /// Witnesses per kind of change and rule class, shortest first; each
  /// further one is no extension of an earlier one (another place, not a
  /// longer path to the same change).
  size_t witnessesPerChange = 1;
};

/// The differences of one profile's two versions.
ProfileDiff diffProfile(const LoadedProfile &before, const LoadedProfile &after, const DiffOptions &options = {});

/// Every profile of both policies, matched by namespace and name; a removed
/// and an added profile with the same automata (or the same attachment)
/// are reported as renamed.
PolicyDiff diffPolicies(const LoadedPolicy &before, const LoadedPolicy &after, const DiffOptions &options = {});

} // namespace aasim::simulator

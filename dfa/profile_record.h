// The fields of a profile's record in the binary policy other than its
// automata (kernel-semantics.md §6.2-6.3), computed from the profile as
// apparmor_parser 3.0.8 computes them: version word, namespace, the name
// it writes, flags, path flags, capability words, rlimits, the legacy
// network table, and the attachment regex the xmatch automaton is built
// from. Every value here was checked against 3.0.8's output
// (tests/unit/profile_record_test.cpp holds the observations).
#pragma once

#include "frontend/ast.h"
#include "frontend/features.h"
#include "frontend/variables.h"
#include "policy_blob.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aasim::dfa {

/// What the target kernel's feature set decides about a record's header.
struct RecordFeatures {
  /// Kernel ABI of the version word: 7 with policy/versions/v7, 6 with v6,
  /// else 5 (3.0.8 writes no higher ABI even when v8/v9 are offered).
  uint32_t kernelAbi = 5;
  /// `network` without `network_v8`: network rules go into the
  /// net_allowed_af table instead of the policy DFA.
  bool legacyNetwork = false;
  /// domain/attach_conditions/xattr and policy/outofband: xattrs become
  /// part of the attachment; without them 3.0.8 drops them with a warning.
  bool xattrAttach = false;
  /// Capability names beyond the built-in table come from caps/mask.
  frontend::Features names;

  static RecordFeatures from(const frontend::Features &f);
  /// 3.0.8 without -M and without a kernel: ABI 5, no network.
  static RecordFeatures builtinDefault() { return {}; }

  /// §6.3: the ABI alone up to 5; above, parser ABI 2 and policy version 2
  /// in bits 12-19 and 20-27 (v7: 0x00202007).
  uint32_t versionWord() const;
};

/// Capability sets as rules build them; the record's words derive from
/// them (§6.2 "Caps words").
struct CapabilitySets {
  uint64_t allow = 0, deny = 0, audit = 0, quiet = 0;
  uint64_t allowWord() const { return allow & ~deny; }
  uint64_t auditWord() const { return allow & ~deny & audit; }
  uint64_t quietWord() const { return deny & quiet; }
};

struct ProfileHeader {
  /// Local names from the top-level profile down to this one: the order of
  /// records is the order of these paths (3.0.8 keeps profiles and each
  /// profile's children in name-sorted sets and writes depth first).
  std::vector<std::string> path;
  std::optional<std::string> ns;  // top-level profiles only (3.0.8 writes none for children)
  std::optional<std::string> orderNs;  // the top-level profile's namespace, which orders its children too
  std::string recordName;         // the name 3.0.8 writes: parent's local name//name for children
  uint32_t version = 5;
  uint32_t hat = 0, mode = 0, audit = 0;
  std::optional<uint32_t> pathFlags;
  CapabilitySets caps;
  std::optional<BlobRlimits> rlimits;
  std::optional<std::vector<BlobNetFamily>> netAllowedAf;
  /// The attachment in the internal regex dialect, when 3.0.8 builds an
  /// xmatch automaton: the name or attachment is a glob, or there is an
  /// attachment or xattrs.
  std::optional<std::string> xmatchRegex;
  /// `xattrs=(...)` on a kernel that attaches by them: the names the record
  /// lists, in its order, and each value as a regex (internal dialect, NUL
  /// allowed; any value when the profile gives none). Empty otherwise.
  struct Xattr {
    std::string name, valueRegex;
  };
  std::vector<Xattr> xattrs;

  /// What the 3.0.8 record could only keep in a coarser form (warnings).
  std::vector<std::string> downgrades;

  std::array<uint32_t, 4> capsLow() const;
  std::array<uint32_t, 4> capsHigh() const;
};

/// Computes the header of `profile`. `parent` is the header of the
/// enclosing profile (null for a top-level one); `aliases` are the policy's
/// `alias FROM -> TO` rules (expanded), which give the attachment alternate
/// names. nullopt with `error` when the profile has a value 3.0.8 would
/// reject (the frontend reports those first, so this is a safety net).
std::optional<ProfileHeader> profileHeader(const frontend::ast::Profile &profile,
                                           const ProfileHeader *parent,
                                           const frontend::VariableTable &vars, const RecordFeatures &features,
                                           const std::vector<std::pair<std::string, std::string>> &aliases,
                                           std::string &error);

/// The value 3.0.8 stores for one `set rlimit NAME <= VALUE [UNIT]`, and
/// the limit's index (Linux RLIMIT_* number); nullopt for an unknown name.
struct RlimitValue {
  unsigned index = 0;
  uint64_t value = 0;
};
std::optional<RlimitValue> rlimitValue(const frontend::ast::RlimitRule &rule);

} // namespace aasim::dfa

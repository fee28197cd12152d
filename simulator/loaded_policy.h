// Policy as the kernel holds it after loading binary records
// (kernel-semantics.md §6.6): per profile its name, mode, automata and
// transition table, nothing else. The simulator decides from exactly this,
// whether the records came from aasim's compiler or from an
// apparmor_parser blob. Where aasim compiled the policy itself, each
// profile may also carry the rule sets it was built from, so that a
// decision can name its rules with their source locations.
#pragma once

#include "dfa/policy_blob.h"
#include "dfa/dfa.h"
#include "dfa/rule_set.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringMap.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aasim::simulator {

enum class ProfileMode : uint8_t { Enforce, Complain, Kill, Unconfined };

/// The rules behind a compiled profile's automata (aasim's compiler only),
/// with aasim's own automata, whose states know the rule flags that reach
/// them: only rules with those flags need matching to name a decision's rules.
struct RuleSources {
  dfa::RuleSet fileRules;
  dfa::RuleSet policyRules;
  std::optional<dfa::Dfa> fileDfa, policyDfa;
};

struct LoadedProfile {
  std::optional<std::string> ns;
  std::string name;  // hierarchical: parent//child
  bool hat = false;
  ProfileMode mode = ProfileMode::Enforce;
  bool auditAll = false;  // flags=(audit)
  uint32_t pathFlags = 0;
  uint32_t abi = 5;  // the version word's low byte
  uint64_t capsAllow = 0, capsAudit = 0, capsQuiet = 0, capsKill = 0;
  std::optional<dfa::KernelDfa> xmatch;
  uint32_t xmatchLen = 0;
  std::vector<std::string> xattrs;
  std::optional<dfa::KernelDfa> policydb;
  /// The policy mediates unix sockets by address and peer: it was compiled
  /// for a kernel with network/af_unix (its unix sub-marker is set).
  bool unixByAddress = false;
  std::optional<dfa::KernelDfa> file;
  std::vector<std::string> xtable;  // slot i: nibble i + 4; ":ns\0name" for namespaced targets
  std::optional<std::vector<dfa::BlobNetFamily>> netAllowedAf;
  std::shared_ptr<const RuleSources> sources;  // null for a blob

  /// The local name (after the last //) and the parent's full name.
  std::string_view localName() const;
  std::string_view parentName() const;
  /// The start state of a policy class (0: the class is not mediated).
  uint32_t classStart(uint8_t cls) const;
  /// The file automaton's state after `path` (0 without file rules).
  uint32_t fileState(std::string_view path, uint32_t from = dfa::KernelDfa::kStart) const {
    return file ? file->walk(path, from) : dfa::KernelDfa::kNoMatch;
  }
};

LoadedProfile loadProfile(const dfa::BlobProfile &record);

/// Every loaded profile, looked up by name within a namespace.
class LoadedPolicy {
public:
  void add(LoadedProfile p) {
    byName_[p.name].push_back(static_cast<uint32_t>(profiles_.size()));
    profiles_.push_back(std::move(p));
  }
  const std::vector<LoadedProfile> &profiles() const { return profiles_; }

  /// Exact name (hierarchical) in namespace `ns` (none: the root one).
  const LoadedProfile *find(std::string_view name, const std::optional<std::string> &ns = std::nullopt) const;
  /// Top-level profiles of a namespace, in load order: px attachment
  /// candidates.
  std::vector<const LoadedProfile *> topLevel(const std::optional<std::string> &ns) const;
  /// Direct children (and hats) of `parent`: cx attachment candidates.
  std::vector<const LoadedProfile *> children(const LoadedProfile &parent) const;

private:
  std::vector<LoadedProfile> profiles_;
  // Every decision looks its label up: by name, then the namespace among
  // the few profiles of that name.
  // (StringMap: looked up by the label's view, no string built.)
  llvm::StringMap<llvm::SmallVector<uint32_t, 1>> byName_;
};

} // namespace aasim::simulator

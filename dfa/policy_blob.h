// The binary policy apparmor_parser writes with -S (3.0.8 layout,
// kernel-semantics.md §6): one record per profile, children and hats as
// their own records named parent//child. The reader checks every length
// and index and refuses versions it does not know, naming the byte offset.
#pragma once

#include "kernel_dfa.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aasim::dfa {

/// Element type codes of the policy stream (kernel-semantics.md §6.1),
/// shared by the reader and the writer.
namespace blob {
enum Code : uint8_t {
  kU8 = 0, kU16 = 1, kU32 = 2, kU64 = 3, kName = 4, kString = 5, kBlob = 6, kStruct = 7, kStructEnd = 8,
  kList = 9, kListEnd = 10, kArray = 11, kArrayEnd = 12,
};
} // namespace blob

/// `set rlimit` values: bit i of `mask` says limit i is set; `limits` has
/// one entry per kernel resource (16 in 3.0.8), unset ones 0.
struct BlobRlimits {
  uint32_t mask = 0;
  std::vector<uint64_t> limits;
  bool operator==(const BlobRlimits &) const = default;
};

/// One address family of the legacy network table: socket-type bit masks.
struct BlobNetFamily {
  uint16_t allow = 0, audit = 0, quiet = 0;
  bool operator==(const BlobNetFamily &) const = default;
};

// Every element apparmor_parser 3.0.8 writes is kept, so that
// writePolicyBlob (policy_writer.h) gives back the same bytes.
struct BlobProfile {
  uint32_t version = 0;  // the record's version word
  std::optional<std::string> ns;
  std::string name;
  uint32_t hat = 0, mode = 0, audit = 0;  // the flags struct
  std::optional<uint32_t> pathFlags;
  std::array<uint32_t, 4> caps{};    // allow, audit, quiet, kill (low 32)
  std::array<uint32_t, 4> caps64{};  // the same, high 32
  std::optional<KernelDfa> xmatch;
  uint32_t xmatchLen = 0;
  std::optional<std::vector<std::string>> xattrs;  // attachment xattr names
  std::optional<BlobRlimits> rlimits;
  std::optional<std::vector<BlobNetFamily>> netAllowedAf;  // indexed by address family
  std::optional<KernelDfa> policydb;
  std::optional<KernelDfa> file;
  std::vector<std::string> xtable;
};

struct BlobError {
  size_t offset = 0;
  std::string message;
};

struct BlobReadResult {
  std::vector<BlobProfile> profiles;
  std::optional<BlobError> error;
};

BlobReadResult readPolicyBlob(std::string_view bytes);

} // namespace aasim::dfa

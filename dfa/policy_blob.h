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

#include "policy_records.h"

#include "compress.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace aasim::dfa {

BlobProfile profileRecord(const CompiledProfile &cp) {
  const ProfileHeader &h = cp.header;
  BlobProfile b;
  b.version = h.version;
  b.ns = h.ns;
  b.name = h.recordName;
  b.hat = h.hat;
  b.mode = h.mode;
  b.audit = h.audit;
  b.pathFlags = h.pathFlags;
  b.caps = h.capsLow();
  b.caps64 = h.capsHigh();
  if (cp.xmatch) {
    b.xmatch = compressDfa(cp.xmatch->dfa);
    b.xmatchLen = cp.xmatch->xmatchLen;
  }
  if (!h.xattrs.empty()) {
    b.xattrs.emplace();
    for (const auto &x : h.xattrs)
      b.xattrs->push_back(x.name);
  }
  b.rlimits = h.rlimits;
  b.netAllowedAf = h.netAllowedAf;
  if (cp.policyDfa)
    b.policydb = compressDfa(*cp.policyDfa);
  // A profile without file rules gets no file automaton from 3.0.8; its
  // transition table is written whenever it has entries (pivot_root
  // targets need no file rule).
  if (!cp.fileRules.rules.empty())
    b.file = compressDfa(cp.fileDfa);
  // A namespaced target ":ns:name" is written ":ns\0name" (the kernel
  // turns the NUL back into ':').
  for (std::string entry : cp.fileRules.xtable) {
    if (!entry.empty() && entry[0] == ':')
      if (size_t colon = entry.find(':', 1); colon != std::string::npos)
        entry[colon] = '\0';
    b.xtable.push_back(std::move(entry));
  }
  return b;
}

std::vector<size_t> recordOrder(const std::vector<CompiledProfile> &profiles) {
  std::vector<size_t> order(profiles.size());
  std::iota(order.begin(), order.end(), 0);
  // Profiles without a namespace sort first; then namespace, then the path
  // of local names (a parent's path is a prefix of its children's, so this
  // is the depth-first walk over name-sorted sets). Byte order, as strcmp.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const ProfileHeader &x = profiles[a].header, &y = profiles[b].header;
    if (x.orderNs.has_value() != y.orderNs.has_value())
      return !x.orderNs.has_value();
    if (x.orderNs && *x.orderNs != *y.orderNs)
      return *x.orderNs < *y.orderNs;
    return x.path < y.path;
  });
  return order;
}

std::vector<BlobProfile> policyRecords(const std::vector<CompiledProfile> &profiles) {
  std::vector<BlobProfile> out;
  for (size_t i : recordOrder(profiles))
    out.push_back(profileRecord(profiles[i]));
  return out;
}

} // namespace aasim::dfa

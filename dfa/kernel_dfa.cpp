#include "kernel_dfa.h"

#include <fmt/format.h>

namespace aasim::dfa {

namespace {

using namespace aadfa;

uint32_t be(std::string_view s, size_t at, size_t width) {
  uint32_t v = 0;
  for (size_t i = 0; i < width; ++i)
    v = (v << 8) | static_cast<uint8_t>(s[at + i]);
  return v;
}

bool fail(TableError &e, size_t offset, std::string message) {
  e.offset = offset;
  e.message = std::move(message);
  return false;
}

} // namespace

// The checks of the kernel's verify_dfa: every index stays inside its table.
bool verifyKernelDfa(const KernelDfa &d, TableError &e) {
  const size_t states = d.base.size(), trans = d.next.size();
  if (d.accept.size() != states || d.def.size() != states || (!d.accept2.empty() && d.accept2.size() != states))
    return fail(e, 0, "DFA tables disagree on the number of states");
  if (d.check.size() != trans)
    return fail(e, 0, "DFA next and check tables differ in size");
  if (states < 2)
    return fail(e, 0, "DFA has fewer than 2 states");
  const uint32_t highestClass = 255;
  for (size_t s = 0; s < states; ++s) {
    uint32_t b = d.base[s];
    if (b & ~(KernelDfa::kDiffEncode | KernelDfa::kOutOfBand | 0x00ffffffu))
      return fail(e, 0, fmt::format("state {}: unknown base flags {:#x}", s, b));
    if (d.def[s] >= states)
      return fail(e, 0, fmt::format("state {}: default {} out of range", s, d.def[s]));
    if (static_cast<size_t>(KernelDfa::baseIndex(b)) + highestClass >= trans)
      return fail(e, 0, fmt::format("state {}: base {} out of range", s, KernelDfa::baseIndex(b)));
    if ((b & KernelDfa::kOutOfBand) && KernelDfa::baseIndex(b) == 0)
      return fail(e, 0, fmt::format("state {}: out-of-band transition below the table", s));
    if ((b & KernelDfa::kOutOfBand) && !(d.headerFlags & KernelDfa::kHeaderOutOfBand))
      return fail(e, 0, fmt::format("state {}: out-of-band transition in tables whose header has none", s));
  }
  for (size_t i = 0; i < trans; ++i)
    if (d.next[i] >= states || d.check[i] >= states)
      return fail(e, 0, fmt::format("transition {}: state out of range", i));
  // Diff-encoded default chains must end, or a step would never return.
  for (size_t s = 0; s < states; ++s) {
    size_t t = s, hops = 0;
    while (d.base[t] & KernelDfa::kDiffEncode) {
      t = d.def[t];
      if (++hops > states)
        return fail(e, 0, fmt::format("state {}: diff-encoding loop", s));
    }
  }
  return true;
}

std::optional<KernelDfa> readKernelDfa(std::string_view blob, TableError &error) {
  size_t start = 0;
  while (start < blob.size() && start < 8 && blob[start] == '\0')
    ++start;
  std::string_view s = blob.substr(start);
  if (s.size() < 16 || be(s, 0, 4) != kMagic) {
    fail(error, start, "not an AppArmor DFA (bad magic)");
    return std::nullopt;
  }
  uint32_t hsize = be(s, 4, 4), ssize = be(s, 8, 4);
  KernelDfa d;
  d.headerFlags = static_cast<uint16_t>(be(s, 12, 2));
  if (hsize < 16 || hsize > ssize || ssize > s.size()) {
    fail(error, start + 4, fmt::format("DFA header sizes {} / {} do not fit the {} bytes", hsize, ssize, s.size()));
    return std::nullopt;
  }
  bool seen[9] = {};
  size_t pos = hsize;
  while (pos < ssize) {
    if (ssize - pos < 12) {
      fail(error, start + pos, "truncated DFA table header");
      return std::nullopt;
    }
    uint32_t id = be(s, pos, 2), width = be(s, pos + 2, 2), count = be(s, pos + 8, 4);
    if (width != 1 && width != 2 && width != 4) {
      fail(error, start + pos, fmt::format("DFA table {} has element size {}", id, width));
      return std::nullopt;
    }
    size_t bytes = static_cast<size_t>(count) * width;
    if (bytes > ssize - pos - 12) {
      fail(error, start + pos, fmt::format("DFA table {} runs past the end", id));
      return std::nullopt;
    }
    if (id > 8 || id == 0 || id == 6 || seen[id]) {
      fail(error, start + pos, fmt::format("unexpected or repeated DFA table id {}", id));
      return std::nullopt;
    }
    seen[id] = true;
    std::vector<uint32_t> values(count);
    for (uint32_t i = 0; i < count; ++i)
      values[i] = be(s, pos + 12 + static_cast<size_t>(i) * width, width);
    switch (id) {
    case kAccept: d.accept = std::move(values); break;
    case kAccept2: d.accept2 = std::move(values); break;
    case kBase: d.base = std::move(values); break;
    case kDef: d.def = std::move(values); break;
    case kNext: d.next = std::move(values); break;
    case kCheck: d.check = std::move(values); break;
    case kEc: {
      if (count != 256 || width != 1) {
        fail(error, start + pos, "equivalence-class table is not 256 bytes");
        return std::nullopt;
      }
      std::array<uint8_t, 256> ec;
      for (int i = 0; i < 256; ++i)
        ec[i] = static_cast<uint8_t>(values[i]);
      d.equivClass = ec;
      break;
    }
    }
    size_t len = 12 + bytes;
    pos += (len + 7) & ~size_t{7};
  }
  if (!seen[kBase] || !seen[kDef] || !seen[kNext] || !seen[kCheck] || !seen[kAccept]) {
    fail(error, start, "DFA lacks a required table (accept, base, default, next, check)");
    return std::nullopt;
  }
  if (!verifyKernelDfa(d, error))
    return std::nullopt;
  return d;
}

} // namespace aasim::dfa

#include "policy_blob.h"

#include <fmt/format.h>

namespace aasim::dfa {

namespace {

using namespace blob;

// The policy versions this reader understands: kernel ABI 5..9 in bits 0-9.
constexpr uint32_t kMinAbi = 5, kMaxAbi = 9;
constexpr int kMaxNesting = 64;

struct Failure {
  size_t offset;
  std::string message;
};

class Reader {
public:
  explicit Reader(std::string_view b) : b_(b) {}

  bool atEnd() const { return pos_ >= b_.size(); }
  size_t pos() const { return pos_; }

  [[noreturn]] void fail(std::string message) const { throw Failure{pos_, std::move(message)}; }

  uint64_t le(size_t width) {
    need(width);
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i)
      v |= static_cast<uint64_t>(static_cast<uint8_t>(b_[pos_ + i])) << (8 * i);
    pos_ += width;
    return v;
  }

  // An optional NAME prefix; returns "" when the element is unnamed.
  std::string name() {
    if (atEnd() || static_cast<uint8_t>(b_[pos_]) != kName)
      return {};
    ++pos_;
    return text(static_cast<size_t>(le(2)));
  }

  uint8_t peekCode() const {
    if (atEnd())
      fail("unexpected end of policy");
    return static_cast<uint8_t>(b_[pos_]);
  }
  // Name (if any) of the next element without consuming it.
  std::string peekName() {
    size_t saved = pos_;
    std::string n = name();
    pos_ = saved;
    return n;
  }

  void code(uint8_t want, const char *what) {
    uint8_t got = peekCode();
    if (got != want)
      fail(fmt::format("expected {} (type {}), found type {}", what, want, got));
    ++pos_;
  }

  uint16_t u16(const char *what) {
    code(kU16, what);
    return static_cast<uint16_t>(le(2));
  }
  uint32_t u32(const char *what) {
    code(kU32, what);
    return static_cast<uint32_t>(le(4));
  }
  uint64_t u64(const char *what) {
    code(kU64, what);
    return le(8);
  }
  // An ARRAY header; returns its element count.
  size_t array(const char *what) {
    code(kArray, what);
    return static_cast<size_t>(le(2));
  }
  std::string string(const char *what) {
    code(kString, what);
    size_t len = static_cast<size_t>(le(2));
    return text(len);
  }
  std::string_view blob(const char *what) {
    code(kBlob, what);
    size_t len = static_cast<size_t>(le(4));
    need(len);
    std::string_view out = b_.substr(pos_, len);
    pos_ += len;
    return out;
  }

  // Skips one element of any type (with its name), nested ones included.
  void skipElement(int depth = 0) {
    if (depth > kMaxNesting)
      fail("policy nests too deeply");
    name();
    uint8_t c = peekCode();
    ++pos_;
    switch (c) {
    case kU8: le(1); break;
    case kU16: le(2); break;
    case kU32: le(4); break;
    case kU64: le(8); break;
    case kString: text(static_cast<size_t>(le(2))); break;
    case kBlob: {
      size_t len = static_cast<size_t>(le(4));
      need(len);
      pos_ += len;
      break;
    }
    case kStruct: skipUntil(kStructEnd, depth); break;
    case kList: skipUntil(kListEnd, depth); break;
    case kArray: le(2); skipUntil(kArrayEnd, depth); break;
    default: --pos_; fail(fmt::format("unknown element type {}", c));
    }
  }

private:
  void need(size_t n) const {
    if (n > b_.size() - pos_)
      fail(fmt::format("truncated: {} more bytes needed, {} left", n, b_.size() - pos_));
  }
  // A length-prefixed string whose length counts its NUL.
  std::string text(size_t len) {
    need(len);
    if (len == 0 || b_[pos_ + len - 1] != '\0')
      fail("string without its terminating NUL");
    std::string s(b_.substr(pos_, len - 1));
    pos_ += len;
    return s;
  }
  void skipUntil(uint8_t end, int depth) {
    while (peekCode() != end || !peekName().empty())
      skipElement(depth + 1);
    ++pos_;
  }

  std::string_view b_;
  size_t pos_ = 0;
};

KernelDfa dfaFrom(Reader &r, std::string_view blob, const char *what) {
  TableError e;
  size_t blobStart = r.pos() - blob.size();
  auto d = readKernelDfa(blob, e);
  if (!d)
    throw Failure{blobStart + e.offset, fmt::format("{}: {}", what, e.message)};
  return std::move(*d);
}

// The element readers below take the element's name as already consumed.

std::vector<std::string> readXattrs(Reader &r) {
  r.code(kStruct, "xattrs struct");
  std::vector<std::string> names(r.array("xattrs array"));
  for (auto &n : names)
    n = r.string("xattr name");
  r.code(kArrayEnd, "end of xattrs array");
  r.code(kStructEnd, "end of xattrs");
  return names;
}

BlobRlimits readRlimits(Reader &r) {
  BlobRlimits out;
  r.code(kStruct, "rlimits struct");
  out.mask = r.u32("rlimits mask");
  out.limits.resize(r.array("rlimits array"));
  for (auto &l : out.limits)
    l = r.u64("rlimit");
  r.code(kArrayEnd, "end of rlimits array");
  r.code(kStructEnd, "end of rlimits");
  return out;
}

// One (allow, audit, quiet) triple of u16 per address family.
std::vector<BlobNetFamily> readNetAllowedAf(Reader &r) {
  std::vector<BlobNetFamily> out(r.array("net_allowed_af array"));
  for (auto &f : out) {
    f.allow = r.u16("network allow");
    f.audit = r.u16("network audit");
    f.quiet = r.u16("network quiet");
  }
  r.code(kArrayEnd, "end of net_allowed_af");
  return out;
}

BlobProfile readProfile(Reader &r) {
  BlobProfile p;
  if (r.name() != "version")
    r.fail("expected the 'version' of a profile record");
  p.version = r.u32("version");
  uint32_t abi = p.version & 0x3ff;
  if (abi < kMinAbi || abi > kMaxAbi)
    r.fail(fmt::format("policy version {:#x} (kernel ABI {}) is not one this reader knows (ABI {}..{})", p.version,
                       abi, kMinAbi, kMaxAbi));
  std::string n = r.name();
  if (n == "namespace") {
    p.ns = r.string("namespace");
    n = r.name();
  }
  if (n != "profile")
    r.fail("expected the 'profile' struct");
  r.code(kStruct, "profile struct");
  p.name = r.string("profile name");
  bool sawFlags = false;
  int unnamedU32 = 0;
  for (;;) {
    std::string name = r.peekName();
    if (name.empty() && r.peekCode() == kStructEnd) {
      r.code(kStructEnd, "end of profile");
      break;
    }
    if (name == "aadfa") {
      r.name();
      std::string_view blob = r.blob("aadfa");
      if (!sawFlags) {
        p.xmatch = dfaFrom(r, blob, "attachment DFA");
        if (r.peekName().empty() && r.peekCode() == kU32)
          p.xmatchLen = r.u32("xmatch length");
      } else {
        p.file = dfaFrom(r, blob, "file DFA");
      }
    } else if (name == "flags") {
      r.name();
      r.code(kStruct, "flags struct");
      p.hat = r.u32("hat flag");
      p.mode = r.u32("mode flag");
      p.audit = r.u32("audit flag");
      r.code(kStructEnd, "end of flags");
      sawFlags = true;
    } else if (name == "path_flags") {
      r.name();
      p.pathFlags = r.u32("path_flags");
    } else if (name.empty() && r.peekCode() == kU32 && sawFlags && unnamedU32 < 4) {
      p.caps[unnamedU32++] = r.u32("capabilities");
    } else if (name == "caps64") {
      r.name();
      r.code(kStruct, "caps64 struct");
      for (auto &c : p.caps64)
        c = r.u32("capabilities (high)");
      r.code(kStructEnd, "end of caps64");
    } else if (name == "policydb") {
      r.name();
      r.code(kStruct, "policydb struct");
      while (!(r.peekName().empty() && r.peekCode() == kStructEnd)) {
        if (r.peekName() == "aadfa") {
          r.name();
          std::string_view blob = r.blob("aadfa");
          p.policydb = dfaFrom(r, blob, "policy DFA");
        } else {
          r.skipElement();
        }
      }
      r.code(kStructEnd, "end of policydb");
    } else if (name == "xtable") {
      r.name();
      r.code(kStruct, "xtable struct");
      r.code(kArray, "xtable array");
      uint64_t count = r.le(2);
      for (uint64_t i = 0; i < count; ++i)
        p.xtable.push_back(r.string("xtable entry"));
      r.code(kArrayEnd, "end of xtable array");
      r.code(kStructEnd, "end of xtable");
    } else if (name == "xattrs") {
      r.name();
      p.xattrs = readXattrs(r);
    } else if (name == "rlimits") {
      r.name();
      p.rlimits = readRlimits(r);
    } else if (name == "net_allowed_af") {
      r.name();
      p.netAllowedAf = readNetAllowedAf(r);
    } else {
      r.skipElement();  // elements of newer parsers
    }
  }
  return p;
}

} // namespace

BlobReadResult readPolicyBlob(std::string_view bytes) {
  BlobReadResult out;
  Reader r(bytes);
  try {
    if (r.atEnd())
      r.fail("empty policy");
    while (!r.atEnd())
      out.profiles.push_back(readProfile(r));
  } catch (const Failure &f) {
    out.error = BlobError{f.offset, f.message};
  }
  return out;
}

} // namespace aasim::dfa

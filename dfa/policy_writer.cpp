#include "policy_writer.h"

#include <fmt/format.h>

#include <stdexcept>
#include <string_view>

namespace aasim::dfa {

namespace {

using namespace blob;

// 3.0.8's table-set header: magic, header size, total size, flags, then
// the version string "notflex" and an empty DFA name, zero-padded to 24.
constexpr std::string_view kHeaderName("notflex\0\0", 9);
constexpr size_t kHeaderFixed = 14;  // magic, hsize, ssize, flags

size_t pad8(size_t n) { return (n + 7) & ~size_t{7}; }

void putBe(std::string &out, uint32_t v, size_t width) {
  for (size_t i = width; i-- > 0;)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// One table: id, element width, hi length 0, element count, big-endian
// elements, zero-padded to 8 bytes (the last table too: th_ssize counts it).
template <typename Values>
void putTable(std::string &out, aadfa::TableId id, size_t width, const Values &values) {
  size_t start = out.size();
  putBe(out, id, 2);
  putBe(out, static_cast<uint32_t>(width), 2);
  putBe(out, 0, 4);
  putBe(out, static_cast<uint32_t>(values.size()), 4);
  for (auto v : values)
    putBe(out, static_cast<uint32_t>(v), width);
  out.resize(start + pad8(out.size() - start), '\0');
}

// DEF, NEXT and CHECK hold state numbers: u16 unless a state needs more.
size_t stateWidth(const KernelDfa &d) { return d.stateCount() <= 0x10000u ? 2 : 4; }

// The little-endian element stream of one profile record. Offsets of
// aligned blobs are taken relative to `recordStart_`, as 3.0.8 does.
class Out {
public:
  explicit Out(std::string &out) : out_(out), recordStart_(out.size()) {}

  void name(std::string_view n) {
    if (n.empty())
      return;
    out_.push_back(static_cast<char>(kName));
    counted(n, 2, "element name");
  }
  void u16(uint16_t v) { typed(kU16, v, 2); }
  void u32(uint32_t v, std::string_view n = {}) {
    name(n);
    typed(kU32, v, 4);
  }
  void u64(uint64_t v) { typed(kU64, v, 8); }
  // Lengths count the terminating NUL; the text may hold NULs of its own
  // (an xtable ":ns\0name" entry).
  void string(std::string_view s, std::string_view n = {}) {
    name(n);
    out_.push_back(static_cast<char>(kString));
    counted(s, 2, "string");
  }
  void structBegin(std::string_view n) {
    name(n);
    out_.push_back(static_cast<char>(kStruct));
  }
  void structEnd() { out_.push_back(static_cast<char>(kStructEnd)); }
  void arrayBegin(size_t count, std::string_view n = {}) {
    name(n);
    if (count > 0xffff)
      throw std::length_error(fmt::format("array of {} elements does not fit the policy format", count));
    typed(kArray, count, 2);
  }
  void arrayEnd() { out_.push_back(static_cast<char>(kArrayEnd)); }

  // An "aadfa" BLOB whose table set starts 8-byte aligned from the start
  // of the record: the zero padding is part of the blob and its length.
  void dfa(const KernelDfa &d) {
    std::string tables = writeKernelDfa(d);
    name("aadfa");
    out_.push_back(static_cast<char>(kBlob));
    size_t dataStart = out_.size() + 4 - recordStart_;
    size_t pad = pad8(dataStart) - dataStart;
    if (tables.size() + pad > 0xffffffffu)
      throw std::length_error("DFA does not fit the policy format");
    le(tables.size() + pad, 4);
    out_.append(pad, '\0');
    out_ += tables;
  }

private:
  void le(uint64_t v, size_t width) {
    for (size_t i = 0; i < width; ++i)
      out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void typed(Code c, uint64_t v, size_t width) {
    out_.push_back(static_cast<char>(c));
    le(v, width);
  }
  // Length (NUL included), bytes, NUL.
  void counted(std::string_view s, size_t width, const char *what) {
    if (s.size() + 1 > 0xffff)
      throw std::length_error(fmt::format("{} of {} bytes does not fit the policy format", what, s.size()));
    le(s.size() + 1, width);
    out_ += s;
    out_.push_back('\0');
  }

  std::string &out_;
  size_t recordStart_;
};

void writeFlags(Out &o, const BlobProfile &p) {
  o.structBegin("flags");
  o.u32(p.hat);
  o.u32(p.mode);
  o.u32(p.audit);
  o.structEnd();
}

void writeCaps(Out &o, const BlobProfile &p) {
  for (uint32_t c : p.caps)
    o.u32(c);
  o.structBegin("caps64");
  for (uint32_t c : p.caps64)
    o.u32(c);
  o.structEnd();
}

void writeXattrs(Out &o, const std::vector<std::string> &names) {
  o.structBegin("xattrs");
  o.arrayBegin(names.size());
  for (const auto &n : names)
    o.string(n);
  o.arrayEnd();
  o.structEnd();
}

void writeRlimits(Out &o, const BlobRlimits &r) {
  o.structBegin("rlimits");
  o.u32(r.mask);
  o.arrayBegin(r.limits.size());
  for (uint64_t l : r.limits)
    o.u64(l);
  o.arrayEnd();
  o.structEnd();
}

void writeNetAllowedAf(Out &o, const std::vector<BlobNetFamily> &families) {
  o.arrayBegin(families.size(), "net_allowed_af");
  for (const auto &f : families) {
    o.u16(f.allow);
    o.u16(f.audit);
    o.u16(f.quiet);
  }
  o.arrayEnd();
}

void writeXtable(Out &o, const std::vector<std::string> &xtable) {
  o.structBegin("xtable");
  o.arrayBegin(xtable.size());
  for (const auto &entry : xtable)
    o.string(entry);
  o.arrayEnd();
  o.structEnd();
}

// 3.0.8's element order; optional elements are written exactly when the
// reader found them (an xtable when it has entries, as 3.0.8 does).
void writeRecord(std::string &out, const BlobProfile &p) {
  Out o(out);
  o.u32(p.version, "version");
  if (p.ns)
    o.string(*p.ns, "namespace");
  o.structBegin("profile");
  o.string(p.name);
  if (p.xmatch) {
    o.dfa(*p.xmatch);
    o.u32(p.xmatchLen);
  }
  writeFlags(o, p);
  if (p.pathFlags)
    o.u32(*p.pathFlags, "path_flags");
  writeCaps(o, p);
  if (p.xattrs)
    writeXattrs(o, *p.xattrs);
  if (p.rlimits)
    writeRlimits(o, *p.rlimits);
  if (p.netAllowedAf)
    writeNetAllowedAf(o, *p.netAllowedAf);
  if (p.policydb) {
    o.structBegin("policydb");
    o.dfa(*p.policydb);
    o.structEnd();
  }
  if (p.file)
    o.dfa(*p.file);
  if (!p.xtable.empty())
    writeXtable(o, p.xtable);
  o.structEnd();
}

} // namespace

std::string writeKernelDfa(const KernelDfa &d) {
  std::string tables;
  const size_t w = stateWidth(d);
  putTable(tables, aadfa::kAccept, 4, d.accept);
  if (!d.accept2.empty())
    putTable(tables, aadfa::kAccept2, 4, d.accept2);
  if (d.equivClass)
    putTable(tables, aadfa::kEc, 1, *d.equivClass);
  putTable(tables, aadfa::kBase, 4, d.base);
  putTable(tables, aadfa::kDef, w, d.def);
  putTable(tables, aadfa::kNext, w, d.next);
  putTable(tables, aadfa::kCheck, w, d.check);

  const size_t hsize = pad8(kHeaderFixed + kHeaderName.size());
  std::string out;
  putBe(out, aadfa::kMagic, 4);
  putBe(out, static_cast<uint32_t>(hsize), 4);
  putBe(out, static_cast<uint32_t>(hsize + tables.size()), 4);
  putBe(out, d.headerFlags, 2);
  out += kHeaderName;
  out.resize(hsize, '\0');
  return out + tables;
}

std::string writePolicyBlob(const std::vector<BlobProfile> &profiles) {
  std::string out;
  for (const auto &p : profiles)
    writeRecord(out, p);
  return out;
}

} // namespace aasim::dfa

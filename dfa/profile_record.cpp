#include "profile_record.h"

#include "frontend/sema/sema.h"
#include "glob.h"
#include "network_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <type_traits>
#include <variant>

namespace aasim::dfa {

using namespace frontend;
using namespace frontend::ast;

RecordFeatures RecordFeatures::from(const Features &f) {
  RecordFeatures r;
  r.kernelAbi = f.has("policy/versions/v7") ? 7 : f.has("policy/versions/v6") ? 6 : 5;
  r.legacyNetwork = f.has("network") && !f.has("network_v8");
  r.xattrAttach = f.has("domain/attach_conditions/xattr") && f.has("policy/outofband");
  r.names = f;
  return r;
}

uint32_t RecordFeatures::versionWord() const {
  constexpr uint32_t kParserAbi = 2, kPolicyVersion = 2;
  if (kernelAbi <= 5)
    return kernelAbi;
  return (kPolicyVersion << 20) | (kParserAbi << 12) | kernelAbi;
}

std::array<uint32_t, 4> ProfileHeader::capsLow() const {
  return {static_cast<uint32_t>(caps.allowWord()), static_cast<uint32_t>(caps.auditWord()),
          static_cast<uint32_t>(caps.quietWord()), 0};
}

std::array<uint32_t, 4> ProfileHeader::capsHigh() const {
  return {static_cast<uint32_t>(caps.allowWord() >> 32), static_cast<uint32_t>(caps.auditWord() >> 32),
          static_cast<uint32_t>(caps.quietWord() >> 32), 0};
}

namespace {

constexpr uint64_t kRlimInfinity = std::numeric_limits<uint64_t>::max();
constexpr unsigned kRlimits = 16;  // RLIM_NLIMITS of 3.0.8's build

// strtoll with base 0, as 3.0.8 reads values: octal with a leading 0, the
// longest valid prefix ("08" is 0), LLONG_MAX on overflow.
long long leadingNumber(const std::string &text) { return std::strtoll(text.c_str(), nullptr, 0); }

// Microseconds per time unit (3.0.8's spellings; the frontend checked them).
std::optional<uint64_t> timeUnitUs(const std::string &unit) {
  static const std::map<std::string, uint64_t> kUnits = {
      {"us", 1}, {"microsecond", 1}, {"microseconds", 1}, {"ms", 1000}, {"millisecond", 1000},
      {"milliseconds", 1000}, {"s", 1000000}, {"sec", 1000000}, {"second", 1000000}, {"seconds", 1000000},
      {"min", 60000000ULL}, {"minute", 60000000ULL}, {"minutes", 60000000ULL}, {"h", 3600000000ULL},
      {"hour", 3600000000ULL}, {"hours", 3600000000ULL}, {"d", 86400000000ULL}, {"day", 86400000000ULL},
      {"days", 86400000000ULL}, {"week", 604800000000ULL}, {"weeks", 604800000000ULL}};
  auto it = kUnits.find(unit);
  if (it == kUnits.end())
    return std::nullopt;
  return it->second;
}

enum class LimitKind { Count, Nice, Size, Seconds, Microseconds };

struct LimitName {
  const char *name;
  unsigned index;  // Linux RLIMIT_* number
  LimitKind kind;
};

constexpr LimitName kLimits[] = {
    {"cpu", 0, LimitKind::Seconds},       {"fsize", 1, LimitKind::Size},      {"data", 2, LimitKind::Size},
    {"stack", 3, LimitKind::Size},        {"core", 4, LimitKind::Size},       {"rss", 5, LimitKind::Size},
    {"nproc", 6, LimitKind::Count},       {"nofile", 7, LimitKind::Count},    {"ofile", 7, LimitKind::Count},
    {"memlock", 8, LimitKind::Size},      {"as", 9, LimitKind::Size},         {"locks", 10, LimitKind::Count},
    {"sigpending", 11, LimitKind::Count}, {"msgqueue", 12, LimitKind::Size},  {"nice", 13, LimitKind::Nice},
    {"rtprio", 14, LimitKind::Count},     {"rttime", 15, LimitKind::Microseconds}};

// Mode flags and the flags struct's mode word (§6.2).
std::optional<uint32_t> modeWord(const std::string &flag) {
  if (flag == "enforce")
    return 0;
  if (flag == "complain")
    return 1;
  if (flag == "kill")
    return 2;
  // 6.0 packs default_allow as unconfined until the kernel has its own mode.
  if (flag == "unconfined" || flag == "default_allow")
    return 3;
  return std::nullopt;
}

// Path flags and the bits 3.0.8 writes for them. Every one of them makes
// the element present, even those that write no bit (namespace_relative,
// delegate_deleted, no_attach_disconnected, chroot_no_attach: 3.0.8's
// internal flag word is non-zero, the kernel's has nothing for them).
std::optional<uint32_t> pathFlagBits(const std::string &flag) {
  static const std::map<std::string, uint32_t> kBits = {
      {"attach_disconnected", 0x4},   {"chroot_relative", 0x8},      {"chroot_attach", 0x10},
      {"mediate_deleted", 0x10000},   {"namespace_relative", 0},     {"delegate_deleted", 0},
      {"no_attach_disconnected", 0},  {"chroot_no_attach", 0}};
  auto it = kBits.find(flag);
  if (it == kBits.end())
    return std::nullopt;
  return it->second;
}

// The part of a profile name after its last "//" (3.0.8's local_name): the
// xmatch of a name like `/a//b*` is built from `b*` alone.
std::string localName(const std::string &name) {
  std::string out = name;
  for (size_t at = out.find("//"); at != std::string::npos; at = out.find("//"))
    out = out.substr(at + 2);
  return out;
}

class HeaderBuilder {
public:
  HeaderBuilder(ProfileHeader &h, const RecordFeatures &f, std::string &error) : h_(h), f_(f), error_(error) {}

  bool body(const std::vector<Stmt> &stmts, const Prefix &outer) {
    for (const auto &s : stmts) {
      bool ok = std::visit(
          [&](const auto &node) -> bool {
            using T = std::decay_t<decltype(node)>;
            if constexpr (std::is_same_v<T, CapabilityRule>)
              return capability(node, combinePrefix(outer, node.prefix));
            else if constexpr (std::is_same_v<T, RlimitRule>)
              return rlimit(node);
            else if constexpr (std::is_same_v<T, ClassRule>)
              return node.cls == RuleClass::Network ? network(node, combinePrefix(outer, node.prefix))
                     : node.cls == RuleClass::Unix  ? unixRule(node, combinePrefix(outer, node.prefix))
                                                    : true;
            else if constexpr (std::is_same_v<T, PrefixBlock>)
              return body(node.body, combinePrefix(outer, node.prefix));
            else if constexpr (std::is_same_v<T, Conditional>)
              return body(node.body, outer);
            else if constexpr (std::is_same_v<T, AllRule>)
              return body(expandAll(node), outer);
            else
              return true;  // file rules go to the automata; child profiles have records of their own
          },
          s.node);
      if (!ok)
        return false;
    }
    return true;
  }

  void finishNetwork() {
    if (!netUsed_ || !f_.legacyNetwork)
      return;  // without the feature 3.0.8 warns "network rules not enforced" and writes nothing
    std::vector<BlobNetFamily> table(kNetworkFamilies);
    for (unsigned i = 0; i < kNetworkFamilies; ++i) {
      uint16_t allowed = net_[i].allow & ~net_[i].deny;
      table[i] = {allowed, static_cast<uint16_t>(allowed & net_[i].audit),
                  static_cast<uint16_t>(net_[i].deny & net_[i].quiet)};
    }
    h_.netAllowedAf = std::move(table);
  }

private:
  // allow/audit from allow rules; deny from deny rules, quiet unless the
  // deny rule is audited (observed: `audit deny capability setuid` is not
  // quiet, `deny capability chown` is).
  template <class T> static void apply(const Prefix &p, T bits, T &allow, T &deny, T &audit, T &quiet) {
    if (p.mode == RuleMode::Deny) {
      deny |= bits;
      if (!p.audit)
        quiet |= bits;
    } else {
      allow |= bits;
      if (p.audit)
        audit |= bits;
    }
  }

  bool capability(const CapabilityRule &r, const Prefix &p) {
    uint64_t bits = 0;
    if (r.names.empty()) {
      bits = ~0ULL;  // `capability,`: all 64 bits, whatever the feature set (observed)
    } else {
      for (const auto &w : r.names) {
        int n = sema::capabilityNumber(w.text, f_.names);
        if (n < 0 || n > 63) {
          error_ = fmt::format("Invalid capability {}.", w.text);
          return false;
        }
        n = backmappedCapability(w.text, n);
        bits |= 1ULL << n;
      }
    }
    apply(p, bits, h_.caps.allow, h_.caps.deny, h_.caps.audit, h_.caps.quiet);
    return true;
  }

  // Capabilities split out of sys_admin after it (perfmon and bpf in
  // Linux 5.8, checkpoint_restore in 5.9) stand for sys_admin when the
  // target kernel's caps/mask does not list them, as older kernels check
  // sys_admin for those operations (observed from 3.0.8, also without -M).
  int backmappedCapability(const std::string &name, int n) const {
    constexpr int kSysAdmin = 21;
    if (name != "perfmon" && name != "bpf" && name != "checkpoint_restore")
      return n;
    auto mask = f_.names.words("caps/mask");
    return std::find(mask.begin(), mask.end(), name) == mask.end() ? kSysAdmin : n;
  }

  bool rlimit(const RlimitRule &r) {
    auto v = rlimitValue(r);
    if (!v) {
      error_ = fmt::format("INVALID RLIMIT '{}'", r.name.text);
      return false;
    }
    if (!h_.rlimits)
      h_.rlimits = BlobRlimits{0, std::vector<uint64_t>(kRlimits, 0)};
    h_.rlimits->mask |= 1u << v->index;
    h_.rlimits->limits[v->index] = v->value;  // a later rule for the same limit wins
    return true;
  }

  bool network(const ClassRule &r, const Prefix &p) {
    netUsed_ = true;
    std::array<uint16_t, kNetworkFamilies> masks{};
    for (auto [fam, type] : networkEntries(r))
      if (fam < kNetworkFamilies && type < 16)
        masks[fam] |= static_cast<uint16_t>(1u << type);
    for (unsigned i = 0; i < kNetworkFamilies; ++i)
      apply<uint16_t>(p, masks[i], net_[i].allow, net_[i].deny, net_[i].audit, net_[i].quiet);
    return true;
  }

  // 3.0.8 also downgrades every unix rule into the legacy table: an allow
  // rule allows its socket type (all types without type=) on AF_UNIX; a
  // deny rule is dropped, since the coarser rule would deny too much, but
  // still makes the table present (observed).
  bool unixRule(const ClassRule &r, const Prefix &p) {
    netUsed_ = true;
    if (p.mode == RuleMode::Deny)
      return true;
    uint16_t mask = 0xffff;
    for (const auto &c : r.conds)
      if (c.name.text == "type" && c.values.size() == 1)
        if (auto t = socketTypeNumber(c.values[0].text))
          mask = static_cast<uint16_t>(1u << *t);
    constexpr unsigned kAfUnix = 1;
    net_[kAfUnix].allow |= mask;
    if (p.audit)
      net_[kAfUnix].audit |= mask;
    return true;
  }

  struct NetSets {
    uint16_t allow = 0, deny = 0, audit = 0, quiet = 0;
  };

  ProfileHeader &h_;
  const RecordFeatures &f_;
  std::string &error_;
  bool netUsed_ = false;
  std::array<NetSets, kNetworkFamilies> net_{};
};

} // namespace

std::optional<RlimitValue> rlimitValue(const RlimitRule &r) {
  const LimitName *limit = nullptr;
  for (const auto &l : kLimits)
    if (r.name.text == l.name)
      limit = &l;
  if (!limit)
    return std::nullopt;
  RlimitValue out{limit->index, 0};
  if (r.value.text == "infinity") {
    out.value = kRlimInfinity;
    return out;
  }
  long long n = leadingNumber(r.value.text);
  std::string unit = r.unit ? r.unit->text : "";
  switch (limit->kind) {
  case LimitKind::Count:
    out.value = static_cast<uint64_t>(n);
    break;
  case LimitKind::Nice:
    out.value = static_cast<uint64_t>(20 + n);  // observed: -20 -> 0, 0 -> 20, 19 -> 39
    break;
  case LimitKind::Size: {
    uint64_t scale = unit.empty() ? 1 : unit[0] == 'K' ? 1024ULL : unit[0] == 'M' ? 1024ULL * 1024 : 1024ULL << 20;
    out.value = static_cast<uint64_t>(n) * scale;
    break;
  }
  case LimitKind::Seconds:
  case LimitKind::Microseconds: {
    // Time values are read in microseconds; cpu's default unit is seconds
    // and it is stored in whole seconds (1500ms -> 1), rttime in us.
    bool seconds = limit->kind == LimitKind::Seconds;
    auto scale = unit.empty() ? std::optional<uint64_t>(seconds ? 1000000 : 1) : timeUnitUs(unit);
    if (!scale)
      return std::nullopt;
    uint64_t us = static_cast<uint64_t>(n) * *scale;
    out.value = seconds ? us / 1000000 : us;
    break;
  }
  }
  return out;
}

std::optional<ProfileHeader> profileHeader(const Profile &p, const ProfileHeader *parent,
                                           const VariableTable &vars, const RecordFeatures &features,
                                           const std::vector<std::pair<std::string, std::string>> &aliases,
                                           std::string &error) {
  ProfileHeader h;
  h.version = features.versionWord();
  ExpandError nameErr;
  std::string written = vars.expandWord(p.name.text, nameErr).value_or(p.name.text);
  std::string name = nameWithoutNamespace(written);
  if (!parent && name != written) {
    size_t end = written.find(':', 1);
    h.ns = written.substr(1, end - 1);
  }
  h.orderNs = parent ? parent->orderNs : h.ns;
  if (parent)
    h.path = parent->path;
  h.path.push_back(name);
  // 3.0.8 writes a child as its parent's own name, "//", its name: the
  // grandchild c of top//b is "b//c", not "top//b//c" (observed).
  h.recordName = parent && !parent->path.empty() ? parent->path.back() + "//" + name : name;
  h.hat = p.kind == ProfileKind::Hat ? 1 : 0;

  for (const auto &w : p.flags) {
    if (w.text == "audit") {
      h.audit = 1;
    } else if (auto m = modeWord(w.text)) {
      h.mode = *m;
    } else if (auto bits = pathFlagBits(w.text)) {
      h.pathFlags = h.pathFlags.value_or(0) | *bits;
    } else if (w.text.rfind("attach_disconnected.path=", 0) == 0) {
      // 6.0 writes attach_disconnected plus the path a disconnected object
      // is named under; 3.0.8's record holds only the flag.
      h.pathFlags = h.pathFlags.value_or(0) | 0x4;
      h.downgrades.push_back(fmt::format("profile flag '{}' kept as attach_disconnected: the apparmor_parser 3.0.8 "
                                         "record has no disconnected path",
                                         w.text));
    } else {
      error = fmt::format("profile flag '{}' has no apparmor_parser 3.0.8 encoding", w.text);
      return std::nullopt;
    }
  }

  HeaderBuilder builder(h, features, error);
  if (!builder.body(p.body, Prefix{}))
    return std::nullopt;
  builder.finishNetwork();

  // The attachment: the attachment glob (slashes filtered), else the local
  // part of the name (not filtered). A plain path without attachment or
  // xattrs attaches by string comparison and has no xmatch.
  std::string glob;
  if (p.attachment) {
    ExpandError err;
    glob = filterSlashes(vars.expandWord(p.attachment->text, err).value_or(p.attachment->text));
  } else {
    glob = localName(name);
  }
  std::string globError;
  auto converted = globToRegex(glob, globError);
  if (!converted) {
    error = fmt::format("profile {}: bad attachment '{}': {}", h.recordName, glob, globError);
    return std::nullopt;
  }
  // An alias whose FROM is a prefix of the attachment's text gives the
  // profile an alternate name with that prefix replaced (3.0.8 compares
  // the text, globs and all: `alias /{,usr/}bin/od -> /usr/bin/gnuod`
  // renames `/{,usr/}bin/odt2txt`). The xmatch then accepts either; its
  // tree is the name, then the alternates in descending alias order (3.0.8
  // prepends them while walking its sorted alias tree), which decides how
  // xmatch_len is counted.
  std::set<std::pair<std::string, std::string>> sorted(aliases.begin(), aliases.end());
  std::string regex = converted->regex;
  bool altnames = false;
  for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) {
    const auto &[from, to] = *it;
    if (from.empty() || glob.compare(0, from.size(), from) != 0)
      continue;
    std::string alternate = to + glob.substr(from.size());
    auto alt = globToRegex(alternate, globError);
    if (!alt) {
      error = fmt::format("profile {}: bad aliased attachment '{}': {}", h.recordName, alternate, globError);
      return std::nullopt;
    }
    regex += "|" + alt->regex;
    altnames = true;
  }
  // 3.0.8 lists xattrs in the reverse of the written order, takes each
  // value as written (variables are not expanded; its first value only)
  // and matches any value where none is given.
  if (p.xattrs && features.xattrAttach) {
    for (auto it = p.xattrs->conds.rbegin(); it != p.xattrs->conds.rend(); ++it) {
      const frontend::ast::Cond &c = *it;
      std::string value = c.op == frontend::ast::Cond::Op::Equals && !c.values.empty() ? c.values.front().text : "**";
      auto valueRegex = globToRegex(value, globError, GlobDialect::AllowNul);
      if (!valueRegex) {
        // 3.0.8 reports the bad glob but builds the attachment anyway from
        // a partial conversion; there is no faithful encoding to write.
        error = fmt::format("profile {}: xattr {} value '{}' is not a valid glob: {}", h.recordName, c.name.text,
                            value, globError);
        return std::nullopt;
      }
      h.xattrs.push_back({c.name.text, valueRegex->regex});
    }
  }
  // Without kernel support 3.0.8 drops the xattrs ("xattr attachment
  // conditional ignored") but still builds the xmatch they asked for.
  if (converted->type != PatternType::Basic || p.attachment || p.xattrs || altnames)
    h.xmatchRegex = regex;
  return h;
}

} // namespace aasim::dfa

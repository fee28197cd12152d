#include "policy_rules.h"

#include "glob.h"
#include "mount_rules.h"
#include "network_table.h"

#include <fmt/format.h>

#include <arpa/inet.h>

#include <algorithm>
#include <set>
#include <array>
#include <cstdlib>
#include <vector>
#include <string_view>

namespace aasim::dfa {

using namespace frontend;
using namespace frontend::ast;

PolicyFeatures PolicyFeatures::from(const Features &f) {
  PolicyFeatures p;
  p.policydb = f.has("policy/versions");
  p.fileMarker = f.has("policy/versions/v6") || f.has("policy/versions/v7");
  p.signal = f.has("signal");
  p.ptrace = f.has("ptrace");
  p.dbus = f.has("dbus");
  p.mount = f.has("mount");
  p.networkV8 = f.has("network_v8");
  p.networkInet = f.has("network_v8/af_inet");
  p.unixV7 = f.has("network/af_unix");
  p.stacking = f.has("domain/stack");
  return p;
}

std::optional<unsigned> signalNumber(const std::string &name) {
  static constexpr std::pair<std::string_view, unsigned> kSignals[] = {
      {"hup", 1},     {"int", 2},     {"quit", 3},   {"ill", 4},    {"trap", 5},    {"abrt", 6},   {"bus", 7},
      {"fpe", 8},     {"kill", 9},    {"usr1", 10},  {"segv", 11},  {"usr2", 12},   {"pipe", 13},  {"alrm", 14},
      {"term", 15},   {"stkflt", 16}, {"chld", 17},  {"cont", 18},  {"stop", 19},   {"stp", 20},   {"tstp", 20},
      {"ttin", 21},   {"ttou", 22},   {"urg", 23},   {"xcpu", 24},  {"xfsz", 25},   {"vtalrm", 26}, {"prof", 27},
      {"winch", 28},  {"io", 29},     {"poll", 29},  {"pwr", 30},   {"sys", 31},    {"emt", 32},   {"exists", 35}};
  constexpr unsigned kRtBase = 128;
  if (name.rfind("rtmin+", 0) == 0)
    return kRtBase + static_cast<unsigned>(std::strtoul(name.c_str() + 6, nullptr, 10));
  for (auto [n, v] : kSignals)
    if (n == name)
      return v;
  return std::nullopt;
}

namespace {

// Class bytes (kernel-semantics.md §3.3).
constexpr unsigned kClassFile = 0x02, kClassNet = 0x04, kClassMount = 0x07, kClassPtrace = 0x09;
constexpr unsigned kClassSignal = 0x0a, kClassNetV8 = 0x0e, kClassLabel = 0x10, kClassDbus = 0x20;

constexpr uint32_t kMayRead = 0x4;  // the permission of a "mediates" marker
constexpr const char *kAnyString = "[^\\x00]*";      // an absent conditional
constexpr const char *kAnyLabel = "[^\\x00]+";       // an absent peer label
constexpr const char *kAnyUnixAddress = ".*";        // any address, anonymous included
// The kernel's autobind addresses: NUL and five hex digits.
constexpr const char *kAutobindAddress = "\\x00[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]";

// Socket permission bits as rules name them (kernel-semantics.md §10.3).
constexpr uint32_t kNetSend = 0x2, kNetReceive = 0x4, kNetCreate = 0x10, kNetShutdown = 0x20, kNetConnect = 0x40;
constexpr uint32_t kNetSetattr = 0x100, kNetGetattr = 0x200, kNetAccept = 0x100000, kNetBind = 0x200000;
constexpr uint32_t kNetListen = 0x400000, kNetSetopt = 0x1000000, kNetGetopt = 0x2000000;
constexpr uint32_t kNetAll = kNetSend | kNetReceive | kNetCreate | kNetShutdown | kNetConnect | kNetSetattr |
                             kNetGetattr | kNetAccept | kNetBind | kNetListen | kNetSetopt | kNetGetopt;
constexpr uint32_t kNetPeer = kNetSend | kNetReceive | kNetConnect | kNetAccept;
constexpr uint32_t kNetLocal = kNetAll & ~(kNetSend | kNetReceive | kNetConnect);
constexpr uint32_t kNetOpt = kNetSetopt | kNetGetopt;
constexpr uint32_t kNetLocalCmd = kNetListen | kNetOpt;
constexpr unsigned kAfUnix = 1;
constexpr unsigned kCmdAddr = 1, kCmdListen = 2, kCmdOpt = 4;

// Socket permissions as stored in the DFA (apparmor_parser's map_perms):
// bits above the low seven are moved down so that they fit two halves.
uint32_t mapNetPerms(uint32_t p) {
  return (p & 0x7f) | ((p & (kNetSetattr | kNetGetattr)) << 6) | ((p & (kNetAccept | kNetBind | kNetListen)) >> 4) |
         ((p & kNetOpt) >> 5);
}

std::string hexByte(unsigned b) { return fmt::format("\\x{:02x}", b & 0xff); }
std::string be16(unsigned v) { return hexByte(v >> 8) + hexByte(v); }

// Mode letters of the rw-only classes: r reads/receives, w writes/sends.
uint32_t rwLetters(const std::string &word, uint32_t readBit, uint32_t writeBit) {
  uint32_t out = 0;
  for (char c : word) {
    if (c == 'r' || c == 'R')
      out |= readBit;
    else if (c == 'w' || c == 'W')
      out |= writeBit;
  }
  return out;
}

class Lowerer {
public:
  Lowerer(LoweringContext &cx, const PolicyFeatures &f, RuleSet &out, std::vector<std::string> &xtable)
      : cx_(cx), f_(f), writer_(out, cx.diags), xtable_(xtable) {}

  void markers() {
    RuleOrigin origin{{}, "(class marker)"};
    // 6.0 gives the markers priority 1001 (language-6.0.md §1.6), above any
    // user rule, so no rule decides the marker bit of the bare class state:
    // `priority=-1 audit umount,` then equals `audit umount,`. 3.0.8 has
    // no priorities; its markers merge with every rule.
    RuleFlag flag = allowFlag(kMayRead);
    if (cx_.version == LanguageVersion::V6_0)
      flag.priority = kMarkerPriority;
    auto marker = [&](const std::string &regex) { addFlag(regex, flag, origin); };
    // 6.0 marks no class mediated for unconfined and default_allow
    // profiles (3.0.8 marks them all the same).
    if (cx_.unconfinedMode && cx_.version == LanguageVersion::V6_0)
      return;
    if (f_.fileMarker)
      marker(hexByte(kClassFile));
    if (f_.mount)
      marker(hexByte(kClassMount));
    if (f_.dbus)
      marker(hexByte(kClassDbus));
    if (f_.signal)
      marker(hexByte(kClassSignal));
    if (f_.ptrace)
      marker(hexByte(kClassPtrace));
    if (f_.networkV8)
      marker(hexByte(kClassNetV8));
    if (f_.unixV7) {
      marker(hexByte(kClassNet));
      // 3.0.8 writes the unix sub-marker with an ASCII '4' for the class.
      marker("4\\x001");
    }
  }

  // Class rules count at the profile level and inside `if` blocks; inside
  // prefix blocks apparmor_parser keeps only file rules.
  void body(const std::vector<Stmt> &stmts) {
    for (const auto &s : stmts) {
      if (auto *r = std::get_if<ClassRule>(&s.node))
        classRule(*r);
      else if (auto *c = std::get_if<Conditional>(&s.node))
        body(c->body);
      else if (auto *all = std::get_if<AllRule>(&s.node))
        body(expandAll(*all));
    }
  }

private:
  static constexpr int kMarkerPriority = 1001;

  static RuleFlag allowFlag(uint32_t perms) {
    RuleFlag f;
    f.perms = perms;
    return f;
  }

  // A rule's flag: deny rules quiet their bits unless audited, allow rules
  // audit them only with `audit` (as for file rules).
  static RuleFlag flagFor(const Prefix &p, uint32_t perms) {
    RuleFlag f;
    f.priority = p.priority.value_or(0);
    f.mode = p.mode == RuleMode::Deny ? FlagMode::Deny : p.mode == RuleMode::Prompt ? FlagMode::Prompt : FlagMode::Allow;
    f.perms = perms;
    bool auditField = f.mode == FlagMode::Deny ? !p.audit : p.audit;
    f.audit = auditField ? perms : 0;
    return f;
  }

  void addFlag(const std::string &regex, const RuleFlag &flag, const RuleOrigin &origin) {
    writer_.add(regex, flag, origin, /*computeExact=*/false, false);
  }
  void add(const std::string &regex, const ClassRule &r, uint32_t perms) {
    if (perms)
      addFlag(regex, flagFor(r.prefix, perms), origin(r));
  }

  RuleOrigin origin(const ClassRule &r) const { return {r.loc, fmt::format("{} rule", ruleClassName(r.cls))}; }

  std::optional<std::string> expand(const Word &w) {
    ExpandError err;
    auto out = cx_.vars.expandWord(w.text, err, &cx_.automatic);
    if (!out)
      cx_.diags.error(w.loc, err.message);
    return out;
  }

  std::optional<std::string> pattern(const Word &w, GlobDialect dialect = GlobDialect::Default,
                                     bool filter = false, size_t skip = 0) {
    auto text = expand(w);
    if (!text)
      return std::nullopt;
    std::string glob = filter ? filterSlashes(*text) : *text;
    std::string err;
    auto conv = globToRegex(std::string_view(glob).substr(std::min(skip, glob.size())), err, dialect);
    if (!conv) {
      cx_.diags.error(w.loc, fmt::format("invalid pattern '{}': {}", glob, err));
      return std::nullopt;
    }
    return conv->regex;
  }

  static const Word *firstValue(const std::vector<Cond> &conds, std::string_view name) {
    for (const auto &c : conds)
      if (c.name.text == name && !c.values.empty())
        return &c.values.front();
    return nullptr;
  }
  const Word *peerValue(const ClassRule &r, std::string_view name) const {
    return r.condList ? firstValue(r.condList->conds, name) : nullptr;
  }

  void classRule(const ClassRule &r) {
    switch (r.cls) {
    case RuleClass::Signal:
      if (f_.signal)
        signal(r);
      break;
    case RuleClass::Ptrace:
      if (f_.ptrace)
        ptrace(r);
      break;
    case RuleClass::Dbus:
      if (f_.dbus)
        dbus(r);
      break;
    case RuleClass::Unix:
      unix(r);
      break;
    case RuleClass::Network:
      network(r);
      break;
    case RuleClass::Mount:
    case RuleClass::Remount:
    case RuleClass::Umount:
    case RuleClass::PivotRoot:
      if (f_.mount)
        mount(r);
      else if (r.cls == RuleClass::PivotRoot && r.target)
        transitionSlot(*r.target);  // 3.0.8 gives the target its slot all the same
      break;
    default:
      break;  // userns, mqueue, io_uring: not in 3.0.8's policy DFA
    }
  }

  void signal(const ClassRule &r) {
    uint32_t perms = 0;
    for (const auto &p : r.perms) {
      const std::string &t = p.word.text;
      if (!p.isMode && (t == "send" || t == "write"))
        perms |= 0x2;
      else if (!p.isMode && (t == "receive" || t == "read"))
        perms |= 0x4;
      else
        perms |= rwLetters(t, 0x4, 0x2);
    }
    if (r.perms.empty())
      perms = 0x6;
    std::vector<unsigned> signals;
    for (const auto &c : r.conds)
      if (c.name.text == "set")
        for (const auto &v : c.values)
          if (auto n = signalNumber(v.text))
            signals.push_back(*n);
    std::sort(signals.begin(), signals.end());
    signals.erase(std::unique(signals.begin(), signals.end()), signals.end());
    std::string re;
    if (signals.empty()) {
      // Without a signal set, a label-class string is generated as well.
      re = "(" + hexByte(kClassLabel) + hexByte(kClassSignal) + "|" + hexByte(kClassSignal) + ".)";
    } else {
      re = hexByte(kClassSignal) + "[";
      for (unsigned s : signals)
        re += hexByte(s);
      re += "]";
    }
    if (!appendLabel(re, firstValue(r.conds, "peer"), kAnyLabel))
      return;
    add(re, r, perms);
  }

  void ptrace(const ClassRule &r) {
    uint32_t perms = 0;
    for (const auto &p : r.perms) {
      const std::string &t = p.word.text;
      if (!p.isMode && (t == "trace" || t == "write"))
        perms |= 0x2;
      else if (!p.isMode && t == "read")
        perms |= 0x4;
      else if (!p.isMode && t == "tracedby")
        perms |= 0x8;
      else if (!p.isMode && t == "readby")
        perms |= 0x10;
      else
        perms |= rwLetters(t, 0x4, 0x2);
    }
    if (r.perms.empty())
      perms = 0x1e;
    std::string re = "(" + hexByte(kClassLabel) + "|)" + hexByte(kClassPtrace);
    if (!appendLabel(re, firstValue(r.conds, "peer"), kAnyLabel))
      return;
    add(re, r, perms);
  }

  bool appendLabel(std::string &re, const Word *label, const char *fallback) {
    if (!label) {
      re += fallback;
      return true;
    }
    auto p = pattern(*label);
    if (!p)
      return false;
    re += *p;
    return true;
  }

  void dbus(const ClassRule &r) {
    constexpr uint32_t kSend = 0x2, kReceive = 0x4, kEavesdrop = 0x20, kBind = 0x40;
    uint32_t perms = 0;
    for (const auto &p : r.perms) {
      const std::string &t = p.word.text;
      if (!p.isMode && t == "bind")
        perms |= kBind;
      else if (!p.isMode && (t == "send" || t == "write"))
        perms |= kSend;
      else if (!p.isMode && (t == "receive" || t == "read"))
        perms |= kReceive;
      else if (!p.isMode && t == "eavesdrop")
        perms |= kEavesdrop;
      else
        perms |= rwLetters(t, kReceive, kSend);
    }
    const Word *bus = firstValue(r.conds, "bus"), *name = firstValue(r.conds, "name");
    const Word *path = firstValue(r.conds, "path"), *iface = firstValue(r.conds, "interface");
    const Word *member = firstValue(r.conds, "member");
    const Word *peerName = peerValue(r, "name"), *peerLabel = peerValue(r, "label");
    bool serviceRule = name != nullptr;
    if (!name)
      name = peerName;
    bool messageRule = path || iface || member || peerName || peerLabel;
    if (r.perms.empty())
      perms = messageRule ? kSend | kReceive : serviceRule ? kBind : kSend | kReceive | kBind | kEavesdrop;
    std::array<const Word *, 6> words{bus, name, peerLabel, path, iface, member};
    std::array<std::string, 6> parts;
    for (size_t i = 0; i < words.size(); ++i) {
      if (!words[i]) {
        parts[i] = kAnyString;
        continue;
      }
      // Object paths have their slashes filtered (observed from 3.0.8;
      // upstream's equality suite has `path=/com///foo` equal to /com/foo).
      auto p = pattern(*words[i], GlobDialect::Default, /*filter=*/words[i] == path);
      if (!p)
        return;
      parts[i] = *p;
    }
    auto joined = [&](size_t n) {
      std::string re = hexByte(kClassDbus) + parts[0];
      for (size_t i = 1; i < n; ++i)
        re += "\\x00" + parts[i];
      return re;
    };
    add(joined(2), r, perms & kBind);
    add(joined(6), r, perms & (kSend | kReceive));
    add(joined(1), r, perms & kEavesdrop);
  }

  static uint32_t socketPerms(const ClassRule &r) {
    static constexpr std::pair<std::string_view, uint32_t> kNamed[] = {
        {"create", kNetCreate},   {"bind", kNetBind},       {"listen", kNetListen},   {"accept", kNetAccept},
        {"connect", kNetConnect}, {"shutdown", kNetShutdown}, {"getattr", kNetGetattr}, {"setattr", kNetSetattr},
        {"getopt", kNetGetopt},   {"setopt", kNetSetopt},   {"send", kNetSend},       {"write", kNetSend},
        {"receive", kNetReceive}, {"read", kNetReceive}};
    uint32_t perms = 0;
    for (const auto &p : r.perms) {
      auto named = std::find_if(std::begin(kNamed), std::end(kNamed),
                                [&](const auto &n) { return n.first == p.word.text; });
      if (!p.isMode && named != std::end(kNamed))
        perms |= named->second;
      else
        perms |= rwLetters(p.word.text, kNetReceive, kNetSend);
    }
    return r.perms.empty() ? kNetAll : perms;
  }

  // The address part of a unix string and its NUL terminator.
  std::optional<std::string> unixAddress(const Word *addr) {
    if (!addr)
      return std::string(kAnyUnixAddress) + "\\x00";
    auto text = expand(*addr);
    if (!text)
      return std::nullopt;
    if (*text == "none")
      return std::string("\\x01\\x00");
    if (*text == "auto")
      return std::string(kAutobindAddress) + "\\x00";
    // Abstract addresses start with NUL in the kernel; `*` may match NUL.
    auto p = pattern(*addr, GlobDialect::AllowNul, /*filter=*/true, /*skip=*/1);
    if (!p)
      return std::nullopt;
    return "\\x00" + *p + "\\x00";
  }

  // A unix rule, as written or implied by a network rule on AF_UNIX.
  struct UnixSpec {
    uint32_t perms = kNetAll;
    // 3.0.8 takes each string's audit (or quiet) bits from this field and
    // the string's own mask, not from the permissions left to grant there.
    uint32_t auditField = 0;
    std::optional<unsigned> type;
    const Word *addr = nullptr, *peerAddr = nullptr, *peerLabel = nullptr;
  };

  void unix(const ClassRule &r) {
    UnixSpec u;
    u.perms = socketPerms(r);
    if (const Word *t = firstValue(r.conds, "type"))
      u.type = socketTypeNumber(t->text);
    // Allow rules are also written as coarse `network unix [type]` rules.
    // Without a type, each of the 16 types a type mask can hold.
    if (f_.networkV8 && r.prefix.mode != RuleMode::Deny)
      for (unsigned t = 0; t < 16; ++t)
        if (!u.type || *u.type == t)
          add(hexByte(kClassNetV8) + be16(1) + be16(t), r, mapNetPerms(kNetAll));
    bool audits = r.prefix.mode == RuleMode::Deny ? !r.prefix.audit : r.prefix.audit;
    u.auditField = audits ? u.perms : 0;
    u.addr = firstValue(r.conds, "addr");
    u.peerAddr = peerValue(r, "addr");
    u.peerLabel = peerValue(r, "label");
    unixStrings(u, r);
  }

  void unixStrings(const UnixSpec &u, const ClassRule &r) {
    if (!f_.unixV7)
      return;
    auto add = [&](const std::string &regex, const ClassRule &rule, uint32_t perms, uint32_t stringMask) {
      if (!perms)
        return;
      RuleFlag f = flagFor(rule.prefix, 0);
      f.perms = mapNetPerms(perms);
      f.audit = mapNetPerms(u.auditField & stringMask);
      addFlag(regex, f, origin(rule));
    };
    const bool hasPeer = u.peerAddr || u.peerLabel;
    // 3.0.8 writes unix strings under the network_v8 class when it exists.
    std::string prefix =
        hexByte(f_.networkV8 ? kClassNetV8 : kClassNet) + be16(1) + (u.type ? be16(*u.type) : "..") + "..";
    uint32_t mask = u.perms;
    if ((mask & kNetCreate) && !hasPeer) {
      add(prefix, r, kNetCreate, kNetCreate);
      mask &= ~kNetCreate;
    }
    std::optional<std::string> addrText;
    if (u.addr)
      addrText = expand(*u.addr);
    if ((mask & kNetBind) && (!u.addr || addrText == "auto")) {
      // Binding to an automatic address: an empty address.
      add(prefix + "\\x00" + kAnyString + "\\x00", r, kNetBind, kNetBind);
      if (u.addr)
        mask &= ~kNetBind;
    }
    std::string re = prefix;
    if (mask) {
      auto local = unixAddress(u.addr);
      if (!local)
        return;
      re += *local + kAnyString + "\\x00";
      uint32_t localMask = hasPeer ? kNetAccept : kNetLocal & ~kNetLocalCmd;
      add(re, r, mask & localMask, localMask);
      if ((mask & kNetListen) && !hasPeer)
        add(re + hexByte(kCmdListen) + "..", r, kNetListen, kNetListen);
      if ((mask & kNetOpt) && !hasPeer)
        add(re + hexByte(kCmdOpt) + "..", r, mask & kNetOpt, kNetOpt);
      mask &= ~kNetLocal | kNetAccept;
    }
    if (mask & kNetPeer) {
      auto peer = unixAddress(u.peerAddr);
      if (!peer)
        return;
      re += hexByte(kCmdAddr) + *peer;
      if (!appendLabel(re, u.peerLabel, kAnyString))
        return;
      add(re, r, u.perms & kNetPeer, kNetAll);  // 3.0.8 audits every bit here
    }
  }

  static bool isOptionsCond(const Cond &c) { return c.name.text == "options" || c.name.text == "option"; }
  static bool isFstypeCond(const Cond &c) { return c.name.text == "fstype" || c.name.text == "vfstype"; }

  void mount(const ClassRule &r) {
    MountSpec spec;
    spec.kind = r.cls == RuleClass::Remount  ? MountKind::Remount
                : r.cls == RuleClass::Umount ? MountKind::Umount
                : r.cls == RuleClass::PivotRoot ? MountKind::PivotRoot
                                                : MountKind::Mount;
    // mount's positional word is the source and `-> path` the mount
    // point; the other forms name the mount point (new root) directly.
    const Word *point = nullptr, *device = nullptr;
    if (spec.kind == MountKind::Mount) {
      device = r.ids.empty() ? nullptr : &r.ids.front();
      point = r.target ? &*r.target : nullptr;
    } else {
      point = r.ids.empty() ? nullptr : &r.ids.front();
    }
    if (spec.kind == MountKind::PivotRoot) {
      // Only the last conditional written counts (the frontend checks it).
      if (!r.conds.empty() && !r.conds.back().values.empty())
        device = &r.conds.back().values.front();
    }
    // 3.0.8 gives a pivot_root target a slot of the profile's one
    // transition table, after the file rules' targets, and writes the slot
    // into an allow rule's permission word as an exec transition would be
    // (nibble 4 + slot at bit 10; observed: `pivot_root /a -> foo,` alone
    // gives 0x1001). The kernel does not act on it yet, but it is policy.
    uint32_t transition = 0;
    if (spec.kind == MountKind::PivotRoot && r.target) {
      auto slot = transitionSlot(*r.target);
      if (!slot)
        return;
      if (r.prefix.mode != RuleMode::Deny)
        transition = (*slot + 4) << 10;
    }
    // 6.0 reads the source `detached` (a detached mount tree, from
    // open_tree()) as the empty device name (language-6.0.md §4.8).
    if (spec.kind == MountKind::Mount && device && device->text == "detached" &&
        cx_.version == LanguageVersion::V6_0) {
      spec.device = std::string();
      device = nullptr;
    }
    // Paths and devices have their slashes filtered, as file paths do.
    for (auto [word, slot] : {std::pair{point, &spec.mountPoint}, std::pair{device, &spec.device}}) {
      if (!word)
        continue;
      auto p = pattern(*word, GlobDialect::Default, /*filter=*/true);
      if (!p)
        return;
      *slot = *p;
    }
    for (const auto &c : r.conds) {
      if (isFstypeCond(c)) {
        for (const auto &v : c.values) {
          auto p = pattern(v);
          if (!p)
            return;
          spec.fstypes.push_back(*p);
        }
      } else if (isOptionsCond(c)) {
        auto &words = c.op == Cond::Op::In ? spec.optionalOptions : spec.requiredOptions;
        for (const auto &v : c.values)
          words.push_back(v.text);
      }
    }
    for (const auto &m : mountStrings(spec)) {
      RuleFlag f = flagFor(r.prefix, m.perms);
      f.perms |= transition;  // not audited: only the permission bits are
      f.audit |= m.extraAudit;
      addFlag(m.regex, f, origin(r));
    }
  }

  // The slot of a transition target: its text as written in 3.0.8 (like
  // file rules' targets), expanded in 6.0; equal names share a slot.
  std::optional<uint32_t> transitionSlot(const Word &target) {
    std::optional<std::string> name = target.text;
    if (cx_.version == LanguageVersion::V6_0)
      name = expand(target);
    if (!name)
      return std::nullopt;
    for (size_t i = 0; i < xtable_.size(); ++i)
      if (xtable_[i] == *name)
        return static_cast<uint32_t>(i);
    if (xtable_.size() >= kMaxNamedTransitions) {
      cx_.diags.error(target.loc, "too many specified profile transitions");
      return std::nullopt;
    }
    xtable_.push_back(*name);
    return static_cast<uint32_t>(xtable_.size() - 1);
  }

  // The address conditions of one side of a fine-grained inet rule.
  struct InetSide {
    const Word *ip = nullptr, *port = nullptr, *label = nullptr;
  };
  static InetSide inetSide(const std::vector<Cond> &conds) {
    InetSide s;
    for (const auto &c : conds) {
      if (c.values.empty())
        continue;
      if (c.name.text == "ip")
        s.ip = &c.values.front();
      else if (c.name.text == "port")
        s.port = &c.values.front();
      else if (c.name.text == "label" || c.name.text == "peer")
        s.label = &c.values.front();
    }
    return s;
  }

  // A 16-bit range [from, to] as big-endian byte ranges.
  static std::string be16Range(unsigned from, unsigned to) {
    auto byteRange = [](unsigned a, unsigned b) {
      return a == b ? hexByte(a) : fmt::format("[{}-{}]", hexByte(a), hexByte(b));
    };
    unsigned fh = from >> 8, th = to >> 8;
    if (fh == th)
      return hexByte(fh) + byteRange(from & 0xff, to & 0xff);
    std::vector<std::string> alts{hexByte(fh) + byteRange(from & 0xff, 0xff)};
    if (th > fh + 1)
      alts.push_back(byteRange(fh + 1, th - 1) + "[\\x00-\\xff]");
    alts.push_back(hexByte(th) + byteRange(0, to & 0xff));
    std::string out = "(";
    for (size_t i = 0; i < alts.size(); ++i)
      out += (i ? "|" : "") + alts[i];
    return out + ")";
  }

  // port: a type byte (0 unprivileged, 1 privileged below 1024, 2 remote
  // for the peer) and the port big-endian; a local range crossing 1024 is
  // split by privilege (language-6.0.md §4.6). Absent: any three bytes.
  static std::string inetPort(const Word *port, bool peer) {
    if (!port)
      return "...";
    const std::string &v = port->text;
    size_t dash = v.find('-');
    unsigned from = static_cast<unsigned>(std::strtoul(v.c_str(), nullptr, 10));
    unsigned to = dash == std::string::npos ? from : static_cast<unsigned>(std::strtoul(v.c_str() + dash + 1, nullptr, 10));
    if (peer)
      return "(\\x02" + be16Range(from, to) + ")";
    std::vector<std::string> alts;
    if (from < 1024)
      alts.push_back("\\x01" + be16Range(from, std::min(to, 1023u)));
    if (to >= 1024)
      alts.push_back("\\x00" + be16Range(std::max(from, 1024u), to));
    return alts.size() == 1 ? "(" + alts[0] + ")" : "(" + alts[0] + "|" + alts[1] + ")";
  }

  // ip: a size byte (0 none, 1 IPv4, 2 IPv6) and the address; absent: any.
  static std::string inetIp(const Word *ip) {
    if (!ip)
      return "(\\x00|\\x01....|\\x02................)";
    if (ip->text == "none")
      return "\\x00";
    unsigned char addr[16];
    std::string out;
    if (inet_pton(AF_INET, ip->text.c_str(), addr) == 1) {
      out = "\\x01";
      for (int i = 0; i < 4; ++i)
        out += hexByte(addr[i]);
    } else if (inet_pton(AF_INET6, ip->text.c_str(), addr) == 1) {
      out = "\\x02";
      for (int i = 0; i < 16; ++i)
        out += hexByte(addr[i]);
    }
    return out;
  }

  // 6.0's fine-grained encoding of one inet/inet6 entry with network_v8/
  // af_inet (language-6.0.md §4.6): the family/type state continues the
  // match (create is decided there), then the protocol, then the local
  // port and address (and label); permissions on the peer go after the
  // peer's port, address and label, \x01, and the local address; listen
  // and the socket options after a command byte.
  void inetStrings(const ClassRule &r, unsigned fam, std::optional<unsigned> type, uint32_t perms) {
    constexpr uint32_t kContMatch = 0x10000000;  // the accept bit the 6.0 parser writes
    InetSide local = inetSide(r.conds);
    InetSide peer = r.condList ? inetSide(r.condList->conds) : InetSide{};
    bool hasPeer = r.condList && (peer.ip || peer.port || peer.label);
    std::string c = hexByte(kClassNetV8) + be16(fam) + (type ? be16(*type) : std::string(".."));
    add(c, r, kContMatch | (perms & kNetCreate));
    std::string p = c + "..";
    std::string localAddr = inetPort(local.port, false) + inetIp(local.ip);
    std::string localEnd = p + localAddr + "\\x00";
    uint32_t localPerms = perms & ~(hasPeer ? kNetPeer : 0u);
    if (local.label) {
      add(localEnd, r, kContMatch);
      auto l = pattern(*local.label);
      if (!l)
        return;
      localEnd += *l + "\\x00";
    }
    add(localEnd, r, mapNetPerms(localPerms & ~kNetLocalCmd));
    if (localPerms & kNetListen)
      add(localEnd + "\\x02..", r, mapNetPerms(kNetListen));
    if (localPerms & kNetOpt)
      add(localEnd + "\\x04....", r, mapNetPerms(localPerms & kNetOpt));
    if (!(perms & kNetPeer))
      return;
    std::string peerPart = p + inetPort(peer.port, true) + inetIp(peer.ip) + "\\x00";
    add(peerPart, r, kContMatch);
    std::string label = kAnyString;
    if (peer.label) {
      auto l = pattern(*peer.label);
      if (!l)
        return;
      label = *l;
    }
    peerPart += label + "\\x00";
    add(peerPart, r, kContMatch);
    add(peerPart + "\\x01" + localAddr + "\\x00", r, mapNetPerms(perms & kNetPeer));
  }

  // One string per family and socket type (network_table.h).
  void network(const ClassRule &r) {
    // 6.0 encodes ip=, port= and peer=(...) for inet families when the
    // kernel has network_v8/af_inet (language-6.0.md §4.6); without
    // af_inet, 6.0 drops the conditions itself.
    if (f_.networkInet && f_.networkV8 && cx_.version == LanguageVersion::V6_0 && (!r.conds.empty() || r.condList)) {
      const uint32_t perms = socketPerms(r);
      std::set<std::pair<unsigned, std::optional<unsigned>>> entries;
      if (r.ids.empty()) {
        for (unsigned fam : {2u, 10u})
          entries.insert({fam, std::nullopt});
      } else {
        for (auto [fam, type] : networkEntries(r))
          if (fam == 2 || fam == 10)
            entries.insert({fam, type});
      }
      for (const auto &[fam, type] : entries)
        inetStrings(r, fam, type, perms);
      return;
    }
    std::vector<std::pair<unsigned, unsigned>> entries = networkEntries(r);
    // An unqualified audit or deny rule covers every type of a family
    // (observed from 3.0.8; a plain `network,` covers the 16 of a mask).
    const bool anyType = r.ids.empty() && (r.prefix.audit || r.prefix.mode == RuleMode::Deny);
    if (f_.networkV8 && anyType) {
      for (unsigned fam = 0; fam < kNetworkFamilies; ++fam)
        add(hexByte(kClassNetV8) + be16(fam) + "..", r, mapNetPerms(kNetAll));
    } else if (f_.networkV8) {
      for (auto [fam, type] : entries)
        add(hexByte(kClassNetV8) + be16(fam) + be16(type), r, mapNetPerms(kNetAll));
    }
    // 3.0.8 also makes each AF_UNIX entry a unix rule without conditionals.
    for (auto [fam, type] : entries)
      if (fam == kAfUnix) {
        UnixSpec u;
        // Here the field is the rule's audit flag: all permissions or none.
        u.auditField = r.prefix.audit ? kNetAll : 0;
        if (!r.ids.empty())
          u.type = type;
        unixStrings(u, r);
      }
  }

  LoweringContext &cx_;
  const PolicyFeatures &f_;
  RuleSetWriter writer_;
  std::vector<std::string> &xtable_;  // the profile's, shared with its file rules
};

} // namespace

RuleSet lowerPolicyRules(const std::vector<Stmt> &body, LoweringContext &cx, const PolicyFeatures &features,
                         std::vector<std::string> &xtable) {
  RuleSet out;
  Lowerer lowerer(cx, features, out, xtable);
  lowerer.markers();
  lowerer.body(body);
  return out;
}

} // namespace aasim::dfa

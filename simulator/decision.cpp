#include "decision.h"

#include "exec.h"
#include "kernel_checks.h"
#include "kernel_perms.h"

#include "dfa/policy_compiler.h"

#include <fmt/format.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace aasim::simulator {

namespace {

// Policy-automaton classes (kernel-semantics.md §3.3).
constexpr uint8_t kClassMount = 7, kClassPtrace = 9, kClassSignal = 10, kClassNet = 14, kClassLabel = 16,
                  kClassPosixMqueue = 17, kClassSysvMqueue = 18, kClassNs = 21, kClassIoUring = 22, kClassDbus = 32;
constexpr uint8_t kClassUnixV7 = 4;  // unix strings for kernels without network_v8
constexpr uint32_t kInetContinue = 0x10000000;  // the 6.0 parser's continue bit on a family/type state
constexpr unsigned kAfUnix = 1, kAfInet = 2, kAfInet6 = 10;
constexpr char kCmdAddr = 1, kCmdListen = 2, kCmdOpt = 4;  // the command byte of unix/inet socket strings
constexpr uint32_t kMayMount = 0x2, kMayUmount = 0x4, kMayPivotRoot = 0x1, kMountContinue = 0x40;

struct ParsedLabel {
  std::optional<std::string> ns;
  std::string_view name;  // within the label parsed
};

// ":ns:name", "name", "name (enforce)" (as /proc/*/attr/current shows it).
ParsedLabel parseLabel(std::string_view label) {
  ParsedLabel out;
  if (size_t sp = label.rfind(" ("); sp != std::string_view::npos && label.back() == ')')
    label = label.substr(0, sp);
  if (label.size() > 1 && label[0] == ':') {
    size_t end = label.find(':', 1);
    if (end != std::string_view::npos) {
      out.ns = std::string(label.substr(1, end - 1));
      label = label.substr(end + 1);
      if (label.rfind("//", 0) == 0)
        label.remove_prefix(2);
    }
  }
  out.name = label;
  return out;
}

// The rules of a set whose regex matches `input` on their own and whose
// permissions (as the kernel reads them, `kernelBits`) concern `request`.
template <class ToKernel>
void attribute(const dfa::RuleSet &set, const std::optional<dfa::Dfa> &automaton, const std::string &input,
               uint32_t request, ToKernel kernelBits, Decision &d) {
  for (size_t i : dfa::rulesMatching(set, input, automaton ? &*automaton : nullptr)) {
    const dfa::RuleFlag &f = set.flags[set.rules[i].flag];
    if (request && !(kernelBits(f.perms) & request))
      continue;
    d.rules.push_back({set.origins[i], f.mode == dfa::FlagMode::Deny});
  }
}

class Decider {
public:
  Decider(const LoadedPolicy &policy, const DecideOptions &options) : policy_(policy), options_(options) {}

  Decision operator()(const std::string &label, const Request &request) {
    if (label.find("//&") != std::string::npos)
      return decideStack(label, request);
    ParsedLabel l = parseLabel(label);
    const LoadedProfile *profile = l.name == "unconfined" ? nullptr : policy_.find(l.name, l.ns);
    Decision d;
    d.profile = profile ? profile->name : "unconfined";
    explain_ = options_.explain;
    if (!profile && l.name != "unconfined") {
      d.info = fmt::format("profile '{}' is not loaded; treated as unconfined", l.name);
    }
    if (const auto *exec = std::get_if<ExecRequest>(&request)) {
      Decision e = decideExec(policy_, confined(profile) ? profile : nullptr, l.ns, *exec, options_);
      if (!d.info.empty() && e.info.empty())
        e.info = d.info;
      return e;
    }
    d.operation = operationOf(request);
    if (!confined(profile))
      return d;  // unconfined: nothing is mediated
    std::visit([&](const auto &r) { decideOne(*profile, r, d); }, request);
    return d;
  }

private:
  static bool confined(const LoadedProfile *p) { return p && p->mode != ProfileMode::Unconfined; }

  // A stack of profiles (`a//&b`, what an exec to `&b` leads to): every
  // profile decides, each as if alone; the request is denied when any
  // denies. Each profile that logs writes its own record: the first is the
  // decision's, the others follow it. An exec leads to the stack of where
  // each profile's exec leads.
  Decision decideStack(const std::string &label, const Request &request) {
    std::vector<std::string> parts = stackedLabelParts(label);
    std::vector<Decision> each;
    for (const auto &part : parts)
      each.push_back((*this)(part, request));
    auto logs = [](const Decision &one) { return one.log != LogKind::None; };
    auto first = std::find_if(each.begin(), each.end(), logs);
    Decision d = first == each.end() ? each.front() : *first;
    if (first == each.end())
      d.profile = label;
    std::vector<std::string> targets;
    for (auto it = each.begin(); it != each.end(); ++it) {
      if (it != first && logs(*it))
        d.following.push_back({it->profile, it->operation, it->log, it->requested, it->denied});
      if (it->verdict == Verdict::Deny && d.verdict == Verdict::Allow) {
        d.verdict = Verdict::Deny;
        d.error = it->error;
      }
      if (it != first)
        d.rules.insert(d.rules.end(), it->rules.begin(), it->rules.end());
      if (it->transition)
        targets.push_back(it->transition->target);
    }
    if (std::holds_alternative<ExecRequest>(request)) {
      if (d.verdict == Verdict::Deny || targets.size() != parts.size())
        d.transition.reset();
      else
        d.transition->target = stackedLabel(std::move(targets));
    }
    return d;
  }

  static std::string operationOf(const Request &r) {
    return std::visit(
        [](const auto &x) -> std::string {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, FileRequest> || std::is_same_v<T, NetworkRequest>)
            return x.operation;
          else if constexpr (std::is_same_v<T, LinkRequest>)
            return "link";
          else if constexpr (std::is_same_v<T, RenameRequest>)
            return "rename";
          else if constexpr (std::is_same_v<T, CapabilityRequest>)
            return "capable";
          else if constexpr (std::is_same_v<T, SignalRequest>)
            return "signal";
          else if constexpr (std::is_same_v<T, PtraceRequest>)
            return "ptrace";
          else if constexpr (std::is_same_v<T, MountRequest>)
            return x.kind == MountRequest::Kind::Mount    ? "mount"
                   : x.kind == MountRequest::Kind::Umount ? "umount"
                                                          : "pivotroot";
          else if constexpr (std::is_same_v<T, DbusRequest>)
            return "dbus";
          else if constexpr (std::is_same_v<T, ChangeProfileRequest>)
            return x.onexec ? "change_onexec" : "change_profile";
          else if constexpr (std::is_same_v<T, ChangeHatRequest>)
            return "change_hat";
          else if constexpr (std::is_same_v<T, UsernsRequest>)
            return "userns_create";
          else if constexpr (std::is_same_v<T, IoUringRequest>)
            return x.sqpoll ? "uring_sqpoll" : "uring_override";
          else if constexpr (std::is_same_v<T, MqueueRequest>)
            return x.posix ? "posix_mqueue" : "sysv_mqueue";
          else
            return "exec";
        },
        r);
  }

  void attributeFile(const LoadedProfile &p, const std::string &input, uint32_t request, bool owner,
                            Decision &d) {
    if (!p.sources || !explain_)
      return;
    attribute(p.sources->fileRules, p.sources->fileDfa, input, request & ~perm::kGetattr,
              [owner](uint32_t bits) { return filePerms(bits, 0, owner).allow; }, d);
  }
  void attributePolicy(const LoadedProfile &p, const std::string &input, uint32_t request, Decision &d) {
    if (!p.sources || !explain_)
      return;
    attribute(p.sources->policyRules, p.sources->policyDfa, input, request,
              [abi = p.abi](uint32_t bits) { return policyPerms(bits, 0, abi).allow; }, d);
  }

  static Perms fileLookup(const LoadedProfile &p, const std::string &path, bool owner) {
    return p.file ? filePermsAt(*p.file, p.fileState(path), owner) : filePerms(0, 0, owner);
  }

  void fileCheck(const LoadedProfile &p, const std::string &path, uint32_t mask, bool owner, Decision &d) {
    Perms perms = fileLookup(p, path, owner);
    applyCheck(checkFile(p, perms, mask, options_.auditMode), mask, d);
    if (p.sources)
      attributeFile(p, path, mask, owner, d);
  }

  void decideOne(const LoadedProfile &p, const FileRequest &r, Decision &d) {
    if (r.operation == "open" && (r.mask & perm::kCreate)) {
      // security_path_mknod comes before the open's own check.
      fileCheck(p, r.path, perm::kCreate, true, d);
      if (d.verdict == Verdict::Deny) {
        d.operation = "mknod";
        return;
      }
      if (d.log != LogKind::None) {
        // The creation's record, then the open's check and its record.
        Decision open;
        fileCheck(p, r.path, r.mask, r.owner, open);
        d.operation = "mknod";
        d.verdict = open.verdict;
        d.error = open.error;
        for (const RuleRef &rule : open.rules) {  // the open's rules the creation did not name
          auto same = [&](const RuleRef &r) {
            return r.origin.loc.file == rule.origin.loc.file && r.origin.loc.offset == rule.origin.loc.offset;
          };
          if (std::none_of(d.rules.begin(), d.rules.end(), same))
            d.rules.push_back(rule);
        }
        if (open.log != LogKind::None)
          d.following.push_back({d.profile, r.operation, open.log, open.requested, open.denied});
        return;
      }
      d.rules.clear();
    }
    fileCheck(p, r.path, r.mask, r.owner, d);
  }

  void decideOne(const LoadedProfile &p, const RenameRequest &r, Decision &d) {
    constexpr uint32_t kSource = perm::kRead | perm::kGetattr | perm::kWrite | perm::kSetattr | perm::kDelete;
    constexpr uint32_t kDest = perm::kWrite | perm::kSetattr | perm::kCreate;
    fileCheck(p, r.from, kSource, r.owner, d);
    if (d.verdict == Verdict::Deny || d.log != LogKind::None) {
      d.info = d.info.empty() ? "rename source" : d.info;
      return;
    }
    fileCheck(p, r.to, kDest, true, d);
  }

  // kernel-semantics.md §8.5.
  void decideOne(const LoadedProfile &p, const LinkRequest &r, Decision &d) {
    const uint32_t request = perm::kLink;
    Perms lperms = fileLookup(p, r.path, r.owner);
    Perms perms = lperms;
    if (lperms.allow & perm::kLink) {
      uint32_t s = p.fileState(r.target, p.file->step(p.fileState(r.path), 0));
      perms = filePermsAt(*p.file, s, r.owner);
      if (!(perms.allow & perm::kLink)) {
        d.info = "target restricted";
      } else if (perms.allow & perm::kLock) {  // the pair's subset flag
        Perms tperms = fileLookup(p, r.target, r.owner);
        uint32_t needed = lperms.allow & ~perm::kLink;
        bool subset = (needed & ~tperms.allow) == 0;
        if (subset && (lperms.allow & perm::kExec)) {
          ExecIndex a = lperms.xindex, b = tperms.xindex;
          a.unsafe = b.unsafe = false;
          subset = a == b && (!lperms.xindex.unsafe || tperms.xindex.unsafe);
        }
        if (!subset) {
          perms.allow &= ~perm::kLink;
          d.info = "link not subset of target";
        }
      }
    }
    applyCheck(checkFile(p, perms, request, options_.auditMode), request, d);
    if (p.sources) {
      attributeFile(p, r.path, request, r.owner, d);
      attributeFile(p, r.path + '\0' + r.target, request, r.owner, d);
    }
  }

  void decideOne(const LoadedProfile &, const ExecRequest &, Decision &) {}  // handled before

  void decideOne(const LoadedProfile &p, const CapabilityRequest &r, Decision &d) {
    applyCheck(checkCapability(p, r.cap, options_.auditMode), 0, d);
  }

  void policyCheck(const LoadedProfile &p, uint32_t state, uint32_t request, const std::string &query, Decision &d) {
    applyCheck(checkPolicy(p, policyPermsAt(*p.policydb, state, p.abi), request, options_.auditMode), request, d);
    if (p.sources)
      attributePolicy(p, query, request, d);
  }

  static std::string be16(unsigned v) { return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)}; }

  void decideOne(const LoadedProfile &p, const NetworkRequest &r, Decision &d) {
    // Policy for kernels with network/af_unix mediates unix sockets by
    // address and peer.
    if (r.family == kAfUnix && p.unixByAddress)
      return decideUnix(p, r, d);
    uint32_t start = p.classStart(kClassNet);
    if (!start)
      return;  // the kernel does not mediate sockets for this profile
    std::string tail = be16(r.family) + be16(r.type);
    uint32_t s = p.policydb->walk(tail, start);
    // Policy for kernels with network_v8/af_inet goes on past family and
    // type when what is granted there does not cover the request
    // (the kernel's early match); the 6.1 kernel stops at the type.
    Perms atType = policyPermsAt(*p.policydb, s, p.abi);
    if ((r.family == kAfInet || r.family == kAfInet6) && (p.policydb->accept[s] & kInetContinue) &&
        (atType.allow & r.mask) != r.mask)
      return decideInet(p, r, start, d);
    policyCheck(p, s, r.mask, std::string(1, static_cast<char>(kClassNet)) + tail, d);
  }

  // A match of the policy automaton step by step, as the kernel's socket
  // checks walk it: each step's bytes, and the info the kernel logs when
  // the walk dies in that step.
  struct SocketWalk {
    const dfa::KernelDfa &dfa;
    uint32_t state;
    std::string query;  // the bytes walked, class byte included (for naming rules)
    const char *failure = nullptr;

    void step(const std::string &bytes, const char *whenDead) {
      if (!state)
        return;
      state = dfa.walk(bytes, state);
      query += bytes;
      if (!state)
        failure = whenDead;
    }
  };

  void finishSocket(const LoadedProfile &p, const SocketWalk &w, uint32_t mask, Decision &d) {
    policyCheck(p, w.state, mask, w.query, d);
    if (w.failure && d.verdict == Verdict::Deny && d.info.empty())
      d.info = w.failure;
  }

  // A unix socket address as the kernel matches it: the sun_path bytes
  // (an abstract name with its leading NUL) then a NUL; an unnamed socket
  // is the byte 1. Binding with no address (autobind) matches no bytes.
  static std::string unixAddress(const std::string &address, bool bind) {
    if (bind && (address.empty() || address == "auto"))
      return std::string(1, '\0');
    if (address.empty() || address == "auto" || address == "none")
      return std::string("\x01\0", 2);
    if (address[0] == '@')
      return '\0' + address.substr(1) + '\0';
    return address + '\0';
  }

  // The peer's label as a socket check matches it: its first profile's
  // hierarchical name.
  static std::string socketPeerName(const std::string &label) {
    if (label.empty())
      return "unconfined";
    std::string name = peerName(label);
    if (size_t amp = name.find("//&"); amp != std::string::npos)
      name.resize(amp);
    return name;
  }

  // Fine-grained unix mediation (network/af_unix), as the kernel's
  // af_unix checks walk the parser's strings (kernel-semantics.md §3.3):
  // class, family, type, protocol; the local address and (empty) label;
  // then a command byte and the listen backlog, the socket option, or
  // the peer's address and label. Sockets named in the filesystem are
  // mediated by the file rules of their path instead.
  void decideUnix(const LoadedProfile &p, const NetworkRequest &r, Decision &d) {
    constexpr uint32_t kFsPerms = perm::kNetSend | perm::kNetReceive | perm::kNetCreate | perm::kNetShutdown |
                                  perm::kNetConnect | perm::kNetSetattr | perm::kNetGetattr;
    constexpr uint32_t kPeerOps = perm::kNetSend | perm::kNetReceive | perm::kNetConnect;
    auto inFs = [](const SocketEnd &e) { return !e.address.empty() && e.address[0] == '/'; };
    if ((r.mask & perm::kNetBind) && inFs(r.local)) {
      // Binding creates the socket file: the kernel's mknod check.
      fileCheck(p, r.local.address, perm::kCreate, true, d);
      return;
    }
    const SocketEnd *fsEnd = (r.mask & kPeerOps) && inFs(r.peer) ? &r.peer : inFs(r.local) ? &r.local : nullptr;
    if (fsEnd) {
      if (r.mask & kFsPerms)
        fileCheck(p, fsEnd->address, r.mask & kFsPerms, true, d);
      return;
    }
    const uint8_t cls = p.classStart(kClassNet) ? kClassNet : kClassUnixV7;
    uint32_t start = p.classStart(cls);
    if (!start)
      return;
    SocketWalk w{*p.policydb, start, std::string(1, static_cast<char>(cls))};
    w.step(be16(r.family), "failed af match");
    w.step(be16(r.type), "failed type match");
    w.step(be16(r.protocol), "failed protocol match");
    if (r.mask == perm::kNetCreate)
      return finishSocket(p, w, r.mask, d);
    std::string local = unixAddress(r.local.address, r.mask & perm::kNetBind);
    w.step(local, "failed local address match");
    w.step(std::string(1, '\0'), "failed local label match");  // the kernel matches no local label yet
    if (r.mask & perm::kNetListen) {
      w.step(std::string(1, kCmdListen), "failed cmd selection match");
      w.step(be16(r.backlog), "failed listen backlog match");
    } else if (r.mask & (perm::kNetGetopt | perm::kNetSetopt)) {
      w.step(std::string(1, kCmdOpt), "failed cmd selection match");
      w.step(be16(r.option), "failed sockopt match");
    } else if (r.mask & kPeerOps) {
      w.step(std::string(1, kCmdAddr), "failed cmd selection match");
      w.step(unixAddress(r.peer.address, false), "failed peer address match");
      w.step(socketPeerName(r.peer.label), "failed peer label match");
    }
    finishSocket(p, w, r.mask, d);
  }

  // An inet port as 6.0's af_inet strings hold it: a type byte (the peer's
  // 2; locally 1 below 1024, else 0) and the port big-endian.
  static std::string inetPort(std::optional<unsigned> port, bool peer) {
    unsigned v = port.value_or(0);
    char type = peer ? 2 : (v > 0 && v < 1024 ? 1 : 0);
    return type + be16(v);
  }

  // An address: a size byte (0 none, 1 IPv4, 2 IPv6) and its bytes.
  static std::optional<std::string> inetAddress(const std::string &text) {
    if (text.empty() || text == "none")
      return std::string(1, '\0');
    auto bytes = ipAddressBytes(text);
    if (!bytes)
      return std::nullopt;
    return static_cast<char>(bytes->size() == 4 ? 1 : 2) + *bytes;
  }

  // Fine-grained inet mediation (network_v8/af_inet, language-6.0.md
  // §4.6): past family and type, the protocol; for the peer operations
  // the peer's port, address and label, \x01 and the local port and
  // address; for the others the local port and address (then the task's
  // own label where a rule names one), and listen's backlog or the
  // socket option after a command byte. Debian 12's kernel has no such
  // mediation; this reads the strings as 6.0 lays them out.
  void decideInet(const LoadedProfile &p, const NetworkRequest &r, uint32_t start, Decision &d) {
    auto localIp = inetAddress(r.local.address), peerIp = inetAddress(r.peer.address);
    if (!localIp || !peerIp) {
      d.info = fmt::format("'{}' is not an IP address; matched as none", localIp ? r.peer.address : r.local.address);
      localIp = localIp.value_or(std::string(1, '\0'));
      peerIp = peerIp.value_or(std::string(1, '\0'));
    }
    SocketWalk w{*p.policydb, start, std::string(1, static_cast<char>(kClassNet))};
    w.step(be16(r.family) + be16(r.type), "failed type match");
    w.step(be16(r.protocol), "failed protocol match");
    const std::string localPart = inetPort(r.local.port, false) + *localIp + '\0';
    if (r.mask & (perm::kNetSend | perm::kNetReceive | perm::kNetConnect | perm::kNetAccept)) {
      w.step(inetPort(r.peer.port, true) + *peerIp + '\0', "failed peer address match");
      w.step(socketPeerName(r.peer.label) + '\0', "failed peer label match");
      w.step('\x01' + localPart, "failed local address match");
      return finishSocket(p, w, r.mask, d);
    }
    w.step(localPart, "failed local address match");
    Perms here = policyPermsAt(*p.policydb, w.state, p.abi);
    if (w.state && (here.allow & r.mask) != r.mask && (p.policydb->accept[w.state] & kInetContinue))
      w.step(p.name + '\0', "failed local label match");
    if (r.mask & perm::kNetListen) {
      w.step(std::string(1, kCmdListen), "failed cmd selection match");
      w.step(be16(r.backlog), "failed listen backlog match");
    } else if (r.mask & (perm::kNetGetopt | perm::kNetSetopt)) {
      w.step(std::string(1, kCmdOpt), "failed cmd selection match");
      w.step(be16(r.level) + be16(r.option), "failed sockopt match");
    }
    finishSocket(p, w, r.mask, d);
  }

  // The peer label as the label matcher spells it.
  static std::string peerName(const std::string &peer) {
    ParsedLabel l = parseLabel(peer);
    return l.ns ? ":" + *l.ns + ":" + std::string(l.name) : std::string(l.name);
  }

  void decideOne(const LoadedProfile &p, const SignalRequest &r, Decision &d) {
    uint32_t start = p.classStart(kClassSignal);
    if (!start)
      return;
    const unsigned mapped = r.signal;
    uint32_t s = p.policydb->step(start, static_cast<uint8_t>(mapped));
    std::string peer = peerName(r.peer);
    s = p.policydb->walk(peer, s);
    const uint32_t request = r.send ? 0x2 : 0x4;
    policyCheck(p, s, request, std::string(1, static_cast<char>(kClassSignal)) + static_cast<char>(mapped) + peer, d);
  }

  void decideOne(const LoadedProfile &p, const PtraceRequest &r, Decision &d) {
    uint32_t request = r.trace ? 0x2 : 0x4;
    if (!r.tracer)
      request <<= 2;  // the tracee's check: readby / tracedby
    uint32_t start = p.classStart(kClassPtrace);
    if (!start) {
      // Without ptrace rules the tracer needs CAP_SYS_PTRACE; the tracee
      // side is not checked.
      if (r.tracer && parseLabel(r.peer).name != p.name)
        applyCheck(checkCapability(p, 19, options_.auditMode), request, d);
      return;
    }
    uint32_t s = p.policydb->step(p.classStart(kClassLabel), kClassPtrace);
    std::string peer = peerName(r.peer);
    s = p.policydb->walk(peer, s);
    policyCheck(p, s, request, std::string{static_cast<char>(kClassLabel), static_cast<char>(kClassPtrace)} + peer, d);
  }

  // What the kernel matches of a mount(2) call: its mount hook sends each
  // kind of mount to its own check (6.1's apparmor_sb_mount), which keeps
  // only some of the call's parts. A remount matches no device and no
  // type; a bind mount the source path and the bind/rec flags; a
  // propagation change (shared, private, slave, unbindable) its flags
  // among rec, silent and the propagation ones; a move the source and the
  // move flag. Only new mounts and remounts match the data.
  struct MountMatch {
    std::string device, fsType, data;
    uint32_t flags;
  };
  static MountMatch mountMatch(const MountRequest &r) {
    constexpr uint32_t kRemount = 1u << 5, kBind = 1u << 12, kMove = 1u << 13, kRec = 1u << 14,
                       kSilent = 1u << 15, kPropagation = 0xfu << 17;
    if (r.flags & kRemount)
      return {"", "", r.data, r.flags};
    if (r.flags & kBind)
      return {r.device, "", "", r.flags & (kRec | kBind)};
    if (r.flags & kPropagation)
      return {"", "", "", r.flags & (kRec | kSilent | kPropagation)};
    if (r.flags & kMove)
      return {r.device, "", "", kMove};
    return {r.device, r.fsType, r.data, r.flags};
  }

  void decideOne(const LoadedProfile &p, const MountRequest &r, Decision &d) {
    uint32_t start = p.classStart(kClassMount);
    if (!start)
      return;
    const dfa::KernelDfa &t = *p.policydb;
    std::string query(1, static_cast<char>(kClassMount));
    uint32_t s = t.walk(r.mountPoint, start);
    query += r.mountPoint;
    const MountMatch m = mountMatch(r);  // what the kernel's check of this call matches
    uint32_t request = kMayMount;
    if (r.kind == MountRequest::Kind::Umount) {
      request = kMayUmount;
    } else if (r.kind == MountRequest::Kind::PivotRoot) {
      request = kMayPivotRoot;
      s = t.walk(r.device, t.step(s, 0));
      query += '\0' + r.device;
    } else {
      s = t.walk(m.device, t.step(s, 0));
      s = t.walk(m.fsType, t.step(s, 0));
      s = t.step(s, 0);
      query += '\0' + m.device + '\0' + m.fsType + '\0';
      for (unsigned i = 0; i < 32; ++i)
        if (m.flags & (1u << i)) {
          s = t.step(s, static_cast<uint8_t>(i + 1));
          query += static_cast<char>(i + 1);
        }
    }
    // Mount permissions are the raw low bits of the user half.
    auto mountPerms = [&](uint32_t state) {
      Perms perms;
      perms.allow = t.accept[state] & 0x7f;
      uint32_t a2 = t.accept2.empty() ? 0 : t.accept2[state];
      perms.audit = a2 & 0x7f;
      perms.quiet = (a2 >> 7) & 0x7f;
      return perms;
    };
    Perms perms = mountPerms(s);
    if (r.kind == MountRequest::Kind::Mount && !(perms.allow & kMayMount) && (perms.allow & kMountContinue) &&
        !m.data.empty()) {
      s = t.walk(m.data, t.step(s, 0));
      query += '\0' + m.data;
      perms = mountPerms(s);
    }
    applyCheck(checkPolicy(p, perms, request, options_.auditMode), request, d);
    if (p.sources && explain_)
      attribute(p.sources->policyRules, p.sources->policyDfa, query, request,
                [](uint32_t bits) { return bits & 0x7f; }, d);
  }

  void decideOne(const LoadedProfile &p, const DbusRequest &r, Decision &d) {
    uint32_t start = p.classStart(static_cast<uint8_t>(kClassDbus));
    if (!start)
      return;
    std::string tail = r.bus;
    if (r.mask & 0x6)  // send/receive
      tail += '\0' + r.name + '\0' + peerName(r.peer) + '\0' + r.path + '\0' + r.interface + '\0' + r.member;
    else if (r.mask & 0x40)  // bind
      tail += '\0' + r.name;
    uint32_t s = p.policydb->walk(tail, start);
    policyCheck(p, s, r.mask, std::string(1, static_cast<char>(kClassDbus)) + tail, d);
  }

  void decideOne(const LoadedProfile &p, const ChangeProfileRequest &r, Decision &d) {
    const uint32_t request = r.onexec ? perm::kOnexec : perm::kChangeProfile;
    Perms perms = fileLookup(p, peerName(r.target), true);
    applyCheck(checkFile(p, perms, request, options_.auditMode), request, d);
    if (d.verdict == Verdict::Allow)
      d.transition = Transition{r.onexec ? "change_onexec" : "change_profile", std::string(parseLabel(r.target).name), false, false};
    if (p.sources)
      attributeFile(p, peerName(r.target), request, true, d);
  }

  // The 6.x classes, decided from the strings the 6.0 parser writes
  // (language-6.0.md §4.3-4.5); the 6.1 kernel of Debian 12 has none of them.
  void decideOne(const LoadedProfile &p, const UsernsRequest &, Decision &d) {
    if (uint32_t s = p.classStart(kClassNs))
      policyCheck(p, s, 0x8, std::string(1, static_cast<char>(kClassNs)), d);
  }

  void decideOne(const LoadedProfile &p, const IoUringRequest &r, Decision &d) {
    uint32_t start = p.classStart(kClassIoUring);
    if (!start)
      return;
    std::string query(1, static_cast<char>(kClassIoUring));
    if (r.sqpoll)
      return policyCheck(p, start, 0x10, query, d);
    policyCheck(p, p.policydb->walk(r.label, start), 0x8, query + r.label, d);
  }

  void decideOne(const LoadedProfile &p, const MqueueRequest &r, Decision &d) {
    const uint8_t cls = r.posix ? kClassPosixMqueue : kClassSysvMqueue;
    uint32_t start = p.classStart(cls);
    if (!start)
      return;
    std::string name = r.name;
    if (!r.posix) {  // the key as four big-endian bytes
      unsigned long key = std::strtoul(r.name.c_str(), nullptr, 10);
      name = {static_cast<char>(key >> 24), static_cast<char>(key >> 16), static_cast<char>(key >> 8),
              static_cast<char>(key)};
    }
    std::string query = std::string(1, static_cast<char>(cls)) + name;
    uint32_t s = p.policydb->walk(name, start);
    if (!r.label.empty()) {
      s = p.policydb->walk(r.label, p.policydb->step(s, 0));
      query += '\0' + r.label;
    }
    policyCheck(p, s, r.mask, query, d);
  }

  // domain.c's change_hat (6.1): the hat must exist among the children of
  // the task's profile (its parent's, from a hat) and be a hat; a profile
  // in complain mode goes on in a learning hat instead. change_hat probes:
  // a failure with one hat named is not logged in enforce mode (the error
  // says why: ENOENT when the task's profile has children, ECHILD when it
  // has none, EPERM for a child that is not a hat).
  void decideOne(const LoadedProfile &p, const ChangeHatRequest &r, Decision &d) {
    std::string base = p.hat ? std::string(p.parentName()) : p.name;
    std::string target = base + "//" + r.hat;
    const LoadedProfile *hat = policy_.find(target, p.ns);
    const LoadedProfile *root = policy_.find(base, p.ns);
    if (hat && hat->hat) {
      d.transition = Transition{"change_hat", target, false, false};
      return;
    }
    if (!hat && root && root->mode == ProfileMode::Complain) {
      d.info = "hat not found";
      d.error = ENOENT;
      d.log = LogKind::Allowed;
      d.transition = Transition{"learning", base + "//null-" + r.hat, false, false};
      return;
    }
    if (hat) {
      d.info = "target not hat";
      d.error = EPERM;
    } else if (!policy_.children(p).empty()) {
      d.info = "hat not found";
      d.error = ENOENT;
    } else {
      d.info = "no hats defined";
      d.error = ECHILD;
    }
    d.verdict = Verdict::Deny;
    d.log = p.mode == ProfileMode::Complain ? LogKind::Allowed : LogKind::None;
  }

  const LoadedPolicy &policy_;
  const DecideOptions &options_;
  bool explain_ = true;
};

} // namespace

std::vector<std::string> stackedLabelParts(std::string_view label) {
  std::vector<std::string> parts;
  for (size_t at = 0;;) {
    size_t amp = label.find("//&", at);
    parts.emplace_back(label.substr(at, amp == std::string_view::npos ? std::string_view::npos : amp - at));
    if (amp == std::string_view::npos)
      return parts;
    at = amp + 3;
  }
}

std::string stackedLabel(std::vector<std::string> parts) {
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  std::string label;
  for (const auto &part : parts)
    label += (label.empty() ? "" : "//&") + part;
  return label;
}

const char *logKindName(LogKind k) {
  switch (k) {
  case LogKind::None: return "none";
  case LogKind::Audit: return "AUDIT";
  case LogKind::Allowed: return "ALLOWED";
  case LogKind::Denied: return "DENIED";
  case LogKind::Killed: return "KILLED";
  }
  return "none";
}

std::optional<std::string> ipAddressBytes(const std::string &text) {
  unsigned char bytes[16];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1)
    return std::string(reinterpret_cast<char *>(bytes), 4);
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1)
    return std::string(reinterpret_cast<char *>(bytes), 16);
  return std::nullopt;
}

unsigned signalFromLinux(unsigned sig) {
  if (sig == 0)
    return 35;
  if (sig < 32)
    return sig;
  if (sig >= 34 && sig <= 64)
    return 128 + (sig - 34);
  return 0;
}

const char *requestClass(const Request &r) {
  static const char *const kNames[] = {"file",  "file",   "file", "file", "capability", "network", "signal", "ptrace",
                                       "mount", "dbus",   "file", "file", "userns",     "io_uring", "mqueue"};
  static_assert(std::size(kNames) == std::variant_size_v<Request>);
  return kNames[r.index()];
}

Decision decide(const LoadedPolicy &policy, const std::string &label, const Request &request,
                const DecideOptions &options) {
  return Decider(policy, options)(label, request);
}

std::optional<std::string> resolveProfile(const LoadedPolicy &policy, const std::string &word) {
  if (word == "unconfined" || policy.find(word))
    return word;
  if (word.empty() || word[0] != '/')
    return std::nullopt;
  Decision attach = decide(policy, "unconfined", ExecRequest{word, true, {}});
  if (!attach.transition || attach.transition->target == "unconfined")
    return std::nullopt;
  return attach.transition->target;
}

} // namespace aasim::simulator

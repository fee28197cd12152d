// Kernel-executable cases for aasim's own guest driver
// (tests/kernel/guest/aasim_guest.cpp): the operations the kernel oracle
// lacks, drawn from compiled corpus profiles. Per profile:
//   * signals to and ptrace of peer tasks: peers named by the profile's
//     own signal and ptrace rules (and near misses of those names), other
//     profiles of the file, unconfined tasks. The kernel checks both
//     ends; aasim decides each end as an event of its task;
//   * change_hat into each hat (and child) of the profile and into one it
//     lacks, from a fresh task;
//   * pivot_root (after the CAP_SYS_ADMIN check the kernel makes first) to
//     the pairs its mount rules name and to one they do not;
//   * a whole socket life on loopback (inet stream) and on an abstract
//     unix address, and a unix socket bound in the filesystem;
//   * opens by a task of uid 1000 of files it owns and of root's: the
//     `owner` rules with a real fsuid;
//   * the label queries dbus-daemon makes (dbus rules the profile names,
//     and near misses), answered by the kernel's query interface;
//   * mount(2) and umount(2) of what its mount rules name (every kind of
//     mount call: new, bind, remount, propagation, move);
//   * change_profile and change_onexec (then an exec) to the targets its
//     rules grant;
//   * in kill mode: opens, each in a task of its own.
// Peer profiles are generated per case (TAG.peers.sd): half of them allow
// every signal and ptrace, half allow none.
//
//   aasim_guest_cases --out DIR [--seed N] [--opens N] LIST
//
// LIST as for aasim_kernel_cases (TAG, apparmor_parser's blob, aasim's
// blob). Writes DIR/guest.trace (the guest's format; it loads
// TAG.peers.parser.bin / TAG.peers.aasim.bin, which the suite compiles),
// DIR/TAG.guest.trace (aasim's synthetic format), DIR/TAG.peers.sd and
// DIR/guest_map.tsv: per kernel operation its guest trace line under the
// parser's blob, under aasim's blob (0: none), TAG, the kind, the aasim
// trace lines that decide it (comma separated) and an extra word (the
// query's mask and the profile's mode for dbus).
#include "simulator/kernel_perms.h"
#include "simulator/loaded_policy.h"

#include "dfa/kernel_dfa.h"
#include "dfa/policy_blob.h"

#include "../unit/automaton_samples.h"
#include "case_support.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace aasim;
using namespace aasim::simulator;
using aasim::test::readFile;
using aasim::test::usablePath;

constexpr uint8_t kClassMount = 7, kClassPtrace = 9, kClassSignal = 10, kClassLabel = 16, kClassDbus = 32;
constexpr unsigned kCapSysAdmin = 21;

struct Options {
  std::string out, list;
  unsigned seed = 1;
  size_t opens = 10;
};

// Catchable signals: Linux number and the name aasim's trace syntax reads.
const std::pair<int, const char *> kSignals[] = {{1, "hup"},   {2, "int"},   {3, "quit"}, {10, "usr1"},
                                                 {12, "usr2"}, {14, "alrm"}, {15, "term"}, {17, "chld"},
                                                 {18, "cont"}, {23, "urg"},  {28, "winch"}, {0, "0"}};

// A name a peer profile can have and every trace can carry as one word.
bool usableLabel(const std::string &s) {
  if (s.empty() || s.size() > 60 || s == "unconfined" || s.find("//") != std::string::npos || s[0] == ':')
    return false;
  for (unsigned char c : s)
    if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/'))
      return false;
  return s.back() != '/';
}

// A dbus string part the synthetic format carries as KEY=VALUE.
bool usableDbusPart(const std::string &s) {
  if (s.empty() || s.size() > 80)
    return false;
  for (unsigned char c : s)
    if (c <= ' ' || c >= 127 || c == '"' || c == '\\' || c == '#' || c == '=')
      return false;
  return true;
}

std::vector<std::string> splitNul(const std::string &s) {
  std::vector<std::string> parts(1);
  for (char c : s) {
    if (c == '\0')
      parts.emplace_back();
    else
      parts.back() += c;
  }
  return parts;
}

std::string hex(const std::string &bytes) {
  std::string out;
  for (unsigned char c : bytes)
    out += fmt::format("{:02x}", c);
  return out;
}

// One kernel operation: the guest line (without the blob-specific load),
// the aasim events deciding it, the kind and an extra word.
struct KernelOp {
  std::string guest;
  std::vector<size_t> events;  // indexes into Case::events
  std::string kind, extra;
  bool setup = false;  // a guest line with no result (setup-*, stop)
};

struct Case {
  std::vector<std::string> events;  // aasim synthetic lines
  std::vector<KernelOp> ops;
  std::set<std::string> peers;  // profiles to generate
  long nextPid = 1000;
  unsigned nextWorker = 0, nextPort = 20000;

  size_t event(const std::string &line) {
    events.push_back(line);
    return events.size() - 1;
  }
  void setup(const std::string &line) { ops.push_back({line, {}, "", "", true}); }
  void op(const std::string &guest, std::vector<size_t> decidedBy, const std::string &kind,
          const std::string &extra = "-") {
    ops.push_back({guest, std::move(decidedBy), kind, extra, false});
  }
  // A fresh worker under LABEL ("unconfined" for none): its guest id and
  // aasim pid.
  std::pair<std::string, long> spawn(const std::string &label, unsigned uid = 0) {
    std::string id = fmt::format("w{}", nextWorker++);
    long pid = nextPid++;
    ops.push_back({fmt::format("spawn {} {}{}", id, label == "unconfined" ? "-" : label,
                               uid ? fmt::format(" {}", uid) : ""),
                   {}, "", "", true});
    event(fmt::format("{} start /aasim-worker label={}", pid, label));
    return {id, pid};
  }
};

// The paths of aasim's guest run (test::PathClaims), less the driver's
// own /aasim and /tmp itself.
class GuestPaths {
public:
  bool claimFile(const std::string &p) { return p.rfind("/aasim", 0) != 0 && p != "/tmp" && claims_.claimFile(p, false); }
  bool claimDir(const std::string &p) { return p.rfind("/aasim", 0) != 0 && claims_.claimDir(p); }

private:
  test::PathClaims claims_;
};

// Peer labels a profile's rules of one class name: the tails of the
// strings its automaton accepts from `start` after `skip` bytes.
std::vector<std::string> peerNames(const LoadedProfile &p, uint32_t start, size_t skip, std::mt19937 &rng) {
  std::vector<std::string> out;
  if (!start || !p.policydb)
    return out;
  for (const auto &s : test::sampleAccepted(*p.policydb, start, rng, 4, true))
    if (s.size() > skip && usableLabel(s.substr(skip)))
      out.push_back(s.substr(skip));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

void ipcCases(const LoadedProfile &p, const LoadedPolicy &policy, Case &c, std::mt19937 &rng) {
  std::vector<std::string> peers;
  uint32_t ptraceStart = p.classStart(kClassLabel) ? p.policydb->step(p.classStart(kClassLabel), kClassPtrace) : 0;
  for (const auto &n : peerNames(p, p.classStart(kClassSignal), 1, rng))
    if (peers.size() < 2)
      peers.push_back(n);
  for (const auto &n : peerNames(p, ptraceStart, 0, rng))
    if (peers.size() < 3 && std::find(peers.begin(), peers.end(), n) == peers.end())
      peers.push_back(n);
  for (const auto &q : policy.profiles())
    if (!q.ns && q.name != p.name && usableLabel(q.name) && q.mode != ProfileMode::Kill) {
      peers.push_back(q.name);
      break;
    }
  peers.push_back("unconfined");
  auto [id, ppid] = c.spawn(p.name);
  for (const auto &q : peers) {
    if (q == p.name)
      continue;
    if (q != "unconfined" && !policy.find(q))
      c.peers.insert(q);
    auto [qid, qpid] = c.spawn(q);
    for (int k = 0; k < 3; ++k) {
      auto [number, name] = kSignals[rng() % std::size(kSignals)];
      size_t send = c.event(fmt::format("{} signal {} {} send", ppid, name, q));
      size_t receive = c.event(fmt::format("{} signal {} {} receive", qpid, name, p.name));
      c.op(fmt::format("do {} kill %{} {}", id, qid, number), {send, receive}, "signal");
    }
    for (const char *how : {"trace", "read"}) {
      size_t tracer = c.event(fmt::format("{} ptrace {} {} tracer", ppid, how, q));
      size_t tracee = c.event(fmt::format("{} ptrace {} {} tracee", qpid, how, p.name));
      c.op(fmt::format("do {} ptrace-{} %{}", id, std::string(how) == "trace" ? "attach" : "read", qid),
           {tracer, tracee}, "ptrace");
    }
    c.setup("stop " + qid);
  }
  c.setup("stop " + id);
}

void hatCases(const LoadedProfile &p, const LoadedPolicy &policy, Case &c, std::mt19937 &rng) {
  if (p.hat)
    return;
  std::vector<std::string> hats;
  for (const auto *child : policy.children(p))
    if (usableLabel(std::string(child->localName())))
      hats.emplace_back(child->localName());
  std::shuffle(hats.begin(), hats.end(), rng);
  if (hats.size() > 3)
    hats.resize(3);
  if (hats.empty() && rng() % 4 != 0)
    return;
  hats.push_back("aasim-nohat");
  for (const auto &hat : hats) {
    auto [id, pid] = c.spawn(p.name);
    // libapparmor's way: the task opens its own attr/current for writing
    // (a file check), then writes the request.
    size_t open = c.event(fmt::format("{} open /proc/{}/attr/current w", pid, pid));
    c.op(fmt::format("do {} changehat {}", id, hat), {open, c.event(fmt::format("{} change_hat {}", pid, hat))},
         "change_hat");
    c.setup("stop " + id);
  }
}

void pivotRootCases(const LoadedProfile &p, Case &c, GuestPaths &paths, std::mt19937 &rng) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (uint32_t start = p.classStart(kClassMount))
    for (const auto &s : test::sampleAccepted(*p.policydb, start, rng, 6, true)) {
      auto parts = splitNul(s);
      if (parts.size() != 2 || parts[0].size() < 2 || parts[1].size() < 2 || parts[0].back() != '/' ||
          parts[1].back() != '/')
        continue;
      std::string a = parts[0].substr(0, parts[0].size() - 1), b = parts[1].substr(0, parts[1].size() - 1);
      if (usablePath(a) && usablePath(b) && pairs.size() < 2)
        pairs.emplace_back(a, b);
    }
  pairs.emplace_back("/tmp/aasim-pivot/new", "/tmp/aasim-pivot/new/old");
  for (const auto &[newRoot, putOld] : pairs) {
    if (!paths.claimDir(newRoot) || !paths.claimDir(putOld))
      continue;
    c.setup("setup-dir " + newRoot);
    c.setup("setup-dir " + putOld);
    auto [id, pid] = c.spawn(p.name);
    // may_mount()'s CAP_SYS_ADMIN first, then AppArmor's pivot_root check
    // of the directories' names (with their trailing slash).
    size_t cap = c.event(fmt::format("{} capability sys_admin", pid));
    size_t pivot = c.event(fmt::format("{} pivot_root {}/ {}/", pid, newRoot, putOld));
    c.op(fmt::format("do {} pivot_root {} {}", id, newRoot, putOld), {cap, pivot}, "pivot_root");
    c.setup("stop " + id);
  }
}

void socketCases(const LoadedProfile &p, Case &c, GuestPaths &paths, std::mt19937 &rng) {
  auto [id, pid] = c.spawn(p.name);
  auto step = [&](const std::string &guest, const std::string &event) {
    c.op(fmt::format("do {} {}", id, guest), {c.event(fmt::format("{} network {}", pid, event))}, "socket");
  };
  // A stream connection on loopback, every socket operation of its life.
  unsigned port = c.nextPort++;
  for (const char *family : {"inet", "unix"}) {
    std::string f = family;
    std::string addr = f == "inet" ? fmt::format("127.0.0.1:{}", port) : fmt::format("@aasim-{}-{}", port, rng() % 1000);
    std::string local = f == "inet" ? fmt::format("addr=127.0.0.1 port={}", port) : "addr=" + addr;
    std::string remote = f == "inet" ? fmt::format("peer_addr=127.0.0.1 peer_port={}", port) : "peer_addr=" + addr;
    std::string t = f + " stream";
    step(fmt::format("socket a {} stream", f), "create " + t);
    step("bind a " + addr, fmt::format("bind {} {}", t, local));
    step("listen a", "listen " + t);
    step(fmt::format("socket b {} stream", f), "create " + t);
    step("connect b " + addr, fmt::format("connect {} {}", t, remote));
    step("accept a c", "accept " + t);
    step("send b", "sendmsg " + t);
    step("recv c", "recvmsg " + t);
    step("getsockopt b", "getsockopt " + t);
    step("setsockopt b", "setsockopt " + t);
    step("getsockname b", "getsockname " + t);
    step("getpeername b", "getpeername " + t);
    step("shutdown b", "shutdown " + t);
    for (const char *s : {"a", "b", "c"})
      c.setup(fmt::format("do {} close {}", id, s));
  }
  // A unix socket bound in the filesystem: the socket's bind check, then
  // the creation of its file (mknod).
  std::vector<std::string> candidates;
  if (p.file)
    for (const auto &s : test::sampleAccepted(*p.file, dfa::KernelDfa::kStart, rng, 4))
      if (usablePath(s))
        candidates.push_back(s);
  candidates.push_back(fmt::format("/tmp/aasim-sock-{}", port));
  for (const auto &path : candidates) {
    if (path.size() > 100 || !paths.claimFile(path))
      continue;
    c.setup("setup-rm " + path);
    c.setup("setup-dir " + path.substr(0, path.rfind('/')));
    c.op(fmt::format("do {} socket u unix dgram", id), {c.event(fmt::format("{} network create unix dgram", pid))},
         "socket");
    size_t bind = c.event(fmt::format("{} network bind unix dgram addr={}", pid, path));
    size_t mknod = c.event(fmt::format("{} mknod {}", pid, path));
    c.op(fmt::format("do {} bind u {}", id, path), {bind, mknod}, "socket");
    c.setup(fmt::format("do {} close u", id));
    c.setup("setup-rm " + path);
    break;
  }
  c.setup("stop " + id);
}

// Opens by a task of uid 1000: the file is its own or root's.
void ownerCases(const LoadedProfile &p, Case &c, GuestPaths &paths, std::mt19937 &rng, const Options &o) {
  if (!p.file)
    return;
  std::vector<std::string> candidates;
  for (const auto &s : test::sampleAccepted(*p.file, dfa::KernelDfa::kStart, rng, o.opens))
    if (usablePath(s))
      candidates.push_back(s);
  candidates.push_back("/tmp/aasim-owner-" + std::to_string(c.nextPort));
  auto [id, pid] = c.spawn(p.name, 1000);
  size_t n = 0;
  for (const auto &path : candidates) {
    if (n >= o.opens || !paths.claimFile(path))
      continue;
    ++n;
    bool own = rng() % 2;
    if (rng() % 5 == 0 && path.rfind('/') > 0) {  // created by the task (its own) in a directory it may write
      c.setup("setup-rm " + path);
      c.setup("setup-dir " + path.substr(0, path.rfind('/')));
      c.op(fmt::format("do {} open {} wc", id, path), {c.event(fmt::format("{} open {} wc", pid, path))}, "open");
      c.setup("setup-rm " + path);
      continue;
    }
    static const char *const kModes[] = {"r", "w", "rw", "a"};
    const char *mode = kModes[rng() % std::size(kModes)];
    c.setup(fmt::format("setup-file {} 0666 {}", path, own ? 1000 : 0));
    c.op(fmt::format("do {} open {} {}", id, path, mode),
         {c.event(fmt::format("{} open {} {} {}", pid, path, mode, own ? "owner" : "other"))}, "open");
  }
  c.setup("stop " + id);
}

// mount(2) flag bits by the names aasim's trace syntax reads.
const std::pair<unsigned, const char *> kMountFlags[] = {
    {0, "ro"},         {1, "nosuid"},      {2, "nodev"},    {3, "noexec"},  {4, "sync"},      {5, "remount"},
    {6, "mand"},       {7, "dirsync"},     {10, "noatime"}, {11, "nodiratime"}, {12, "bind"}, {13, "move"},
    {14, "rec"},       {15, "silent"},     {17, "unbindable"}, {18, "private"}, {19, "slave"}, {20, "shared"},
    {21, "relatime"},  {24, "strictatime"}, {25, "lazytime"}};
// File systems Debian's kernel has built in that need no device: a new
// mount of another type fails (ENODEV, or a device lookup) before AppArmor
// is asked.
const std::set<std::string> kBuiltinFs = {"tmpfs", "ramfs", "proc", "sysfs", "mqueue", "cgroup2", "devpts", "bpf",
                                          "tracefs", "debugfs"};

// mount(2) of what the profile's mount rules name (and of a tmpfs they
// may not), and umount(2) of what its umount rules name: AppArmor's
// check, then CAP_SYS_ADMIN for a mount; CAP_SYS_ADMIN first for an
// umount. Whatever got mounted is unmounted again by PID 1.
void mountCases(const LoadedProfile &p, Case &c, GuestPaths &paths, std::mt19937 &rng) {
  struct Mount {
    std::string fsType, source, target, data;
    unsigned long flags;
    std::string flagNames;
  };
  std::vector<Mount> mounts;
  std::vector<std::string> umounts;
  std::string generic = fmt::format("/tmp/aasim-mnt/{}", c.nextPort);
  mounts.push_back({"tmpfs", "aasim", generic + "a", "", 0, ""});
  mounts.push_back({"tmpfs", "aasim", generic + "b", "", 6, "nosuid,nodev"});
  umounts.push_back(generic + "u");
  if (uint32_t start = p.classStart(kClassMount)) {
    // Mount points, devices and types the rules name; flags tried from a
    // fixed list against the automaton (random flag bytes mean nothing).
    static const char *const kFlagSets[] = {"",        "ro",       "nosuid,nodev", "noexec,nosuid,nodev", "bind",
                                            "rec,bind", "remount",  "remount,ro",   "private",     "rec,private",
                                            "move",     "rec,slave", "unbindable"};
    const dfa::KernelDfa &t = *p.policydb;
    size_t sampled = 0;
    for (const auto &s : test::sampleAccepted(t, start, rng, 24, true)) {
      auto parts = splitNul(s);
      auto dir = [](const std::string &d) { return d.size() > 1 && d.back() == '/' ? d.substr(0, d.size() - 1) : ""; };
      std::string target = dir(parts[0]);
      if (target.empty() || !usablePath(target) || target.rfind("/aasim", 0) == 0)
        continue;
      if (parts.size() == 1) {
        if (umounts.size() < 3)
          umounts.push_back(target);
        continue;
      }
      if (parts.size() < 3 || sampled >= 3)
        continue;
      ++sampled;
      for (const char *names : kFlagSets) {
        unsigned long bits = 0;
        std::string flagBytes;
        for (size_t at = 0; *names && at != std::string::npos;) {
          size_t comma = std::string_view(names).find(',', at);
          std::string name(std::string_view(names).substr(at, comma == std::string::npos ? std::string::npos : comma - at));
          for (const auto &[bit, n] : kMountFlags)
            if (name == n) {
              bits |= 1ul << bit;
              flagBytes += static_cast<char>(bit + 1);
            }
          at = comma == std::string::npos ? comma : comma + 1;
        }
        std::sort(flagBytes.begin(), flagBytes.end());
        const bool pathSource = bits & ((1ul << 12) | (1ul << 13));
        std::string source = pathSource ? dir(parts[1]) : parts[1];
        if (pathSource && (source.empty() || !usablePath(source)))
          source = fmt::format("/tmp/aasim-src/{}", c.nextPort);
        if (!usableDbusPart(source.empty() ? "-" : source))
          continue;
        const unsigned long kRouted = (1ul << 5) | (1ul << 12) | (1ul << 13) | (0xful << 17);
        std::string fsType = parts[2];
        if (!(bits & kRouted) && !kBuiltinFs.count(fsType))
          fsType = "tmpfs";
        if (!fsType.empty() && !usableDbusPart(fsType))
          continue;
        // What the kernel matches for this request, as its mount dispatch
        // builds it: a granted one (or one in four of the others) is kept.
        std::string device = pathSource ? source + "/" : (bits & ((1ul << 5) | (0xful << 17))) ? "" : source;
        std::string type = bits & kRouted ? "" : fsType;
        uint32_t st = t.walk(type, t.step(t.walk(device, t.step(t.walk(parts[0], start), 0)), 0));
        st = t.walk(flagBytes, t.step(st, 0));
        bool granted = st && (t.accept[st] & 0x42);
        if ((granted || rng() % 4 == 0) && mounts.size() < 8)
          mounts.push_back({fsType, source.empty() ? "none" : source, target, "", bits, names});
      }
    }
  }
  for (const auto &m : mounts) {
    bool pathSource = m.flags & ((1ul << 12) | (1ul << 13));
    if (!paths.claimDir(m.target) || (pathSource && !paths.claimDir(m.source)))
      continue;
    c.setup("setup-dir " + m.target);
    if (pathSource)
      c.setup("setup-dir " + m.source);
    auto [id, pid] = c.spawn(p.name);
    std::string event = fmt::format("{} mount {} {}/ fstype={}", pid, pathSource ? m.source + "/" : m.source,
                                    m.target, m.fsType.empty() ? "-" : m.fsType);
    if (!m.flagNames.empty())
      event += " flags=" + m.flagNames;
    if (!m.data.empty())
      event += " data=" + m.data;
    size_t mount = c.event(event);
    size_t cap = c.event(fmt::format("{} capability sys_admin", pid));
    c.op(fmt::format("do {} mount {} {} {} {:x} {}", id, m.fsType.empty() ? "-" : m.fsType, m.source, m.target,
                     m.flags, m.data.empty() ? "-" : m.data),
         {mount, cap}, "mount");
    c.setup("stop " + id);
    c.setup("setup-umount " + m.target);
  }
  for (const auto &target : umounts) {
    if (!paths.claimDir(target))
      continue;
    c.setup("setup-mount " + target);
    auto [id, pid] = c.spawn(p.name);
    size_t cap = c.event(fmt::format("{} capability sys_admin", pid));
    size_t umount = c.event(fmt::format("{} umount {}/", pid, target));
    c.op(fmt::format("do {} umount {}", id, target), {cap, umount}, "mount");
    c.setup("stop " + id);
    c.setup("setup-umount " + target);
  }
}

// change_profile to the targets the profile's rules name (and near
// misses), and change_onexec followed by an exec of the driver itself:
// each as libapparmor does it, an open of the task's own attr file for
// writing, then the request. The label after it is compared.
void changeProfileCases(const LoadedProfile &p, const LoadedPolicy &policy, Case &c, std::mt19937 &rng) {
  if (!p.file)
    return;
  std::vector<std::pair<std::string, bool>> asks;  // target, onexec
  for (const auto &s : test::sampleAccepted(*p.file, dfa::KernelDfa::kStart, rng, 12, true)) {
    uint32_t allow = filePermsAt(*p.file, p.fileState(s), true).allow;
    if (!usableLabel(s) || asks.size() >= 4)
      continue;
    if (allow & perm::kChangeProfile)
      asks.emplace_back(s, false);
    if (allow & perm::kOnexec)
      asks.emplace_back(s, true);
  }
  if (asks.empty() && rng() % 4 != 0)
    return;
  asks.emplace_back("aasim-elsewhere", rng() % 2);
  for (const auto &[target, onexec] : asks) {
    if (target != "unconfined" && !policy.find(target))
      c.peers.insert(target);
    auto [id, pid] = c.spawn(p.name);
    size_t open = c.event(fmt::format("{} open /proc/{}/attr/{} w", pid, pid, onexec ? "exec" : "current"));
    size_t change = c.event(fmt::format("{} change_{} {}", pid, onexec ? "onexec" : "profile", target));
    c.op(fmt::format("do {} {} {}", id, onexec ? "onexec" : "changeprofile", target), {open, change},
         onexec ? "change_onexec" : "change_profile");
    if (onexec)
      c.op(fmt::format("do {} reexec", id), {c.event(fmt::format("{} exec /aasim/driver", pid))}, "exec");
    c.setup("stop " + id);
  }
}

// A profile in kill mode: a denial kills the task, so each operation
// runs in a task of its own — opens of what it grants and what it may not.
void killCases(const LoadedProfile &p, Case &c, GuestPaths &paths, std::mt19937 &rng, const Options &o) {
  std::vector<std::string> candidates;
  if (p.file)
    for (const auto &s : test::sampleAccepted(*p.file, dfa::KernelDfa::kStart, rng, o.opens))
      if (usablePath(s))
        candidates.push_back(s);
  candidates.push_back("/etc/aasim-kill-" + std::to_string(c.nextPort));
  size_t n = 0;
  for (const auto &path : candidates) {
    if (n >= o.opens || !paths.claimFile(path))
      continue;
    ++n;
    static const char *const kModes[] = {"r", "w", "rw"};
    const char *mode = kModes[rng() % std::size(kModes)];
    c.setup(fmt::format("setup-file {} 0666 0", path));
    auto [id, pid] = c.spawn(p.name);
    c.op(fmt::format("do {} open {} {}", id, path, mode), {c.event(fmt::format("{} open {} {}", pid, path, mode))},
         "open");
    c.setup("stop " + id);
  }
}

// dbus-daemon's questions: the kernel answers with the permissions of the
// string; aasim decides the same request.
void dbusCases(const LoadedProfile &p, Case &c, std::mt19937 &rng) {
  uint32_t start = p.classStart(kClassDbus);
  if (!start)
    return;
  long pid = c.nextPid++;
  c.event(fmt::format("{} start /aasim-dbus label={}", pid, p.name));
  const char *mode = p.mode == ProfileMode::Complain ? "complain" : p.mode == ProfileMode::Kill ? "kill" : "enforce";
  size_t n = 0;
  for (const auto &s : test::sampleAccepted(*p.policydb, start, rng, 6, true)) {
    auto parts = splitNul(s);
    if (n >= 8 || !std::all_of(parts.begin(), parts.end(), usableDbusPart))
      continue;
    std::vector<std::pair<const char *, unsigned>> asks;
    std::string keys;
    if (parts.size() == 1) {
      asks = {{"eavesdrop", 0x20}};
      keys = "bus=" + parts[0];
    } else if (parts.size() == 2) {
      asks = {{"bind", 0x40}};
      keys = fmt::format("bus={} name={}", parts[0], parts[1]);
    } else if (parts.size() == 6) {
      asks = {{"send", 0x2}, {"receive", 0x4}};
      keys = fmt::format("bus={} name={} peer={} path={} interface={} member={}", parts[0], parts[1], parts[2],
                         parts[3], parts[4], parts[5]);
    } else {
      continue;
    }
    ++n;
    for (auto [what, mask] : asks)
      c.op(fmt::format("query {} {}", p.name, hex(std::string(1, static_cast<char>(kClassDbus)) + s)),
           {c.event(fmt::format("{} dbus {} {}", pid, what, keys))}, "dbus", fmt::format("{}:{}", mask, mode));
  }
}

std::string peerProfiles(const std::set<std::string> &peers) {
  std::string out = "# Peers of a kernel case (tests/kernel/guest_cases.cpp).\n";
  size_t i = 0;
  for (const auto &name : peers)
    // The driver itself mapped: a task may enter them by exec (onexec).
    out += i++ % 2 == 0 ? fmt::format("profile {} {{\n  /aasim/driver mr,\n  signal,\n  ptrace,\n}}\n", name)
                        : fmt::format("profile {} {{\n  /aasim/driver mr,\n}}\n", name);
  return out;
}

int run(const Options &o) {
  std::ofstream guest(o.out + "/guest.trace"), map(o.out + "/guest_map.tsv");
  size_t guestLine = 0, cases = 0, profiles = 0, operations = 0;
  auto emit = [&](const std::string &line) {
    guest << line << '\n';
    return ++guestLine;
  };
  std::mt19937 rng(o.seed);
  GuestPaths paths;
  int status = test::forEachCase(o.list, "aasim_guest_cases", [&](const test::CaseEntry &entry,
                                                                   const LoadedPolicy &policy) {
    const std::string &tag = entry.tag, &parserBlob = entry.parserBlob, &aasimBlob = entry.aasimBlob;
    Case c;
    c.nextPort = static_cast<unsigned>(20000 + cases * 8);
    for (const auto &p : policy.profiles()) {
      // Workers enter profiles of the root namespace by name.
      if (p.ns || !usableLabel(p.name))
        continue;
      ++profiles;
      if (p.mode == ProfileMode::Kill) {
        killCases(p, c, paths, rng, o);
        continue;
      }
      ipcCases(p, policy, c, rng);
      hatCases(p, policy, c, rng);
      pivotRootCases(p, c, paths, rng);
      socketCases(p, c, paths, rng);
      ownerCases(p, c, paths, rng, o);
      dbusCases(p, c, rng);
      mountCases(p, c, paths, rng);
      changeProfileCases(p, policy, c, rng);
      ++c.nextPort;
    }
    if (c.ops.empty())
      return;
    if (!c.peers.empty())
      std::ofstream(o.out + "/" + tag + ".peers.sd") << peerProfiles(c.peers);
    std::ofstream trace(o.out + "/" + tag + ".guest.trace");
    trace << "#aasim-trace 1\n";
    for (const auto &e : c.events)
      trace << e << '\n';
    // The kernel: the operations under apparmor_parser's blob, then under
    // aasim's; the peers compiled by the same compiler.
    std::vector<std::vector<size_t>> lines;
    for (const char *compiler : {"parser", "aasim"}) {
      const std::string &blob = std::string(compiler) == "parser" ? parserBlob : aasimBlob;
      if (blob.empty())
        continue;
      if (!c.peers.empty())
        emit(fmt::format("load-blob {}.peers.{}.bin", tag, compiler));
      emit("load-blob " + blob.substr(blob.rfind('/') + 1));
      lines.emplace_back();
      for (const auto &op : c.ops) {
        size_t at = emit(op.guest);
        if (!op.setup)
          lines.back().push_back(at);
      }
      emit("unload-all");
    }
    size_t i = 0;
    for (const auto &op : c.ops) {
      if (op.setup)
        continue;
      std::string events;
      for (size_t e : op.events)
        events += (events.empty() ? "" : ",") + std::to_string(e + 2);  // trace lines: a header, then events
      map << fmt::format("{}\t{}\t{}\t{}\t{}\t{}\n", lines[0][i], lines.size() > 1 ? lines[1][i] : 0, tag, op.kind,
                         events, op.extra);
      ++i;
      ++operations;
    }
    ++cases;
  });
  fmt::print("{} cases, {} profiles, {} kernel operations, {} guest lines\n", cases, profiles, operations, guestLine);
  return status;
}

} // namespace

int main(int argc, char **argv) {
  auto parsed = aasim::test::parseCaseOptions(argc, argv, "aasim_guest_cases", {{"--opens", 10}});
  if (!parsed)
    return 2;
  return run({parsed->out, parsed->list, parsed->seed, parsed->counts.at("--opens")});
}

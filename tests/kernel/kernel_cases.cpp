// Kernel-executable cases from compiled profiles: for each profile of each
// binary policy file, operations drawn from its own automata (paths its
// rules grant, near misses of them, paths it does not name), execs of
// what it may execute, attachment from unconfined, capabilities and
// sockets. Writes them twice, in the kernel oracle's trace format
// (../shared/tools/kernel-oracle) and in aasim's synthetic format
// (docs/traces.md), with a map from one to the other, so that
// tests/kernel/compare.py can put the kernel's verdicts and aasim's
// prediction side by side.
//
//   aasim_kernel_cases --out DIR [--seed N] [--opens N] [--execs N] LIST
//
// LIST has one line per case: TAG, the policy the kernel loads first
// (apparmor_parser's blob), and optionally aasim's blob of the same
// source, which the kernel then loads and runs the same operations
// under. Writes DIR/oracle.trace, DIR/TAG.trace (aasim's) and
// DIR/map.tsv: per operation the oracle trace line under the parser's
// blob, the line of the same operation under aasim's blob (0 when there
// is none), TAG, the aasim trace line and the operation kind.
#include "simulator/kernel_perms.h"
#include "simulator/loaded_policy.h"

#include "dfa/kernel_dfa.h"
#include "dfa/policy_blob.h"

#include "../unit/automaton_samples.h"
#include "case_support.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
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

struct Options {
  std::string out;
  unsigned seed = 1;
  size_t opensPerProfile = 40, execsPerProfile = 8;
  std::string list;
};

// What the guest itself needs to the end of the run (its init and the
// driver): never removed or replaced.
bool guestNeeds(const std::string &p) {
  for (const char *keep : {"/init", "/oracle", "/bin/busybox", "/bin/sh", "/bin/awk", "/bin/cut", "/bin/poweroff",
                           "/bin/echo", "/bin/cat", "/bin/stty", "/bin/tr", "/bin/base64", "/bin/mount", "/etc/apparmor",
                           "/sbin/apparmor_parser", "/sbin/aa-features-abi"})
    if (p.rfind(keep, 0) == 0 && (p.size() == std::strlen(keep) || p[std::strlen(keep)] == '/' ||
                                   std::string_view(keep) == "/etc/apparmor"))
      return true;
  return false;
}

// The paths of the oracle's guest run (test::PathClaims), less what the
// guest itself needs and what is below busybox's applets in /bin.
class GuestPaths {
public:
  // Files the guest's image holds besides busybox's applets.
  GuestPaths() : claims_({"/init", "/etc/passwd", "/sbin/apparmor_parser", "/sbin/aa-features-abi"}) {}

  bool claim(const std::string &p) {
    if (guestNeeds(p) || (p.rfind("/bin/", 0) == 0 && p.find('/', 5) != std::string::npos))
      return false;
    return claims_.claimFile(p, true);
  }

private:
  test::PathClaims claims_;
};

// The capabilities the oracle has a trigger for. (Its net_raw trigger is a
// raw socket, which the network rules decide first: left out.)
const char *const kCapabilities[] = {"sys_admin", "sys_time",  "sys_nice", "sys_resource",
                                     "setuid",    "setgid",    "sys_chroot", "ipc_lock"};
// Socket families and types whose creation AppArmor alone decides (packet
// and raw inet sockets also need CAP_NET_RAW from the kernel: left out).
const std::pair<const char *, const char *> kSockets[] = {
    {"inet", "stream"}, {"inet", "dgram"},  {"inet6", "stream"},   {"unix", "stream"},
    {"unix", "dgram"},  {"netlink", "dgram"}, {"unix", "seqpacket"}, {"inet6", "dgram"}};
const char *const kOpenModes[] = {"r", "r", "w", "rw", "a", "wc"};
const char *const kOtherPaths[] = {"/etc/shadow", "/root/.ssh/id_rsa", "/tmp/aasim-x", "/var/lib/aasim/secret",
                                   "/home/user/.bashrc", "/usr/bin/aasim-tool"};

struct Writer {
  std::ofstream oracle, map;
  size_t oracleLine = 0;

  void oracleOnly(const std::string &line) {
    oracle << line << '\n';
    ++oracleLine;
  }
};

// One case's operations: oracle lines, and aasim lines for the same
// events. The operations are generated once; the oracle runs them under
// each blob (`replay`), aasim once.
struct Operation {
  std::string as, oracle, synthetic;
  long pid = 0;
  const char *what = "";
  bool traceOnly = false;  // an aasim line with no oracle operation (start, fork)
  bool setupOnly = false;  // an oracle set-up line with no aasim event
};

struct CaseWriter {
  std::vector<Operation> ops;
  GuestPaths &paths;
  long nextPid = 1000;

  void pair(const std::string &as, const std::string &op, const std::string &synthetic, long pid, const char *what) {
    ops.push_back({as, op, synthetic, pid, what, false});
  }
  // A file operation on PATH, on a fresh file: the oracle's set-up makes a
  // regular file (or a copy of its driver for exec) where the path was
  // removed, so that no symlink, directory or running binary is in the way.
  void fresh(const std::string &as, const std::string &path, const std::string &op, const std::string &synthetic,
             long pid, const char *what) {
    ops.push_back({"", "setup-rm " + path, "", 0, "", false});
    ops.back().setupOnly = true;
    pair(as, op, synthetic, pid, what);
  }
  void traceOnly(const std::string &line) { ops.push_back({"", "", line, 0, "", true}); }
};

// Execs from an unconfined task of what a profile attaches to: the kernel
// picks the best attachment among every loaded profile.
void attachmentCases(const LoadedProfile &p, CaseWriter &cw, std::mt19937 &rng) {
  if (!p.xmatch || p.ns || !p.parentName().empty())
    return;
  size_t n = 0;
  for (const auto &path : test::sampleAccepted(*p.xmatch, dfa::KernelDfa::kStart, rng, 3)) {
    if (n >= 2 || !usablePath(path) || !cw.paths.claim(path))
      continue;
    ++n;
    long pid = cw.nextPid++;
    cw.ops.push_back({"", "setup-rm " + path, "", 0, "", false, true});
    cw.pair("-", fmt::format("exec {}", path), fmt::format("start {}", path), pid, "attach");
    cw.ops.push_back({"", "setup-rm " + path, "", 0, "", false, true});
  }
}

void profileCases(const LoadedProfile &p, CaseWriter &cw, std::mt19937 &rng, const Options &o) {
  // The oracle enters the profile by its name; aasim starts a task in it.
  // The oracle enters profiles of the root namespace by name.
  const std::string &name = p.name;
  if (p.ns || name.find_first_of(" \t\"") != std::string::npos)
    return;
  long pid = cw.nextPid++;
  cw.traceOnly(fmt::format("{} start /aasim-worker label={}", pid, name));
  std::vector<std::string> paths;
  if (p.file)
    for (auto &s : test::sampleAccepted(*p.file, dfa::KernelDfa::kStart, rng, o.opensPerProfile))
      if (usablePath(s))
        paths.push_back(s);
  for (const char *other : kOtherPaths)
    paths.push_back(other);
  std::shuffle(paths.begin(), paths.end(), rng);
  std::set<std::string> seen;
  size_t opens = 0;
  for (const auto &path : paths) {
    if (opens >= o.opensPerProfile || seen.count(path) || !cw.paths.claim(path))
      continue;
    seen.insert(path);
    ++opens;
    const char *mode = kOpenModes[rng() % std::size(kOpenModes)];
    if (rng() % 5 == 0) {
      // Another user's file (the owner half of the rules): read only, so
      // that DAC lets root through without asking a capability.
      cw.ops.push_back({"", "setup-rm " + path, "", 0, "", false, true});
      cw.ops.push_back({"", "setup-chown " + path + " 1000:1000", "", 0, "", false, true});
      cw.pair(name, fmt::format("open {} r", path), fmt::format("open {} r other", path), pid, "open");
      continue;
    }
    cw.fresh(name, path, fmt::format("open {} {}", path, mode), fmt::format("open {} {}", path, mode), pid, "open");
  }
  // Execs: of what the profile may execute, and of some it may not. Each
  // runs in a fresh child of the worker (the oracle forks, then execs).
  // Candidates: the opens' paths and a draw of their own (a profile's exec
  // rules are a few among many file rules; every mode should have its turn).
  std::vector<std::string> execs, candidates = paths;
  if (p.file)
    for (auto &s : test::sampleAccepted(*p.file, dfa::KernelDfa::kStart, rng, 4 * o.execsPerProfile))
      if (usablePath(s))
        candidates.push_back(s);
  std::set<std::string> tried;
  for (const auto &path : candidates) {
    if (!p.file || !tried.insert(path).second)
      continue;
    Perms perms = filePermsAt(*p.file, p.fileState(path), true);
    if ((perms.allow & perm::kExec) && (seen.count(path) || cw.paths.claim(path)))
      execs.push_back(path);
  }
  std::shuffle(execs.begin(), execs.end(), rng);
  if (execs.size() > o.execsPerProfile)
    execs.resize(o.execsPerProfile);
  execs.push_back("/usr/bin/aasim-tool");
  for (const auto &path : execs) {
    long child = cw.nextPid++;
    cw.traceOnly(fmt::format("{} fork {}", pid, child));
    cw.fresh(name, path, fmt::format("exec {}", path), fmt::format("exec {}", path), child, "exec");
    // The copy of the driver the oracle made is a megabyte of the guest's
    // memory: removed again.
    cw.ops.push_back({"", "setup-rm " + path, "", 0, "", false, true});
  }
  for (const char *cap : kCapabilities)
    cw.pair(name, fmt::format("cap {}", cap), fmt::format("capability {}", cap), pid, "capability");
  for (const auto &[family, type] : kSockets)
    cw.pair(name, fmt::format("socket {} {}", family, type), fmt::format("socket {} {}", family, type), pid, "socket");
}

int run(const Options &o) {
  Writer w;
  w.oracle.open(o.out + "/oracle.trace");
  w.map.open(o.out + "/map.tsv");
  std::mt19937 rng(o.seed);
  GuestPaths guestPaths;  // one guest runs every case
  size_t cases = 0, profiles = 0;
  int status = test::forEachCase(o.list, "aasim_kernel_cases", [&](const test::CaseEntry &entry,
                                                                    const LoadedPolicy &policy) {
    const std::string &tag = entry.tag, &parserBlob = entry.parserBlob, &aasimBlob = entry.aasimBlob;
    CaseWriter cw{{}, guestPaths};
    for (const auto &p : policy.profiles()) {
      ++profiles;
      profileCases(p, cw, rng, o);
    }
    for (const auto &p : policy.profiles())
      attachmentCases(p, cw, rng);
    // aasim's trace: every operation once.
    std::ofstream trace(o.out + "/" + tag + ".trace");
    trace << "#aasim-trace 1\n";
    size_t traceLine = 1;
    std::vector<size_t> traceLines;
    for (const auto &op : cw.ops) {
      if (op.setupOnly)
        continue;
      trace << (op.traceOnly ? op.synthetic : fmt::format("{} {}", op.pid, op.synthetic)) << '\n';
      ++traceLine;
      if (!op.traceOnly)
        traceLines.push_back(traceLine);
    }
    // The kernel: the operations under apparmor_parser's blob, then the
    // same under aasim's (the kernel must decide them alike).
    std::vector<std::vector<size_t>> oracleLines;
    for (const std::string &blob : {parserBlob, aasimBlob}) {
      if (blob.empty())
        continue;
      w.oracleOnly(fmt::format("load-blob {}", blob.substr(blob.rfind('/') + 1)));
      oracleLines.emplace_back();
      for (const auto &op : cw.ops) {
        if (op.setupOnly)
          w.oracleOnly(op.oracle);
        else if (!op.traceOnly) {
          w.oracleOnly(op.as == "-" ? op.oracle : fmt::format("as {} {}", op.as, op.oracle));
          oracleLines.back().push_back(w.oracleLine);
        }
      }
      w.oracleOnly("unload-all");
    }
    size_t i = 0;
    for (const auto &op : cw.ops)
      if (!op.traceOnly && !op.setupOnly) {
        w.map << fmt::format("{}\t{}\t{}\t{}\t{}\n", oracleLines[0][i], oracleLines.size() > 1 ? oracleLines[1][i] : 0,
                             tag, traceLines[i], op.what);
        ++i;
      }
    ++cases;
  });
  fmt::print("{} cases, {} profiles, {} oracle lines\n", cases, profiles, w.oracleLine);
  return status;
}

} // namespace

int main(int argc, char **argv) {
  auto parsed =
      aasim::test::parseCaseOptions(argc, argv, "aasim_kernel_cases", {{"--opens", 40}, {"--execs", 12}});
  if (!parsed)
    return 2;
  Options o;
  o.out = parsed->out;
  o.list = parsed->list;
  o.seed = parsed->seed;
  o.opensPerProfile = parsed->counts.at("--opens");
  o.execsPerProfile = parsed->counts.at("--execs");
  return run(o);
}

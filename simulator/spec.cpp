#include "spec.h"

#include "exec.h"
#include "kernel_perms.h"
#include "operation_syntax.h"
#include "witness_request.h"

#include "dfa/attachment.h"
#include "dfa/equivalence.h"
#include "dfa/glob.h"
#include "dfa/product_walk.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

namespace aasim::simulator {

namespace {

std::string lower(std::string s) {
  for (char &c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Permission words and letters of `never PROFILE ACCESS GLOB`.
std::optional<uint32_t> accessBits(const std::string &word) {
  static const std::map<std::string, uint32_t> kWords = {
      {"read", perm::kRead},     {"write", perm::kWrite},     {"append", perm::kAppend}, {"exec", perm::kExec},
      {"mmap", perm::kExecMmap}, {"link", perm::kLink},       {"lock", perm::kLock},     {"create", perm::kCreate},
      {"delete", perm::kDelete}, {"chmod", perm::kChmod},     {"chown", perm::kChown},   {"setattr", perm::kSetattr},
      {"rename", perm::kRename}};
  if (auto it = kWords.find(word); it != kWords.end())
    return it->second;
  if (word.empty() || word.find_first_not_of("rwaxmlkcd") != std::string::npos)
    return std::nullopt;
  return filePermissionLetters(word);
}

const std::vector<std::string> &classNames() {
  static const std::vector<std::string> kNames = {"network", "signal", "ptrace",   "mount",  "dbus",
                                                  "userns",  "io_uring", "mqueue", "change_profile"};
  return kNames;
}

bool isExecMode(const std::string &m) {
  static const std::vector<std::string> kModes = {"ix",  "ux",  "Ux",  "px",  "Px",  "cx",  "Cx",  "pix", "Pix",
                                                  "cix", "Cix", "pux", "PUx", "cux", "CUx", "unconfined", "any"};
  return std::find(kModes.begin(), kModes.end(), m) != kModes.end();
}

// The mode as rules write it ("PUx", "cix", ...), "unconfined" for every
// way to run unconfined (ux and the fallbacks), "any".
bool modeMatches(const ExecIndex &x, const std::string &mode) {
  if (mode == "any")
    return true;
  if (mode == "unconfined")
    return x.unconfined;
  return execModeName(x) == mode;
}

} // namespace

SpecFile parseSpec(const std::string &path, const std::string &text, std::vector<SpecProblem> &problems) {
  SpecFile spec;
  spec.path = path;
  std::istringstream in(text);
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string error;
    auto split = splitWords(line, error);
    if (!split) {
      problems.push_back({number, error});
      continue;
    }
    std::vector<std::string> words;
    for (auto &w : *split) {
      if (!w.empty() && w[0] == '#')
        break;  // a comment to the end of the line
      words.push_back(std::move(w));
    }
    if (words.empty())
      continue;
    auto fail = [&](std::string message) { problems.push_back({number, std::move(message)}); };
    size_t b = line.find_first_not_of(" \t"), e = line.find_last_not_of(" \t\r");
    SpecAssertion a;
    a.line = number;
    a.text = line.substr(b, e - b + 1);
    const std::string &kw = words[0];
    if (kw == "policy") {
      if (words.size() < 2)
        fail("usage: policy FILE...");
      spec.policies.insert(spec.policies.end(), words.begin() + 1, words.end());
      continue;
    }
    if (kw == "allow" || kw == "deny" || kw == "log") {
      size_t at = 1;
      a.kind = kw == "allow" ? SpecAssertion::Kind::Allow : kw == "deny" ? SpecAssertion::Kind::Deny
                                                                         : SpecAssertion::Kind::Log;
      if (a.kind == SpecAssertion::Kind::Log) {
        static const std::map<std::string, LogKind> kKinds = {{"none", LogKind::None},
                                                              {"audit", LogKind::Audit},
                                                              {"allowed", LogKind::Allowed},
                                                              {"denied", LogKind::Denied},
                                                              {"killed", LogKind::Killed}};
        auto it = words.size() > 1 ? kKinds.find(lower(words[1])) : kKinds.end();
        if (it == kKinds.end()) {
          fail("usage: log none|audit|allowed|denied|killed PROFILE OPERATION ARGS...");
          continue;
        }
        a.log = it->second;
        at = 2;
      }
      if (words.size() < at + 2) {
        fail(fmt::format("usage: {} PROFILE OPERATION ARGS...", a.kind == SpecAssertion::Kind::Log ? "log KIND" : kw));
        continue;
      }
      a.profile = words[at];
      a.words.assign(words.begin() + static_cast<long>(at) + 1, words.end());
      if (!parseOperation(a.words, error)) {
        fail(error);
        continue;
      }
    } else if (kw == "transition") {
      if (words.size() != 6 || words[2] != "exec" || words[4] != "->") {
        fail("usage: transition PROFILE exec PATH -> TARGET");
        continue;
      }
      a.kind = SpecAssertion::Kind::Transition;
      a.profile = words[1];
      a.words = {"exec", words[3]};
      a.target = words[5];
    } else if (kw == "never") {
      a.kind = SpecAssertion::Kind::Never;
      if (words.size() < 3) {
        fail("usage: never PROFILE|* ACCESS GLOB | exec MODE GLOB | capability NAME | CLASS");
        continue;
      }
      a.profile = words[1];
      Invariant &n = a.never;
      const std::string &what = words[2];
      size_t globAt = 3;
      if (what == "capability") {
        n.kind = Invariant::Kind::Capability;
        auto cap = words.size() == 4 ? capabilityByName(words[3]) : std::nullopt;
        if (!cap) {
          fail(words.size() == 4 ? fmt::format("unknown capability '{}'", words[3]) : "usage: never PROFILE capability NAME");
          continue;
        }
        n.capability = *cap;
        spec.assertions.push_back(std::move(a));
        continue;
      }
      if (std::find(classNames().begin(), classNames().end(), what) != classNames().end() && words.size() == 3) {
        n.kind = Invariant::Kind::Class;
        n.className = what;
        spec.assertions.push_back(std::move(a));
        continue;
      }
      if (what == "exec" && words.size() >= 5 && isExecMode(words[3])) {
        n.kind = Invariant::Kind::Exec;
        n.execMode = words[3];
        globAt = 4;
      } else if (auto bits = accessBits(what)) {
        n.kind = Invariant::Kind::Access;
        n.bits = *bits;
      } else {
        fail(fmt::format("'{}' is no permission (read, write, ..., or letters rwaxmlkcd), exec MODE, capability "
                         "or class ({})",
                         what, "network, signal, ptrace, mount, dbus, userns, io_uring, mqueue, change_profile"));
        continue;
      }
      if (words.size() < globAt + 1 || words.size() > globAt + 2 ||
          (words.size() == globAt + 2 && words[globAt + 1] != "owner" && words[globAt + 1] != "other")) {
        fail("usage: never PROFILE ACCESS GLOB [owner|other]  or  never PROFILE exec MODE GLOB [owner|other]");
        continue;
      }
      n.glob = words[globAt];
      if (words.size() == globAt + 2)
        n.owner = words[globAt + 1] == "owner";
      std::string globError;
      if (n.glob != "*" && !dfa::globToRegex(n.glob, globError)) {
        fail(fmt::format("bad glob '{}': {}", n.glob, globError));
        continue;
      }
    } else {
      fail(fmt::format("unknown assertion '{}' (policy, allow, deny, log, transition, never)", kw));
      continue;
    }
    spec.assertions.push_back(std::move(a));
  }
  return spec;
}

namespace {

std::string outcomeText(const Decision &d) {
  std::string out = d.verdict == Verdict::Allow ? "allowed" : "denied";
  if (d.log != LogKind::None)
    out += fmt::format(" (logged {})", logKindName(d.log));
  if (d.transition)
    out += fmt::format(" -> {} [{}]", d.transition->target, d.transition->mode);
  if (!d.info.empty())
    out += fmt::format(" ({})", d.info);
  return out;
}

// The automaton of a spec's glob (built as an attachment): the paths it
// names accept with kMayExecAttach.
std::optional<dfa::Dfa> patternAutomaton(const std::string &glob, std::string &error) {
  auto converted = dfa::globToRegex(glob == "*" ? "**" : glob, error);
  if (!converted)
    return std::nullopt;
  auto a = dfa::buildAttachment(converted->regex, {}, 2'000'000, error);
  if (!a)
    return std::nullopt;
  return std::move(a->dfa);
}

bool patternAccepts(const dfa::Dfa &d, uint32_t s) { return s != dfa::Dfa::kDead && (d.perms[s].allow & kMayExecAttach); }

// The shortest path a pattern names (for profiles that allow everything).
std::string shortestPath(const dfa::Dfa &pattern) {
  std::string found;
  dfa::ProductWalk walk(dfa::DfaView{pattern}, dfa::DfaView{pattern});
  walk.run(
      dfa::Dfa::kStart, dfa::Dfa::kStart,
      [&](uint32_t l, uint32_t) {
        if (!patternAccepts(pattern, l))
          return true;
        found = walk.input();
        return false;
      },
      [](uint32_t l, uint32_t) { return l != dfa::Dfa::kDead; });
  return found;
}

struct Violation {
  std::vector<std::string> words;
  std::string note;  // why, when no request shows it
};

// The first string of the pattern that the profile's file automaton grants
// what the invariant rules out (shortest first).
std::optional<Violation> fileViolation(const LoadedProfile &p, const dfa::Dfa &pattern, const Invariant &n) {
  if (!p.file)
    return std::nullopt;
  std::optional<Violation> found;
  dfa::ProductWalk walk(dfa::DfaView{pattern}, dfa::KernelDfaView{*p.file});
  walk.run(
      dfa::Dfa::kStart, dfa::KernelDfa::kStart,
      [&](uint32_t l, uint32_t r) {
        if (!patternAccepts(pattern, l) || r == 0)
          return true;
        for (bool owner : {true, false}) {
          if (n.owner && *n.owner != owner)
            continue;
          Perms perms = filePermsAt(*p.file, r, owner);
          std::string input = walk.input();
          if (n.kind == Invariant::Kind::Access && (perms.allow & n.bits)) {
            found = Violation{fileWitnessWords(input, perms.allow & n.bits, owner), {}};
            return false;
          }
          if (n.kind == Invariant::Kind::Exec && (perms.allow & perm::kExec) && modeMatches(perms.xindex, n.execMode)) {
            found = Violation{fileWitnessWords(input, perm::kExec, owner), {}};
            return false;
          }
        }
        return true;
      },
      [](uint32_t l, uint32_t r) { return l != dfa::Dfa::kDead && r != 0; });
  return found;
}

// The first string of a policy class (or the file automaton's
// change_profile strings) that grants anything.
std::optional<Violation> classViolation(const LoadedProfile &p, const std::string &name) {
  using namespace policy_class;
  if (name == "change_profile") {
    if (!p.file)
      return std::nullopt;
    std::optional<Violation> found;
    dfa::ProductWalk walk(dfa::KernelDfaView{*p.file}, dfa::KernelDfaView{*p.file});
    walk.run(
        dfa::KernelDfa::kStart, dfa::KernelDfa::kStart,
        [&](uint32_t s, uint32_t) {
          uint32_t bits = filePermsAt(*p.file, s, true).allow & (perm::kChangeProfile | perm::kOnexec);
          if (!bits)
            return true;
          found = Violation{fileWitnessWords(walk.input(), bits, true), {}};
          return false;
        },
        [](uint32_t s, uint32_t) { return s != 0; });
    return found;
  }
  auto classByte = [](uint8_t c) { return std::string(1, static_cast<char>(c)); };
  std::vector<std::string> starts;  // the input reaching the class (its prefix in witnesses)
  if (name == "network")
    starts = {classByte(kNet), classByte(kUnixV7)};
  else if (name == "signal")
    starts = {classByte(kSignal)};
  else if (name == "ptrace")
    starts = {classByte(kLabel) + classByte(kPtrace)};
  else if (name == "mount")
    starts = {classByte(kMount)};
  else if (name == "dbus")
    starts = {classByte(kDbus)};
  else if (name == "userns")
    starts = {classByte(kNs)};
  else if (name == "io_uring")
    starts = {classByte(kIoUring)};
  else if (name == "mqueue")
    starts = {classByte(kPosixMqueue), classByte(kSysvMqueue)};
  if (!p.policydb)
    return Violation{{}, fmt::format("the policy has no policy automaton: {} is not mediated", name)};
  const dfa::KernelDfa &db = *p.policydb;
  // What the kernel's mapping grants every state, rules or not (old ABIs
  // add lock): no rule's grant.
  const uint32_t baseline = policyPerms(0, 0, p.abi).allow;
  bool mediated = false;
  for (const std::string &prefix : starts) {
    uint32_t start = db.walk(prefix);
    if (!start)
      continue;
    mediated = true;
    std::optional<Violation> found;
    dfa::ProductWalk walk(dfa::KernelDfaView{db}, dfa::KernelDfaView{db});
    walk.run(
        start, start,
        [&](uint32_t s, uint32_t) {
          uint32_t allow = policyPermsAt(db, s, p.abi).allow & ~baseline;
          if (!allow || s == start)
            return true;
          std::string input = prefix + walk.input();
          std::vector<std::string> words = policyWitnessWords(input, allow);
          found = Violation{words, words.empty() ? fmt::format("{} \"{}\" is granted", name, dfa::showBytes(input.substr(1)))
                                                 : std::string()};
          return false;
        },
        [](uint32_t s, uint32_t) { return s != 0; });
    if (found)
      return found;
  }
  if (!mediated && name != "ptrace")
    return Violation{{}, fmt::format("{} is not mediated for this profile: the kernel allows every request", name)};
  return std::nullopt;
}

} // namespace

AssertionResult checkAssertion(const LoadedPolicy &policy, const SpecAssertion &a, const DecideOptions &options) {
  AssertionResult r;
  if (a.kind != SpecAssertion::Kind::Never) {
    auto label = resolveProfile(policy, a.profile);
    if (!label) {
      r.message = fmt::format("no profile is named '{}' or attaches to it", a.profile);
      return r;
    }
    r.profile = *label;
    std::string error;
    auto request = parseOperation(a.words, error);
    if (!request) {
      r.message = error;
      return r;
    }
    Decision d = decide(policy, *label, *request, options);
    switch (a.kind) {
    case SpecAssertion::Kind::Allow: r.passed = d.verdict == Verdict::Allow; break;
    case SpecAssertion::Kind::Deny: r.passed = d.verdict == Verdict::Deny; break;
    case SpecAssertion::Kind::Log: r.passed = d.log == a.log; break;
    case SpecAssertion::Kind::Transition:
      r.passed = d.verdict == Verdict::Allow && d.transition && d.transition->target == a.target;
      break;
    case SpecAssertion::Kind::Never: break;
    }
    if (!r.passed)
      r.message = fmt::format("{} {} {}", *label, joinWords(a.words), outcomeText(d));
    r.decision = std::move(d);
    return r;
  }

  const Invariant &n = a.never;
  std::vector<const LoadedProfile *> profiles;
  if (a.profile == "*") {
    for (const auto &p : policy.profiles())
      profiles.push_back(&p);
  } else if (auto label = resolveProfile(policy, a.profile); label && policy.find(*label)) {
    profiles.push_back(policy.find(*label));
  } else {
    r.message = fmt::format("no profile is named '{}' or attaches to it", a.profile);
    return r;
  }
  std::optional<dfa::Dfa> pattern;
  if (n.kind == Invariant::Kind::Access || n.kind == Invariant::Kind::Exec) {
    std::string error;
    pattern = patternAutomaton(n.glob, error);
    if (!pattern) {
      r.message = fmt::format("bad glob '{}': {}", n.glob, error);
      return r;
    }
  }
  for (const LoadedProfile *p : profiles) {
    std::optional<Violation> v;
    if (p->mode == ProfileMode::Complain || p->mode == ProfileMode::Unconfined) {
      // The kernel allows such a profile everything it asks for.
      Violation all;
      all.note = fmt::format("profile {} is in {} mode: it allows every request", p->name,
                             p->mode == ProfileMode::Complain ? "complain" : "unconfined");
      if (pattern) {
        std::string path = shortestPath(*pattern);
        all.words = n.kind == Invariant::Kind::Exec ? std::vector<std::string>{"exec", path}
                                                    : fileWitnessWords(path, n.bits, n.owner.value_or(true));
      } else if (n.kind == Invariant::Kind::Capability) {
        all.words = {"capability", capabilityName(n.capability)};
      }
      v = std::move(all);
    } else if (n.kind == Invariant::Kind::Capability) {
      if (p->capsAllow >> n.capability & 1)
        v = Violation{{"capability", capabilityName(n.capability)}, {}};
    } else if (n.kind == Invariant::Kind::Class) {
      v = classViolation(*p, n.className);
    } else {
      v = fileViolation(*p, *pattern, n);
    }
    if (!v)
      continue;
    r.profile = p->name;
    r.counterexample = v->words;
    std::string error;
    auto request = v->words.empty() ? std::nullopt : parseOperation(v->words, error);
    if (request) {
      Decision d = decide(policy, p->name, *request, options);
      r.message = fmt::format("{} {}: {}{}", p->name, joinWords(v->words), outcomeText(d),
                              v->note.empty() ? "" : "; " + v->note);
      r.decision = std::move(d);
    } else {
      r.message = fmt::format("{}: {}", p->name, v->note.empty() ? joinWords(v->words) : v->note);
    }
    return r;
  }
  r.passed = true;
  return r;
}

} // namespace aasim::simulator

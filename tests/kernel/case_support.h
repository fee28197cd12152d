// What the two kernel case generators (kernel_cases.cpp for the oracle,
// guest_cases.cpp for aasim's own guest driver) share: reading a blob and
// the paths a guest can hold.
#pragma once

#include "simulator/loaded_policy.h"

#include "dfa/policy_blob.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

namespace aasim::test {

inline std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Paths the guest can hold and both trace formats can carry as one word:
// absolute, plain characters, no empty, `.` or `..` components, not in the
// kernel's own file systems (the guests leave /proc, /sys, /dev alone).
inline bool usablePath(const std::string &p) {
  if (p.size() < 2 || p[0] != '/' || p.size() > 200 || p.back() == '/')
    return false;
  for (unsigned char c : p)
    if (!(std::isalnum(c) || std::string_view("/._-+@:,=~").find(static_cast<char>(c)) != std::string_view::npos))
      return false;
  if (p.find("//") != std::string::npos || p.find("/./") != std::string::npos || p.find("/../") != std::string::npos ||
      p.ends_with("/.") || p.ends_with("/.."))
    return false;
  for (const char *kernelFs : {"/proc", "/sys", "/dev"})
    if (p == kernelFs || p.rfind(std::string(kernelFs) + "/", 0) == 0)
      return false;
  size_t component = 0;
  for (char c : p) {
    component = c == '/' ? 0 : component + 1;
    if (component > 60)
      return false;
  }
  return true;
}

/// The paths of one guest run: each is a regular file or a directory for
/// the whole run, never both (a file's path under another file fails with
/// ENOTDIR, not by AppArmor).
class PathClaims {
public:
  explicit PathClaims(std::set<std::string> files = {}) : files_(std::move(files)) {}

  /// `p` as a file: no directory of that name, no file above it. With
  /// `again`, a path claimed as a file before may be claimed again.
  bool claimFile(const std::string &p, bool again) {
    if (dirs_.count(p) || (!again && files_.count(p)) || underFile(p))
      return false;
    files_.insert(p);
    addParents(p);
    return true;
  }
  /// `p` as a directory: no file of that name or above it.
  bool claimDir(const std::string &p) {
    if (files_.count(p) || underFile(p))
      return false;
    dirs_.insert(p);
    addParents(p);
    return true;
  }

private:
  bool underFile(const std::string &p) const {
    for (size_t slash = p.find('/', 1); slash != std::string::npos; slash = p.find('/', slash + 1))
      if (files_.count(p.substr(0, slash)))
        return true;
    return false;
  }
  void addParents(const std::string &p) {
    for (size_t slash = p.find('/', 1); slash != std::string::npos; slash = p.find('/', slash + 1))
      dirs_.insert(p.substr(0, slash));
  }

  std::set<std::string> files_, dirs_;
};

/// The options both generators take: --out DIR, --seed N, the numeric
/// options of `counts` (with their defaults), and the case LIST.
struct CaseOptions {
  std::string out, list;
  unsigned seed = 1;
  std::map<std::string, size_t> counts;
};

inline std::optional<CaseOptions> parseCaseOptions(int argc, char **argv, const char *tool,
                                                   std::map<std::string, size_t> counts) {
  CaseOptions o;
  o.counts = std::move(counts);
  std::string usage = fmt::format("usage: {} --out DIR [--seed N]", tool);
  for (const auto &[name, value] : o.counts)
    usage += fmt::format(" [{} N]", name);
  usage += " LIST";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) {
      o.list = a;
      continue;
    }
    if (i + 1 >= argc || (a != "--out" && a != "--seed" && !o.counts.count(a))) {
      fmt::print(stderr, "{}\n", usage);
      return std::nullopt;
    }
    std::string value = argv[++i];
    if (a == "--out")
      o.out = value;
    else if (a == "--seed")
      o.seed = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
    else
      o.counts[a] = std::strtoul(value.c_str(), nullptr, 10);
  }
  if (o.out.empty() || o.list.empty()) {
    fmt::print(stderr, "{}\n", usage);
    return std::nullopt;
  }
  return o;
}

/// One line of a case list: TAG, apparmor_parser's blob, and aasim's
/// blob of the same source (empty when aasim refused it).
struct CaseEntry {
  std::string tag, parserBlob, aasimBlob;
};

/// Each case of LIST with apparmor_parser's blob loaded: fn(entry,
/// policy). 0, or 2 when the list or a blob cannot be read.
template <class Fn> int forEachCase(const std::string &listPath, const char *tool, Fn &&fn) {
  std::ifstream list(listPath);
  if (!list) {
    fmt::print(stderr, "{}: cannot read '{}'\n", tool, listPath);
    return 2;
  }
  std::string line;
  while (std::getline(list, line)) {
    std::istringstream fields(line);
    CaseEntry entry;
    fields >> entry.tag >> entry.parserBlob >> entry.aasimBlob;
    if (entry.tag.empty() || entry.tag[0] == '#')
      continue;
    auto read = dfa::readPolicyBlob(readFile(entry.parserBlob));
    if (read.error) {
      fmt::print(stderr, "{}: {}: {}\n", tool, entry.parserBlob, read.error->message);
      return 2;
    }
    simulator::LoadedPolicy policy;
    for (const auto &r : read.profiles)
      policy.add(simulator::loadProfile(r));
    fn(entry, policy);
  }
  return 0;
}

} // namespace aasim::test

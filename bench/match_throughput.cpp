// Benchmark: how fast the kernel's matching algorithm walks aasim's
// compressed file tables, in nanoseconds per byte of real paths, next to a
// plain strlen over the same bytes (the floor any matcher has to touch
// every byte) and to the uncompressed automaton (one table lookup a byte).
//
//   build/bench/match_throughput PROFILE [-b BASE_DIR] [PATH_LIST]
//
// PATH_LIST holds one path a line; without it, the paths of /usr and /etc
// are collected (up to 200,000). The profile's first profile is used.
#include "dfa/compress.h"
#include "dfa/policy_compiler.h"
#include "frontend/frontend.h"

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace aasim;

namespace {

constexpr size_t kMaxPaths = 200'000;

std::vector<std::string> systemPaths() {
  std::vector<std::string> out;
  for (const char *root : {"/usr", "/etc"}) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
         it != end && out.size() < kMaxPaths; it.increment(ec)) {
      if (ec)
        break;
      out.push_back(it->path().string());
    }
  }
  return out;
}

std::vector<std::string> readPaths(const std::string &file) {
  std::vector<std::string> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line) && out.size() < kMaxPaths;)
    if (!line.empty())
      out.push_back(line);
  return out;
}

// Runs `walk` over every path `rounds` times; returns ns per byte. The
// checksum keeps the compiler from dropping the work.
template <class Walk> double nsPerByte(const std::vector<std::string> &paths, size_t bytes, int rounds, Walk walk,
                                       uint64_t &checksum) {
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r)
    for (const auto &p : paths)
      checksum += walk(p);
  double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  return ns / (static_cast<double>(bytes) * rounds);
}

} // namespace

int main(int argc, char **argv) {
  std::string profile, pathList;
  frontend::FrontendOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-b" && i + 1 < argc)
      options.paths.baseDir = argv[++i];
    else if (profile.empty())
      profile = a;
    else
      pathList = a;
  }
  if (profile.empty()) {
    fmt::print(stderr, "usage: match_throughput PROFILE [-b BASE_DIR] [PATH_LIST]\n");
    return 2;
  }
  std::string error;
  auto fe = frontend::Frontend::create(options, error);
  if (!fe) {
    fmt::print(stderr, "match_throughput: {}\n", error);
    return 2;
  }
  auto loaded = fe->loadPath(profile);
  if (!loaded.accepted) {
    fmt::print(stderr, "match_throughput: {} is rejected (run aasim check on it)\n", profile);
    return 1;
  }
  frontend::Diagnostics diags;
  auto compiled = dfa::compilePolicy(*loaded.policy, loaded.vars, diags, dfa::CompileOptions{});
  if (compiled.empty()) {
    fmt::print(stderr, "match_throughput: no profile compiled from {}\n", profile);
    return 1;
  }
  const dfa::Dfa &automaton = compiled.front().fileDfa;
  dfa::KernelDfa tables = dfa::compressDfa(automaton);

  std::vector<std::string> paths = pathList.empty() ? systemPaths() : readPaths(pathList);
  size_t bytes = 0;
  for (const auto &p : paths)
    bytes += p.size();
  if (bytes == 0) {
    fmt::print(stderr, "match_throughput: no paths\n");
    return 1;
  }
  const int rounds = static_cast<int>(std::max<size_t>(1, 50'000'000 / bytes));
  uint64_t checksum = 0;
  double strlenNs = nsPerByte(paths, bytes, rounds, [](const std::string &p) { return std::strlen(p.c_str()); },
                              checksum);
  double tablesNs = nsPerByte(paths, bytes, rounds, [&](const std::string &p) { return tables.walk(p); }, checksum);
  double dfaNs = nsPerByte(paths, bytes, rounds, [&](const std::string &p) { return automaton.walk(p); }, checksum);
  fmt::print("{}: profile {}: {} states, {} table bytes\n", profile, compiled.front().name, tables.stateCount(),
             dfa::tableBytes(tables));
  fmt::print("{} paths, {} bytes, {} rounds\n", paths.size(), bytes, rounds);
  fmt::print("strlen                      {:6.3f} ns/byte\n", strlenNs);
  fmt::print("kernel tables (compressed)  {:6.3f} ns/byte\n", tablesNs);
  fmt::print("aasim automaton (full)      {:6.3f} ns/byte\n", dfaNs);
  fmt::print("(checksum {})\n", checksum);
  return 0;
}

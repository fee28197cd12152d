// Benchmark: check every profile of the shared corpus (upstream's sets and
// roddhjav's trees) in one process, as `aasim check` would with the search
// paths the corpus README gives. Reports profiles per second and peak RSS.
//
//   build/bench/check_corpus [CORPUS_DIR]   (default $AASIM_CORPUS or ../shared/corpus)
#include "frontend/frontend.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sys/resource.h>
#include <vector>

namespace fs = std::filesystem;
using namespace aasim::frontend;

namespace {

struct ProfileSet {
  std::string name;
  std::vector<std::string> files;
  SearchPaths paths;
};

std::vector<std::string> filesUnder(const std::vector<fs::path> &roots, bool recursive) {
  std::vector<std::string> out;
  for (const auto &root : roots) {
    if (!fs::is_directory(root))
      continue;
    auto add = [&](const fs::directory_entry &e) {
      if (e.is_regular_file() && e.path().filename().string().rfind("README", 0) != 0)
        out.push_back(e.path().string());
    };
    if (recursive)
      for (const auto &e : fs::recursive_directory_iterator(root))
        add(e);
    else
      for (const auto &e : fs::directory_iterator(root))
        add(e);
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

int main(int argc, char **argv) {
  const char *env = std::getenv("AASIM_CORPUS");
  fs::path corpus = argc > 1 ? fs::path(argv[1]) : env ? fs::path(env) : fs::path("../shared/corpus");
  fs::path profiles = corpus / "profiles";
  fs::path up = profiles / "upstream/apparmor.d";
  if (!fs::is_directory(up)) {
    fmt::print(stderr, "no profile corpus at {}\n", profiles.string());
    return 2;
  }
  std::vector<ProfileSet> sets;
  sets.push_back({"upstream", filesUnder({up}, false), {{}, up.string()}});
  sets.push_back({"upstream-extra", filesUnder({profiles / "upstream/extra-profiles"}, false),
                  {{up.string()}, (profiles / "upstream/extra-profiles").string()}});
  for (const char *abi : {"abi4", "abi5"}) {
    fs::path tree = profiles / "roddhjav" / abi / "apparmor.d";
    std::vector<fs::path> roots = {tree / "groups", tree / "namespaces"};
    for (const char *part : {"profiles-a-f", "profiles-g-l", "profiles-m-r", "profiles-s-z"})
      roots.push_back(tree / part);
    sets.push_back({std::string("roddhjav-") + abi, filesUnder(roots, true), {{tree.string()}, up.string()}});
  }

  size_t total = 0, accepted = 0;
  auto start = std::chrono::steady_clock::now();
  for (const auto &set : sets) {
    std::string error;
    auto fe = Frontend::create(FrontendOptions{set.paths, std::nullopt, {}}, error);
    auto setStart = std::chrono::steady_clock::now();
    size_t ok = 0;
    for (const auto &f : set.files)
      ok += fe->loadPath(f).accepted;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - setStart).count();
    fmt::print("{:16} {:5} profiles {:5} accepted {:8.3f} s {:9.0f} profiles/s\n", set.name, set.files.size(), ok,
               secs, set.files.size() / std::max(secs, 1e-9));
    total += set.files.size();
    accepted += ok;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  fmt::print("{:16} {:5} profiles {:5} accepted {:8.3f} s {:9.0f} profiles/s, peak RSS {:.1f} MiB\n", "total",
             total, accepted, secs, total / std::max(secs, 1e-9), ru.ru_maxrss / 1024.0);
  return accepted == total ? 0 : 1;
}

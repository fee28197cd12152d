// Helpers shared by the unit tests: run the frontend on in-memory text.
#pragma once

#include "frontend/frontend.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <fstream>
#include <string>

namespace aasim::test {

struct CheckOutcome {
  bool accepted = false;
  std::string firstError;  // "line:col: message"
};

inline CheckOutcome checkText(const std::string &text, frontend::FrontendOptions opts = {}) {
  std::string err;
  auto fe = frontend::Frontend::create(opts, err);
  auto f = fe->load("test.sd", text);
  CheckOutcome out{f.accepted, {}};
  for (size_t i = f.firstDiagnostic; i < f.endDiagnostic; ++i) {
    const auto &d = fe->diagnostics().items()[i];
    if (d.severity != frontend::Severity::Error)
      continue;
    auto lc = fe->sources().lineCol(d.loc);
    out.firstError = std::to_string(lc.line) + ":" + std::to_string(lc.col) + ": " + d.message;
    break;
  }
  return out;
}

/// $AASIM_CORPUS, else ../shared/corpus next to the source tree.
inline std::filesystem::path corpusDir() {
  if (const char *env = std::getenv("AASIM_CORPUS"))
    return env;
  return std::filesystem::path(AASIM_TEST_FIXTURES) / ".." / ".." / ".." / "shared" / "corpus";
}

/// A scratch directory removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/aasim-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string &rel, const std::string &text) const {
    auto p = path / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
};

// `apparmor_parser -Q -S [extra] file`; nullopt when the parser fails.
inline std::optional<std::string> compileWithParser(const std::string &parser, const std::string &extra,
                                             const std::string &file) {
  std::string cmd = fmt::format("'{}' -Q -S {} '{}' 2>/dev/null", parser, extra, file);
  FILE *pipe = popen(cmd.c_str(), "r");
  if (!pipe)
    return std::nullopt;
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0)
    out.append(buf, n);
  if (pclose(pipe) != 0)
    return std::nullopt;
  return out;
}

} // namespace aasim::test

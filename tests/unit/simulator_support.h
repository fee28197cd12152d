// Helpers shared by the simulator's tests: policy text compiled and loaded
// as `aasim query -M FEATURES` does it.
#pragma once

#include "simulator/compiled_policy.h"
#include "simulator/loaded_policy.h"
#include "simulator/operation_syntax.h"

#include "automaton_samples.h"
#include "test_support.h"
#include "dfa/policy_compiler.h"
#include "frontend/frontend.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace aasim::test {

/// Debian's own feature set (package apparmor) when installed, else the
/// corpus's features.all; nullopt when neither is there.
inline std::optional<std::string> kernelFeatures() {
  if (std::filesystem::exists("/usr/share/apparmor-features/features"))
    return "/usr/share/apparmor-features/features";
  std::filesystem::path all = corpusDir() / "parser-tests" / "features_files" / "features.all";
  if (std::filesystem::exists(all))
    return all.string();
  return std::nullopt;
}

inline std::string readFile(const std::filesystem::path &p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// nullopt with `error` (the first diagnostic) when the text is rejected.
inline std::optional<simulator::LoadedPolicy> loadPolicyText(const std::string &text,
                                                             const std::optional<std::string> &features,
                                                             std::string &error,
                                                             dfa::LanguageVersion version = dfa::LanguageVersion::V6_0,
                                                             const frontend::SearchPaths &paths = {},
                                                             uint32_t *mainFile = nullptr) {
  frontend::FrontendOptions fo;
  fo.dialect = version == dfa::LanguageVersion::V3_0 ? frontend::Dialect::V3_0 : frontend::Dialect::V6_0;
  fo.featuresFile = features;
  fo.paths = paths;
  auto fe = frontend::Frontend::create(fo, error);
  if (!fe)
    return std::nullopt;
  auto f = fe->load("t.sd", text);
  if (!f.accepted) {
    error = "rejected";
    for (size_t i = f.firstDiagnostic; i < f.endDiagnostic; ++i)
      error += ": " + fe->diagnostics().items()[i].message;
    return std::nullopt;
  }
  if (mainFile && !f.policy->profiles.empty())
    *mainFile = f.policy->profiles.front().loc.file;  // the text's own file id (includes have others)
  dfa::CompileOptions o;
  o.version = version;
  o.records = true;
  o.kernelStacks = fe->features().has("domain/stack");
  if (features) {
    o.features = dfa::PolicyFeatures::from(fe->features());
    o.recordFeatures = dfa::RecordFeatures::from(fe->features());
  }
  frontend::Diagnostics diags;
  auto compiled = dfa::compilePolicy(*f.policy, f.vars, diags, o);
  if (diags.hasErrors()) {
    error = "compile error: " + diags.items().front().message;
    return std::nullopt;
  }
  simulator::LoadedPolicy p;
  addCompiledProfiles(std::move(compiled), p);
  return p;
}

/// The same, a test failure when the text is rejected (an empty policy then).
inline simulator::LoadedPolicy loadOrFail(const std::string &text, const frontend::SearchPaths &paths = {},
                                          dfa::LanguageVersion version = dfa::LanguageVersion::V6_0) {
  std::string error;
  auto p = loadPolicyText(text, kernelFeatures(), error, version, paths);
  EXPECT_TRUE(p) << error;
  return p ? std::move(*p) : simulator::LoadedPolicy{};
}

/// The request an operation line names (`open /etc/shadow r`), as
/// `aasim query` reads it; a test failure when the line is not one.
inline simulator::Request op(const std::string &line) {
  std::string error;
  auto words = simulator::splitWords(line, error);
  EXPECT_TRUE(words) << error;
  auto r = words ? simulator::parseOperation(*words, error) : std::nullopt;
  EXPECT_TRUE(r) << line << ": " << error;
  return r ? *r : simulator::Request(simulator::FileRequest{});
}

/// AASIM_DECISION_STRIDE, default 40: how sparsely the corpus
/// differentials sample the profile files.
inline size_t decisionStride() {
  const char *env = std::getenv("AASIM_DECISION_STRIDE");
  return std::max<size_t>(env ? std::strtoul(env, nullptr, 10) : 40, 1);
}

/// The files of a roddhjav profile set (its parser-status.tsv) that
/// apparmor_parser 3.0.8 accepts and `keep` keeps, every `stride`-th of them.
inline std::vector<std::string> parserAcceptedFiles(const std::filesystem::path &set, size_t stride,
                                                    const std::function<bool(const std::string &)> &keep = {}) {
  std::ifstream status(set / "parser-status.tsv");
  std::string line;
  std::getline(status, line);  // the header
  std::vector<std::string> files;
  size_t n = 0;
  while (std::getline(status, line)) {
    std::stringstream row(line);
    std::string file, newer, verdict;
    std::getline(row, file, '\t');
    std::getline(row, newer, '\t');
    std::getline(row, verdict, '\t');
    if (verdict == "ok" && (!keep || keep(file)) && ++n % std::max<size_t>(stride, 1) == 0)
      files.push_back(file);
  }
  return files;
}

} // namespace aasim::test

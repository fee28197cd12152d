// Helpers shared by the simulator's tests: policy text compiled and loaded
// as `aasim query -M FEATURES` does it.
#pragma once

#include "simulator/compiled_policy.h"
#include "simulator/loaded_policy.h"

#include "dfa/kernel_dfa.h"
#include "dfa/policy_compiler.h"
#include "frontend/frontend.h"

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

/// nullopt with `error` (the first diagnostic) when the text is rejected.
inline std::optional<simulator::LoadedPolicy> loadPolicyText(const std::string &text,
                                                             const std::optional<std::string> &features,
                                                             std::string &error,
                                                             dfa::LanguageVersion version = dfa::LanguageVersion::V6_0,
                                                             const frontend::SearchPaths &paths = {}) {
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

/// Strings the automaton accepts from `start`, by random walks (the
/// profile's own rules), and near misses of them: one byte changed, one
/// component more, the last byte dropped.
inline std::vector<std::string> sampleAccepted(const dfa::KernelDfa &t, uint32_t start, std::mt19937 &rng, size_t n) {
  std::vector<std::string> out;
  for (size_t k = 0; k < n * 20 && out.size() < n; ++k) {
    std::string s;
    uint32_t state = start;
    for (int len = 0; len < 80; ++len) {
      if (t.accept[state] && std::uniform_int_distribution<int>(0, 3)(rng) == 0)
        break;
      std::vector<uint8_t> live;
      for (unsigned b = 1; b < 256; ++b)
        if (t.step(state, static_cast<uint8_t>(b)) != dfa::KernelDfa::kNoMatch)
          live.push_back(static_cast<uint8_t>(b));
      if (t.step(state, 0) != dfa::KernelDfa::kNoMatch && start != dfa::KernelDfa::kStart)
        live.push_back(0);  // past the class byte, NUL separates a string's parts
      if (live.empty())
        break;
      uint8_t b = live[std::uniform_int_distribution<size_t>(0, live.size() - 1)(rng)];
      s += static_cast<char>(b);
      state = t.step(state, b);
    }
    if (!t.accept[state])
      continue;
    out.push_back(s);
    if (!s.empty()) {
      std::string miss = s;
      miss[std::uniform_int_distribution<size_t>(0, s.size() - 1)(rng)] = 'Q';
      out.push_back(miss);
      out.push_back(s + "/x");
      out.push_back(s.substr(0, s.size() - 1));
    }
  }
  return out;
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

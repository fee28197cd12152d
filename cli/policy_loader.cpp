#include "policy_loader.h"

#include "simulator/compiled_policy.h"
#include "frontend/include_resolver.h"
#include "dfa/policy_records.h"
#include "dfa/policy_writer.h"

#include <fmt/format.h>

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <iterator>

namespace aasim::cli {

using namespace frontend;

bool looksLikeBinaryPolicy(std::string_view bytes) {
  static constexpr std::string_view kMagic("\x04\x08\x00version", 10);
  return bytes.substr(0, kMagic.size()) == kMagic;
}

std::string describeLocation(const SourceManager &sm, SourceLoc loc) {
  if (!loc.valid())
    return "<no location>";
  LineCol lc = sm.lineCol(loc);
  return fmt::format("{}:{}:{}", sm.path(loc.file), lc.line, lc.col);
}

namespace {

bool isDirectory(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool loadBinary(const std::string &file, const std::string &bytes, simulator::LoadedPolicy &out) {
  dfa::BlobReadResult r = dfa::readPolicyBlob(bytes);
  if (r.error) {
    fmt::print(stderr, "aasim: error: {}: binary policy unreadable at byte {}: {}\n", file, r.error->offset,
               r.error->message);
    return false;
  }
  for (const auto &record : r.profiles)
    out.add(simulator::loadProfile(record));
  return true;
}

// The profiles of a loaded source file, compiled with their records;
// nullopt after printing its errors.
std::optional<std::vector<dfa::CompiledProfile>> compileSource(Frontend &fe, const LoadedFile &f,
                                                                 const PolicyLoadOptions &options) {
  for (size_t i = f.firstDiagnostic; i < f.endDiagnostic; ++i) {
    const Diagnostic &d = fe.diagnostics().items()[i];
    if (d.severity == Severity::Error || !options.quiet)
      fmt::print(stderr, "{}", renderDiagnostic(fe.sources(), d));
  }
  if (!f.accepted || !f.policy)
    return std::nullopt;
  dfa::CompileOptions co = options.compile;
  co.records = true;
  co.kernelStacks = fe.features().has("domain/stack");
  Diagnostics diags;
  std::vector<dfa::CompiledProfile> compiled = dfa::compilePolicy(*f.policy, f.vars, diags, co);
  for (const auto &d : diags.items())
    if (d.severity == Severity::Error || !options.quiet)
      fmt::print(stderr, "{}", renderDiagnostic(fe.sources(), d));
  if (diags.hasErrors())
    return std::nullopt;
  return compiled;
}

bool compileLoaded(Frontend &fe, LoadedFile f, const PolicyLoadOptions &options, simulator::LoadedPolicy &out,
                   std::vector<LoadedFile> *sources) {
  auto compiled = compileSource(fe, f, options);
  if (!compiled)
    return false;
  simulator::addCompiledProfiles(std::move(*compiled), out);
  if (sources)
    sources->push_back(std::move(f));
  return true;
}

bool loadSource(Frontend &fe, const std::string &file, const PolicyLoadOptions &options,
                simulator::LoadedPolicy &out, std::vector<LoadedFile> *sources) {
  return compileLoaded(fe, fe.loadPath(file), options, out, sources);
}

// A file in one piece: a corpus of binary policy is tens of megabytes.
std::string readWhole(std::ifstream &in) {
  std::string bytes;
  in.seekg(0, std::ios::end);
  bytes.resize(static_cast<size_t>(std::max<std::streamoff>(in.tellg(), 0)));
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

} // namespace

std::optional<std::string> compilePolicyFile(Frontend &fe, const std::string &file, const PolicyLoadOptions &options) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "aasim: error: cannot read '{}': {}\n", file, std::strerror(errno));
    return std::nullopt;
  }
  std::string bytes = readWhole(in);
  if (looksLikeBinaryPolicy(bytes))
    return bytes;
  auto compiled = compileSource(fe, fe.load(file, std::move(bytes)), options);
  if (!compiled)
    return std::nullopt;
  return dfa::writePolicyBlob(dfa::policyRecords(*compiled));
}

std::unique_ptr<Frontend> openFrontend(const FrontendOptions &options, dfa::CompileOptions &compile) {
  std::string error;
  auto fe = Frontend::create(options, error);
  if (!fe) {
    fmt::print(stderr, "aasim: {}\n", error);
    return nullptr;
  }
  if (options.featuresFile) {
    compile.features = dfa::PolicyFeatures::from(fe->features());
    compile.recordFeatures = dfa::RecordFeatures::from(fe->features());
  }
  return fe;
}

bool loadPolicySource(Frontend &fe, const std::string &name, std::string text, const PolicyLoadOptions &options,
                      simulator::LoadedPolicy &out, std::vector<LoadedFile> *sources) {
  return compileLoaded(fe, fe.load(name, std::move(text)), options, out, sources);
}

bool loadPolicyFiles(Frontend &fe, const std::vector<std::string> &files, const PolicyLoadOptions &options,
                     simulator::LoadedPolicy &out, std::vector<LoadedFile> *sources) {
  bool ok = true;
  for (const std::string &file : files) {
    if (isDirectory(file)) {
      std::vector<std::string> inner;
      for (const auto &name : sortedDirectoryNames(file)) {
        bool loud = false;
        std::string full = file + (file.back() == '/' ? "" : "/") + name;
        if (!isIgnoredIncludeName(name, loud) && !isDirectory(full))
          inner.push_back(full);
      }
      ok = loadPolicyFiles(fe, inner, options, out, sources) && ok;
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      fmt::print(stderr, "aasim: error: cannot read '{}': {}\n", file, std::strerror(errno));
      ok = false;
      continue;
    }
    std::string bytes = readWhole(in);
    ok = (looksLikeBinaryPolicy(bytes) ? loadBinary(file, bytes, out) : loadSource(fe, file, options, out, sources)) && ok;
  }
  return ok;
}

} // namespace aasim::cli

// Policy for the simulator commands (query, replay): source files are
// compiled by aasim into the records the kernel would load, keeping each
// profile's rules for explanations; binary policy files (apparmor_parser
// -S output, or aasim's) are read as they are.
#pragma once

#include "dfa/policy_compiler.h"
#include "frontend/frontend.h"
#include "simulator/loaded_policy.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aasim::cli {

struct PolicyLoadOptions {
  dfa::CompileOptions compile;
  bool quiet = false;  // no warnings on stderr
};

/// A command's frontend, and in `compile` the records of the target
/// kernel its features file (-M) describes (without one, apparmor_parser
/// 3.0.8's built-in set); null after printing why.
std::unique_ptr<frontend::Frontend> openFrontend(const frontend::FrontendOptions &options,
                                                 dfa::CompileOptions &compile);

/// Loads every file (a directory: its profile files) into `out`. Problems
/// are printed to stderr (with file:line:col for source); false when a
/// file could not be read or was rejected.
/// With `sources`, each source file's tree is kept there (for commands that
/// look at the rules as written, e.g. lint).
bool loadPolicyFiles(frontend::Frontend &fe, const std::vector<std::string> &files, const PolicyLoadOptions &options,
                     simulator::LoadedPolicy &out, std::vector<frontend::LoadedFile> *sources = nullptr);

/// Loads policy source given as text under the name `name` (its includes
/// resolve as the file's would); false after printing why.
bool loadPolicySource(frontend::Frontend &fe, const std::string &name, std::string text,
                      const PolicyLoadOptions &options, simulator::LoadedPolicy &out,
                      std::vector<frontend::LoadedFile> *sources = nullptr);

/// One policy file as the binary policy the kernel would load (what
/// `compile -S` writes; a binary policy file as it is), for work done in
/// other processes (-j); nullopt after printing why.
std::optional<std::string> compilePolicyFile(frontend::Frontend &fe, const std::string &file,
                                             const PolicyLoadOptions &options);

/// True when `bytes` start like binary policy (a "version" element).
bool looksLikeBinaryPolicy(std::string_view bytes);

/// "file:line:col" of a rule's origin.
std::string describeLocation(const frontend::SourceManager &sm, frontend::SourceLoc loc);

} // namespace aasim::cli

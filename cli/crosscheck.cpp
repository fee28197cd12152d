#include "crosscheck.h"

#include "dfa/compress.h"
#include "dfa/equivalence.h"
#include "dfa/policy_blob.h"
#include "run_parser.h"

#include <fmt/format.h>

#include <map>

namespace aasim::cli {

using namespace frontend;

namespace {

// What the kernel loads when a profile has no file rules at all.
dfa::KernelDfa emptyKernelDfa() {
  dfa::KernelDfa d;
  d.accept = d.accept2 = d.base = d.def = {0, 0};
  d.next = d.check = std::vector<uint32_t>(256, 0);
  return d;
}

void printAll(const SourceManager &sm, const std::vector<Diagnostic> &items, size_t first, size_t end) {
  for (size_t i = first; i < end; ++i)
    if (items[i].severity != Severity::Note)
      fmt::print(stderr, "{}", renderDiagnostic(sm, items[i]));
}

// Proves one automaton equal to apparmor_parser's or prints the shortest
// string on which they differ, with the rules that match it.
bool compareAutomaton(const std::string &file, const dfa::CompiledProfile &cp, const char *what, const dfa::Dfa &ours,
                      const dfa::RuleSet &rules, const dfa::KernelDfa &theirs, const SourceManager &sm) {
  auto diff = dfa::firstDifference(ours, theirs);
  if (!diff) {
    fmt::print("{}: profile {}: {} automaton equal ({} states, apparmor_parser {}; tables {} bytes, "
               "apparmor_parser {})\n",
               file, cp.name, what, ours.stateCount(), theirs.stateCount(), dfa::tableBytes(dfa::compressDfa(ours)),
               dfa::tableBytes(theirs));
    return true;
  }
  fmt::print("{}: profile {}: {} automaton differs on '{}': aasim accept {:#010x} accept2 {:#010x}, "
             "apparmor_parser accept {:#010x} accept2 {:#010x}\n",
             file, cp.name, what, dfa::showBytes(diff->witness), diff->left.accept, diff->left.accept2,
             diff->right.accept, diff->right.accept2);
  for (size_t rule : dfa::rulesMatching(rules, diff->witness)) {
    const auto &o = rules.origins[rule];
    if (!o.loc.valid()) {
      fmt::print("  matched by a rule apparmor_parser adds implicitly: {}\n", rules.regexes[rule]);
      continue;
    }
    LineCol lc = sm.lineCol(o.loc);
    fmt::print("  matched by {}:{}:{}: {}\n", sm.path(o.loc.file), lc.line, lc.col, o.text);
  }
  return false;
}

} // namespace

int crosscheck(const std::string &file, const CrosscheckOptions &options) {
  std::string error;
  auto fe = Frontend::create(options.frontend, error);
  if (!fe) {
    fmt::print(stderr, "aasim: {}\n", error);
    return 2;
  }
  LoadedFile f = fe->loadPath(file);
  printAll(fe->sources(), fe->diagnostics().items(), f.firstDiagnostic, f.endDiagnostic);
  if (!f.accepted)
    return 1;
  Diagnostics compileDiags;
  // Without -M and without a kernel, apparmor_parser 3.0.8 falls back to
  // its built-in feature set, which lacks stacking.
  dfa::CompileOptions compile = options.compile;
  compile.kernelStacks = options.frontend.featuresFile && fe->features().has("domain/stack");
  if (options.frontend.featuresFile)
    compile.features = dfa::PolicyFeatures::from(fe->features());
  auto profiles = dfa::compilePolicy(*f.policy, f.vars, compileDiags, compile);
  printAll(fe->sources(), compileDiags.items(), 0, compileDiags.items().size());
  if (compileDiags.hasErrors())
    return 1;

  std::vector<std::string> argv{options.parser, "-Q", "-S"};
  for (const auto &dir : options.frontend.paths.includeDirs)
    argv.push_back("-I" + dir);
  if (!options.frontend.paths.baseDir.empty())
    argv.push_back("-b" + options.frontend.paths.baseDir);
  if (options.frontend.featuresFile)
    argv.push_back("-M" + *options.frontend.featuresFile);
  argv.push_back(file);
  ProcessResult oracle = runProcess(argv);
  if (!oracle.started) {
    fmt::print(stderr, "aasim: cannot run {} (is the apparmor package installed?)\n", options.parser);
    return 2;
  }
  if (oracle.exitStatus != 0) {
    fmt::print(stderr, "aasim: {} rejects {} (exit {}); aasim accepts it:\n{}", options.parser, file,
               oracle.exitStatus, oracle.err);
    return 1;
  }
  if (oracle.out.empty() && profiles.empty()) {
    fmt::print("{}: no profiles (nothing to compare)\n", file);
    return 0;
  }
  dfa::BlobReadResult blob = dfa::readPolicyBlob(oracle.out);
  if (blob.error) {
    fmt::print(stderr, "aasim: cannot read {}'s policy at byte {}: {}\n", options.parser, blob.error->offset,
               blob.error->message);
    return 2;
  }
  std::map<std::string, const dfa::BlobProfile *> byName;
  for (const auto &p : blob.profiles)
    byName[p.name] = &p;

  int status = 0;
  const dfa::KernelDfa empty = emptyKernelDfa();
  for (const auto &cp : profiles) {
    auto it = byName.find(cp.name);
    if (it == byName.end()) {
      fmt::print("{}: profile {}: missing from {}'s output\n", file, cp.name, options.parser);
      status = 1;
      continue;
    }
    if (!compareAutomaton(file, cp, "file", cp.fileDfa, cp.fileRules,
                          it->second->file ? *it->second->file : empty, fe->sources()))
      status = 1;
    if (cp.policyDfa.has_value() != it->second->policydb.has_value()) {
      fmt::print("{}: profile {}: policy automaton {} by aasim but {} by {}\n", file, cp.name,
                 cp.policyDfa ? "built" : "not built", it->second->policydb ? "written" : "not written",
                 options.parser);
      status = 1;
    } else if (cp.policyDfa && cp.policyIncomplete) {
      // Said plainly rather than counted as equal or different.
      fmt::print("{}: profile {}: policy automaton not compared: {}\n", file, cp.name, *cp.policyIncomplete);
    } else if (cp.policyDfa &&
               !compareAutomaton(file, cp, "policy", *cp.policyDfa, cp.policyRules, *it->second->policydb,
                                 fe->sources())) {
      status = 1;
    }
  }
  return status;
}

} // namespace aasim::cli

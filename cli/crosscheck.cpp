#include "crosscheck.h"

#include "dfa/compress.h"
#include "dfa/equivalence.h"
#include "dfa/policy_blob.h"
#include "dfa/policy_records.h"
#include "run_parser.h"

#include <fmt/format.h>

#include <map>
#include <vector>

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

std::string hex(uint32_t v) { return fmt::format("{:#x}", v); }

std::string showRlimits(const std::optional<dfa::BlobRlimits> &r) {
  if (!r)
    return "none";
  std::string out = fmt::format("mask {:#x}", r->mask);
  for (size_t i = 0; i < r->limits.size(); ++i)
    if (r->mask & (1u << i))
      out += fmt::format(" [{}]={}", i, r->limits[i]);
  return out;
}

std::string showNet(const std::optional<std::vector<dfa::BlobNetFamily>> &t) {
  if (!t)
    return "none";
  std::string out = fmt::format("{} families:", t->size());
  for (size_t i = 0; i < t->size(); ++i) {
    const auto &f = (*t)[i];
    if (f.allow || f.audit || f.quiet)
      out += fmt::format(" {}={:#x}/{:#x}/{:#x}", i, f.allow, f.audit, f.quiet);
  }
  return out;
}

std::string showList(const std::vector<std::string> &v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + dfa::showBytes(v[i]);
  return out + "]";
}

// Compares every field of the record 3.0.8 wrote with aasim's, automata
// by presence (the file and policy automata are proved equal separately),
// the attachment automaton by equivalence. Prints one line per difference,
// or one line saying the header is equal.
bool compareRecord(const std::string &file, const dfa::CompiledProfile &cp, const dfa::BlobProfile &theirs) {
  dfa::BlobProfile ours = dfa::profileRecord(cp);
  std::vector<std::string> diffs;
  auto field = [&](const char *what, const std::string &a, const std::string &b) {
    if (a != b)
      diffs.push_back(fmt::format("{}: aasim {}, apparmor_parser {}", what, a, b));
  };
  auto present = [](bool p) { return std::string(p ? "present" : "absent"); };
  auto opt = [](const std::optional<uint32_t> &v) { return v ? fmt::format("{:#x}", *v) : std::string("absent"); };
  field("version", hex(ours.version), hex(theirs.version));
  field("namespace", ours.ns.value_or("(none)"), theirs.ns.value_or("(none)"));
  field("name", ours.name, theirs.name);
  field("hat", hex(ours.hat), hex(theirs.hat));
  field("mode", hex(ours.mode), hex(theirs.mode));
  field("audit", hex(ours.audit), hex(theirs.audit));
  field("path_flags", opt(ours.pathFlags), opt(theirs.pathFlags));
  static const char *kCapWords[] = {"allow", "audit", "quiet", "kill"};
  for (int i = 0; i < 4; ++i) {
    field(fmt::format("caps {}", kCapWords[i]).c_str(), hex(ours.caps[i]), hex(theirs.caps[i]));
    field(fmt::format("caps64 {}", kCapWords[i]).c_str(), hex(ours.caps64[i]), hex(theirs.caps64[i]));
  }
  field("xattrs", ours.xattrs ? showList(*ours.xattrs) : "absent", theirs.xattrs ? showList(*theirs.xattrs) : "absent");
  field("rlimits", showRlimits(ours.rlimits), showRlimits(theirs.rlimits));
  field("net_allowed_af", showNet(ours.netAllowedAf), showNet(theirs.netAllowedAf));
  field("xtable", showList(ours.xtable), showList(theirs.xtable));
  field("policy automaton", present(ours.policydb.has_value()), present(theirs.policydb.has_value()));
  field("file automaton", present(ours.file.has_value()), present(theirs.file.has_value()));
  field("attachment automaton", present(ours.xmatch.has_value()), present(theirs.xmatch.has_value()));
  if (ours.xmatch && theirs.xmatch) {
    field("xmatch_len", std::to_string(ours.xmatchLen), std::to_string(theirs.xmatchLen));
    if (auto d = dfa::firstDifference(cp.xmatch->dfa, *theirs.xmatch))
      diffs.push_back(fmt::format("attachment automaton differs on '{}': aasim accept {:#x}, apparmor_parser "
                                  "accept {:#x}",
                                  dfa::showWitness(*d), d->left.accept, d->right.accept));
  }
  if (diffs.empty()) {
    fmt::print("{}: profile {}: header equal{}\n", file, cp.name,
               cp.xmatch ? fmt::format("; attachment automaton equal: {} states, xmatch_len {}",
                                       cp.xmatch->dfa.stateCount(), ours.xmatchLen)
                         : std::string());
    return true;
  }
  for (const auto &d : diffs)
    fmt::print("{}: profile {}: header differs: {}\n", file, cp.name, d);
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
  if (options.frontend.featuresFile) {
    compile.features = dfa::PolicyFeatures::from(fe->features());
    compile.recordFeatures = dfa::RecordFeatures::from(fe->features());
  }
  compile.records = true;
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
  // Records are matched by namespace and name (the same name may appear in
  // several namespaces); when both sides list the same records in the same
  // order they are paired by position, which also tells apart the children
  // 3.0.8 writes without their namespace.
  auto key = [](const std::optional<std::string> &ns, const std::string &name) {
    return (ns ? ":" + *ns + ":" : std::string()) + name;
  };
  std::map<std::string, const dfa::BlobProfile *> byName;
  for (const auto &p : blob.profiles)
    byName[key(p.ns, p.name)] = &p;

  int status = 0;
  // Records must come in 3.0.8's order too (the kernel loads them in it).
  std::vector<size_t> order = dfa::recordOrder(profiles);
  std::vector<std::string> ourNames, theirNames;
  for (size_t i : order)
    ourNames.push_back(key(profiles[i].header.ns, profiles[i].header.recordName));
  for (const auto &p : blob.profiles)
    theirNames.push_back(key(p.ns, p.name));
  bool sameOrder = ourNames == theirNames;
  if (!sameOrder) {
    fmt::print("{}: record order differs: aasim {}, {} {}\n", file, showList(ourNames), options.parser,
               showList(theirNames));
    status = 1;
  }
  const dfa::KernelDfa empty = emptyKernelDfa();
  for (size_t position = 0; position < order.size(); ++position) {
    const auto &cp = profiles[order[position]];
    const dfa::BlobProfile *theirs = nullptr;
    if (sameOrder) {
      theirs = &blob.profiles[position];
    } else if (auto it = byName.find(key(cp.header.ns, cp.header.recordName)); it != byName.end()) {
      theirs = it->second;
    }
    if (!theirs) {
      fmt::print("{}: profile {}: missing from {}'s output\n", file, cp.name, options.parser);
      status = 1;
      continue;
    }
    if (!compareRecord(file, cp, *theirs))
      status = 1;
    if (!compareAutomaton(file, cp, "file", cp.fileDfa, cp.fileRules,
                          theirs->file ? *theirs->file : empty, fe->sources()))
      status = 1;
    if (cp.policyDfa.has_value() != theirs->policydb.has_value()) {
      fmt::print("{}: profile {}: policy automaton {} by aasim but {} by {}\n", file, cp.name,
                 cp.policyDfa ? "built" : "not built", theirs->policydb ? "written" : "not written",
                 options.parser);
      status = 1;
    } else if (cp.policyDfa &&
               !compareAutomaton(file, cp, "policy", *cp.policyDfa, cp.policyRules, *theirs->policydb,
                                 fe->sources())) {
      status = 1;
    }
  }
  return status;
}

} // namespace aasim::cli

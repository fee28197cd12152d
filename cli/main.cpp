// The `aasim` command: one executable, one subcommand per job.
#include "compile_jobs.h"
#include "crosscheck.h"
#include "diff_command.h"
#include "test_command.h"
#include "lint_command.h"
#include "transitions_command.h"
#include "suggest_command.h"
#include "log_command.h"
#include "simulate_commands.h"
#include "dfa/compress.h"
#include "dfa/policy_compiler.h"
#include "dfa/policy_records.h"
#include "dfa/policy_writer.h"
#include "frontend/frontend.h"
#include "frontend/printer.h"

#include <fmt/format.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using namespace aasim::frontend;

constexpr int kExitOk = 0;
constexpr int kExitRejected = 1;
constexpr int kExitUsage = 2;

void printUsage(std::FILE *to) {
  fmt::print(to,
             "usage: aasim <command> [options] FILE...\n"
             "\n"
             "commands:\n"
             "  check       parse and check policy files the way apparmor_parser does\n"
             "  preprocess  print the policy with includes, variables and conditionals resolved\n"
             "  names       list the profile names a policy defines\n"
             "  compile     build each profile's automata (minimized); --stats prints states\n"
             "              before/after minimization and byte classes per profile; -S writes\n"
             "              the binary policy (apparmor_parser 3.0.8 format) to stdout, -o FILE\n"
             "              to FILE\n"
             "  crosscheck  compile with aasim and with apparmor_parser (-Q -S) and prove each\n"
             "              profile's file automaton equal, or print a shortest difference\n"
             "  query       POLICY... -- PROFILE OPERATION ARGS...: the kernel's decision for one\n"
             "              operation (e.g. -- /usr/sbin/nginx open /etc/shadow r), the rules\n"
             "              behind it and the exec transition; exit 0 allowed, 1 denied\n"
             "  replay      POLICY... --trace FILE...: every event of recorded audit logs or a\n"
             "              synthetic trace (docs/traces.md) decided, with agreement for\n"
             "              recorded events and a summary by profile\n"
             "  diff        OLD NEW: what a change of policy changes, per profile and rule class:\n"
             "              equivalent, more or less permissive, incomparable, with shortest\n"
             "              witness requests; --trace FILE: the trace's events whose decision\n"
             "              changes; -r: profile trees; -j N: compile in N workers; exit 0\n"
             "              equivalent, 1 not, 2 errors (docs/guide.md)\n"
             "  test        SPEC...: assertions about a policy (allow, deny, log, transition, and\n"
             "              `never` invariants checked over every input) with counterexamples;\n"
             "              --policy FILE, --json, --junit FILE, --sarif FILE; exit 1 on a failure\n"
             "  lint        POLICY...: redundant and shadowed rules, missing exec targets,\n"
             "              unconfined execs and other dangerous grants, with --trace FILE the\n"
             "              rules no event used; --json, --sarif FILE; exit 1 on findings\n"
             "  transitions POLICY...: the exec transition graph: what each profile attaches to,\n"
             "              where each exec rule leads, unreachable profiles, missing targets;\n"
             "              --dot (Graphviz) or --json; exit 1 when a target is missing\n"
             "  suggest     POLICY... --trace FILE...: for each denial, the rule that allows it (an\n"
             "              abstraction that covers it, else the smallest rule, with the policy's\n"
             "              variables), proved by a re-replay; --spec FILE: no assertion may\n"
             "              break; --patch FILE writes them as a unified diff\n"
             "  log         [--json] FILE...: the AppArmor events of audit logs, parsed as\n"
             "              libapparmor parses them\n"
             "\n"
             "options:\n"
             "  -I DIR, --Include=DIR   add DIR to the include search path (repeatable)\n"
             "  -b DIR, --base=DIR      base directory for includes (searched after -I)\n"
             "  -M FILE, --features-file=FILE\n"
             "                          kernel features file (apparmor_parser format)\n"
             "  --warn=NAME[,NAME]      report a warning class: rule-not-enforced, rule-downgraded,\n"
             "                          deprecated, include-cycle, all; no-NAME turns one off\n"
             "  --Werror[=NAME]         make warnings (or the named class) errors that reject the policy\n"
             "  --message-format=aasim|apparmor\n"
             "                          diagnostics with source line and caret (default), or worded\n"
             "                          exactly as apparmor_parser words them (first error only)\n"
             "  --language=6.0|3.0      read and compile policy as apparmor_parser 6.0 does (default)\n"
             "                          or as 3.0.8 (Debian 12's) does\n"
             "  --max-states=N          give up on an automaton past N states (default 2000000)\n"
             "  -S, --stdout            compile: write the binary policy to standard output\n"
             "  -o FILE, --ofile=FILE   compile: write the binary policy to FILE\n"
             "  -j N, --jobs=N          compile or check the files in N worker processes (auto: one\n"
             "                          per CPU); output comes in input order\n"
             "  --config-file=FILE, -Q, -K\n"
             "                          accepted for apparmor_parser compatibility; ignored\n"
             "  -                       read the policy from standard input\n"
             "\n"
             "FILE may be a directory: every profile file in it is checked, skipping the\n"
             "names apparmor_parser skips (dot files, *.dpkg-*, *.rpmsave, *~, ...).\n"
             "\n"
             "exit status: 0 all accepted, 1 some policy rejected, 2 usage or I/O error\n");
}

enum class MessageFormat { Aasim, Apparmor };

struct CommandLine {
  std::string command;
  FrontendOptions options;
  std::vector<std::string> files;
  bool quiet = false;
  MessageFormat format = MessageFormat::Aasim;
  bool stats = false;  // compile --stats
  unsigned jobs = 1;   // -j: worker processes for the files
  bool writeStdout = false;            // compile -S
  std::optional<std::string> outFile;  // compile -o FILE
  aasim::dfa::CompileOptions compile;
  std::set<WarningFlag> warnOn, warnOff;  // --warn=NAME / --warn=no-NAME
  bool werrorAll = false;
  std::set<WarningFlag> werror;           // --Werror=NAME
  std::vector<std::string> rest;          // query: the words after --
  std::vector<std::string> traces;        // replay --trace FILE
  std::vector<std::pair<std::string, std::string>> rebases;  // diff --rebase OLD=NEW
  bool recursive = false;                 // diff -r
  size_t witnesses = 3;                   // diff --witnesses N
  std::vector<std::string> policies;      // test --policy FILE
  std::optional<std::string> junit, sarif; // test/lint --junit FILE, --sarif FILE
  bool lintAll = false;                   // lint --all
  bool dot = false;                       // transitions --dot
  std::vector<std::string> specs;         // suggest --spec FILE
  std::optional<std::string> patch;       // suggest --patch FILE
  bool abstractions = true;               // suggest --no-abstractions
  std::optional<std::string> traceFormat; // replay --format NAME
  bool json = false;                      // query/replay --json
  std::optional<bool> table;              // replay --table / --lines
  aasim::simulator::AuditMode auditMode = aasim::simulator::AuditMode::Normal;
};

constexpr WarningFlag kAllWarnings[] = {WarningFlag::RuleNotEnforced, WarningFlag::RuleDowngraded,
                                        WarningFlag::Deprecated, WarningFlag::IncludeCycle};

// --warn=a,no-b,all
bool parseWarnList(const std::string &list, CommandLine &cl) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    std::string name = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
    bool off = name.rfind("no-", 0) == 0;
    if (off)
      name = name.substr(3);
    std::vector<WarningFlag> flags;
    if (name == "all") {
      flags.assign(std::begin(kAllWarnings), std::end(kAllWarnings));
    } else if (auto f = warningFlagByName(name)) {
      flags.push_back(*f);
    } else {
      fmt::print(stderr, "aasim: unknown warning class '{}'\n", name);
      return false;
    }
    for (WarningFlag f : flags) {
      (off ? cl.warnOff : cl.warnOn).insert(f);
      (off ? cl.warnOn : cl.warnOff).erase(f);
    }
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return true;
}

// Which warnings are shown and which are fatal. apparmor_parser shows no
// warnings by default; with --Werror its rule-not-enforced and
// rule-downgraded warnings reject the policy. aasim's own format shows those
// two and include cycles by default, since a checker should say when a rule
// will not be enforced.
WarningPolicy warningPolicy(const CommandLine &cl) {
  WarningPolicy p;
  if (cl.format == MessageFormat::Apparmor)
    p.shown.clear();
  for (WarningFlag f : cl.warnOn)
    p.shown.insert(f);
  for (WarningFlag f : cl.warnOff)
    p.shown.erase(f);
  const std::set<WarningFlag> fatalByDefault{WarningFlag::RuleNotEnforced, WarningFlag::RuleDowngraded};
  if (cl.werrorAll) {
    for (WarningFlag f : p.shown)
      if (isApparmorWarning(f))
        p.errors.insert(f);
    for (WarningFlag f : fatalByDefault)
      if (!cl.warnOff.count(f))
        p.errors.insert(f);
  }
  for (WarningFlag f : cl.werror)
    if (p.shown.count(f) || fatalByDefault.count(f))
      p.errors.insert(f);
  return p;
}

// Returns false (after printing why) on a usage error.
bool parseArgs(int argc, char **argv, CommandLine &cl) {
  if (argc < 2) {
    printUsage(stderr);
    return false;
  }
  cl.command = argv[1];
  if (cl.command == "-h" || cl.command == "--help") {
    printUsage(stdout);
    std::exit(kExitOk);
  }
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const std::string &longName, const char *shortName, std::string &out) -> int {
      if (a == shortName || a == "--" + longName) {
        if (i + 1 >= argc) {
          fmt::print(stderr, "aasim: option {} needs a value\n", a);
          return -1;
        }
        out = argv[++i];
        return 1;
      }
      if (a.rfind("--" + longName + "=", 0) == 0) {
        out = a.substr(longName.size() + 3);
        return 1;
      }
      if (shortName[0] && a.size() > 2 && a.rfind(shortName, 0) == 0) {
        out = a.substr(2);
        return 1;
      }
      return 0;
    };
    std::string v;
    int r;
    if ((r = value("Include", "-I", v))) {
      if (r < 0)
        return false;
      cl.options.paths.includeDirs.push_back(v);
    } else if ((r = value("base", "-b", v))) {
      if (r < 0)
        return false;
      cl.options.paths.baseDir = v;
    } else if ((r = value("features-file", "-M", v))) {
      if (r < 0)
        return false;
      cl.options.featuresFile = v;
    } else if ((r = value("config-file", "", v))) {
      if (r < 0)
        return false;
    } else if ((r = value("warn", "", v))) {
      if (r < 0 || !parseWarnList(v, cl))
        return false;
    } else if (a == "--") {
      cl.rest.assign(argv + i + 1, argv + argc);
      break;
    } else if ((r = value("trace", "", v))) {
      if (r < 0)
        return false;
      cl.traces.push_back(v);
    } else if ((r = value("rebase", "", v))) {
      size_t eq = v.find('=');
      if (r < 0 || eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
        fmt::print(stderr, "aasim: --rebase needs OLDDIR=NEWDIR\n");
        return false;
      }
      cl.rebases.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else if ((r = value("policy", "", v))) {
      if (r < 0)
        return false;
      cl.policies.push_back(v);
    } else if ((r = value("junit", "", v))) {
      if (r < 0)
        return false;
      cl.junit = v;
    } else if ((r = value("sarif", "", v))) {
      if (r < 0)
        return false;
      cl.sarif = v;
    } else if ((r = value("witnesses", "", v))) {
      char *end = nullptr;
      unsigned long n = r < 0 ? 0 : std::strtoul(v.c_str(), &end, 10);
      if (r < 0 || v.empty() || *end || n < 1 || n > 1000) {
        fmt::print(stderr, "aasim: --witnesses needs a number from 1 to 1000\n");
        return false;
      }
      cl.witnesses = n;
    } else if ((r = value("spec", "", v))) {
      if (r < 0)
        return false;
      cl.specs.push_back(v);
    } else if ((r = value("patch", "", v))) {
      if (r < 0)
        return false;
      cl.patch = v;
    } else if (a == "--no-abstractions") {
      cl.abstractions = false;
    } else if (a == "--dot") {
      cl.dot = true;
    } else if (a == "--all") {
      cl.lintAll = true;
    } else if (a == "-r" || a == "--recursive") {
      cl.recursive = true;
    } else if ((r = value("format", "", v))) {
      if (r < 0)
        return false;
      cl.traceFormat = v;
    } else if ((r = value("audit-mode", "", v))) {
      using aasim::simulator::AuditMode;
      if (r < 0)
        return false;
      static const std::pair<const char *, AuditMode> kModes[] = {{"normal", AuditMode::Normal},
                                                                  {"quiet_denied", AuditMode::QuietDenied},
                                                                  {"quiet", AuditMode::Quiet},
                                                                  {"noquiet", AuditMode::NoQuiet},
                                                                  {"all", AuditMode::All}};
      bool found = false;
      for (auto [name, mode] : kModes)
        if (v == name) {
          cl.auditMode = mode;
          found = true;
        }
      if (!found) {
        fmt::print(stderr, "aasim: unknown audit mode '{}' (normal, quiet_denied, quiet, noquiet, all)\n", v);
        return false;
      }
    } else if (a == "--json") {
      cl.json = true;
    } else if (a == "--table" || a == "--lines") {
      cl.table = a == "--table";
    } else if (a == "--stats") {
      cl.stats = true;
    } else if (a == "--Werror") {
      cl.werrorAll = true;
    } else if (a.rfind("--Werror=", 0) == 0) {
      CommandLine names;
      if (!parseWarnList(a.substr(9), names))
        return false;
      cl.werror.insert(names.warnOn.begin(), names.warnOn.end());
    } else if ((r = value("message-format", "", v))) {
      if (r < 0)
        return false;
      if (v == "aasim")
        cl.format = MessageFormat::Aasim;
      else if (v == "apparmor")
        cl.format = MessageFormat::Apparmor;
      else {
        fmt::print(stderr, "aasim: unknown message format '{}' (aasim, apparmor)\n", v);
        return false;
      }
    } else if ((r = value("language", "", v))) {
      // Whose language and encodings: apparmor_parser 6.0 (default) or
      // 3.0.8, Debian 12's (e.g. `#` after a variable's values is a
      // comment in 6.0 and more values in 3.0.8).
      if (r < 0)
        return false;
      if (v == "3.0") {
        cl.options.dialect = aasim::frontend::Dialect::V3_0;
        cl.compile.version = aasim::dfa::LanguageVersion::V3_0;
      } else if (v == "6.0") {
        cl.options.dialect = aasim::frontend::Dialect::V6_0;
        cl.compile.version = aasim::dfa::LanguageVersion::V6_0;
      } else {
        fmt::print(stderr, "aasim: unknown language '{}' (3.0, 6.0)\n", v);
        return false;
      }
    } else if ((r = value("max-states", "", v))) {
      if (r < 0)
        return false;
      char *end = nullptr;
      unsigned long n = std::strtoul(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 2 || n > 100'000'000) {
        fmt::print(stderr, "aasim: --max-states needs a number from 2 to 100000000\n");
        return false;
      }
      cl.compile.stateLimit = static_cast<uint32_t>(n);
    } else if ((r = value("ofile", "-o", v))) {
      if (r < 0)
        return false;
      cl.outFile = v;
    } else if ((r = value("jobs", "-j", v))) {
      if (r < 0)
        return false;
      auto jobs = aasim::cli::parseJobCount(v);
      if (!jobs) {
        fmt::print(stderr, "aasim: -j needs a job count, auto, max or xN (N per CPU)\n");
        return false;
      }
      cl.jobs = *jobs;
    } else if (a == "-q" || a == "--quiet") {
      cl.quiet = true;
    } else if (a == "-S" || a == "--stdout" || a == "-QKS" || a == "-QS") {
      cl.writeStdout = true;  // compile writes the policy; the other commands ignore it
    } else if (a == "-Q" || a == "-K" || a == "-QK") {
      // apparmor_parser's compile-only flags; checking never loads anything.
    } else if (a == "-h" || a == "--help") {
      printUsage(stdout);
      std::exit(kExitOk);
    } else if (a.size() > 1 && a[0] == '-' && a != "-") {
      fmt::print(stderr, "aasim: unknown option '{}'\n", a);
      return false;
    } else {
      cl.files.push_back(a);
    }
  }
  if (cl.writeStdout && cl.stats) {
    fmt::print(stderr, "aasim: --stats and -S both write to standard output; use -o FILE\n");
    return false;
  }
  if (cl.writeStdout && cl.outFile) {
    fmt::print(stderr, "aasim: -S and -o both name where the policy goes; give one\n");
    return false;
  }
  if (cl.files.empty() && cl.command != "query" && cl.command != "replay" && cl.command != "diff" &&
      cl.command != "test" && cl.command != "lint" &&
      cl.command != "transitions" && cl.command != "suggest")
    cl.files.push_back("-");  // like apparmor_parser, read the policy from stdin
  cl.options.warnings = warningPolicy(cl);
  return true;
}

LoadedFile loadOne(Frontend &fe, const std::string &file) {
  if (file == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return fe.load("<stdin>", std::move(text));
  }
  return fe.loadPath(file);
}

// Prints diagnostics [first, end); apparmor_parser stops at its first
// error, so its format shows warnings up to and including that error only.
// Notes are shown when they explain the diagnostic printed just before.
void printDiagnostics(const SourceManager &sm, const std::vector<Diagnostic> &items, size_t first, size_t end,
                      const std::string &inputName, const CommandLine &cl) {
  bool lastShown = false;
  for (size_t i = first; i < end; ++i) {
    const Diagnostic &d = items[i];
    bool show = d.severity == Severity::Note ? lastShown && cl.format == MessageFormat::Aasim
                                             : !(cl.quiet && d.severity == Severity::Warning);
    if (d.severity != Severity::Note)
      lastShown = show;
    if (!show)
      continue;
    if (cl.format == MessageFormat::Aasim) {
      fmt::print(stderr, "{}", renderDiagnostic(sm, d));
      continue;
    }
    fmt::print(stderr, "{}", renderApparmorStyle(sm, d, inputName));
    if (d.severity == Severity::Error)
      break;
  }
}

enum class InputKind { Policy, Missing, Directory };

InputKind inputKind(const std::string &file) {
  if (file == "-")
    return InputKind::Policy;
  struct stat st;
  if (::stat(file.c_str(), &st) != 0)
    return InputKind::Missing;
  return S_ISDIR(st.st_mode) ? InputKind::Directory : InputKind::Policy;
}

// Profile files of a directory argument, sorted, with apparmor_parser's
// skip list. Entries that do not resolve (broken symlinks) are kept so
// that loading them reports the problem.
std::vector<std::string> directoryProfiles(const std::string &dir) {
  std::vector<std::string> out;
  for (const auto &name : sortedDirectoryNames(dir)) {
    bool loud = false;
    if (isIgnoredIncludeName(name, loud))
      continue;
    std::string full = (!dir.empty() && dir.back() == '/' ? dir : dir + "/") + name;
    if (inputKind(full) != InputKind::Directory)
      out.push_back(full);
  }
  return out;
}

struct Checker {
  Frontend &fe;
  const CommandLine &cl;
  std::string policy;  // compile -S/-o: the records of every file, in order

  bool writesPolicy() const { return cl.command == "compile" && (cl.writeStdout || cl.outFile); }

  // Checks one policy file; returns the exit status it earns.
  int checkFile(const std::string &file, bool reportMissing) {
    if (inputKind(file) == InputKind::Missing) {
      if (reportMissing) {
        if (cl.format == MessageFormat::Apparmor)
          fmt::print(stderr, "File {} not found, skipping...\n", file);
        else
          fmt::print(stderr, "aasim: error: cannot read '{}': {}\n", file, std::strerror(errno));
      }
      return kExitUsage;
    }
    LoadedFile f = loadOne(fe, file);
    printDiagnostics(fe.sources(), fe.diagnostics().items(), f.firstDiagnostic, f.endDiagnostic, f.name, cl);
    if (!f.policy && f.firstDiagnostic < f.endDiagnostic &&
        !fe.diagnostics().items()[f.firstDiagnostic].loc.valid())
      return kExitUsage;  // unreadable input
    if (!f.accepted)
      return kExitRejected;
    // The automaton build finds what the syntax cannot: exec transitions of
    // overlapping rules that contradict each other.
    Diagnostics compileDiags;
    std::vector<aasim::dfa::CompiledProfile> compiled;
    auto started = std::chrono::steady_clock::now();
    if (cl.command == "check" || cl.command == "compile") {
      aasim::dfa::CompileOptions options = cl.compile;
      options.minimize = cl.command == "compile";
      options.kernelStacks = fe.features().has("domain/stack");
      // Without -M, apparmor_parser 3.0.8 (no kernel) uses its built-in
      // feature set, which has no policy DFA.
      if (cl.command == "compile" && cl.options.featuresFile) {
        options.features = aasim::dfa::PolicyFeatures::from(fe.features());
        options.recordFeatures = aasim::dfa::RecordFeatures::from(fe.features());
      }
      options.records = writesPolicy();
      compiled = aasim::dfa::compilePolicy(*f.policy, f.vars, compileDiags, options);
    }
    auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    printDiagnostics(fe.sources(), compileDiags.items(), 0, compileDiags.items().size(), f.name, cl);
    if (compileDiags.hasErrors())
      return kExitRejected;
    if (cl.command == "compile" && cl.stats)
      for (const auto &p : compiled) {
        fmt::print("{}: profile {}: file DFA {} states, {} after minimization, {} byte classes, {} table bytes "
                   "({:.1f} ms for the file)\n",
                   f.name, p.name, p.fileStats.statesBefore, p.fileStats.statesAfter, p.fileDfa.classCount,
                   aasim::dfa::tableBytes(aasim::dfa::compressDfa(p.fileDfa)), elapsed);
        if (p.policyDfa)
          fmt::print("{}: profile {}: policy DFA {} states, {} after minimization, {} byte classes, {} table bytes\n",
                     f.name, p.name, p.policyStats.statesBefore, p.policyStats.statesAfter, p.policyDfa->classCount,
                     aasim::dfa::tableBytes(aasim::dfa::compressDfa(*p.policyDfa)));
      }
    if (writesPolicy()) {
      policy += aasim::dfa::writePolicyBlob(aasim::dfa::policyRecords(compiled));
    }
    if (cl.command == "preprocess")
      fmt::print("{}", printPolicy(*f.policy, f.vars));
    else if (cl.command == "names")
      for (const auto &n : profileNames(*f.policy))
        fmt::print("{}\n", n);
    return kExitOk;
  }

  int checkDirectory(const std::string &dir) {
    int status = kExitOk;
    for (const auto &file : directoryProfiles(dir)) {
      bool missing = inputKind(file) == InputKind::Missing;
      if (missing && cl.format == MessageFormat::Aasim)
        fmt::print(stderr, "aasim: error: cannot read '{}' in {}: {}\n", file, dir, std::strerror(errno));
      status = std::max(status, checkFile(file, /*reportMissing=*/false));
    }
    if (status != kExitOk && cl.format == MessageFormat::Apparmor)
      fmt::print(stderr, "There was an error while loading profiles from {}\n", dir);
    return status;
  }
};

// The options every policy-reading command shares.
aasim::cli::CommandOptions commandOptions(const CommandLine &cl) {
  aasim::cli::CommandOptions o;
  o.frontend = cl.options;
  o.compile = cl.compile;
  o.quiet = cl.quiet;
  o.decide.auditMode = cl.auditMode;
  return o;
}

int run(int argc, char **argv) {
  // `log` takes only its own few options.
  if (argc >= 2 && std::string(argv[1]) == "log")
    return aasim::cli::runLogCommand(std::vector<std::string>(argv + 2, argv + argc));
  CommandLine cl;
  if (!parseArgs(argc, argv, cl))
    return kExitUsage;
  if (cl.command == "crosscheck") {
    // apparmor_parser here is 3.0.8: compare with its semantics.
    aasim::cli::CrosscheckOptions options{cl.options, cl.compile, "apparmor_parser"};
    options.compile.version = aasim::dfa::LanguageVersion::V3_0;
    options.frontend.dialect = aasim::frontend::Dialect::V3_0;
    int status = 0;
    for (const auto &file : cl.files)
      status = std::max(status, aasim::cli::crosscheck(file, options));
    return status;
  }
  if (cl.command == "query" || cl.command == "replay") {
    aasim::cli::SimulateCommand sc;
    static_cast<aasim::cli::CommandOptions &>(sc) = commandOptions(cl);
    sc.policyFiles = cl.files;
    sc.operation = cl.rest;
    sc.traces = cl.traces;
    sc.format = cl.traceFormat;
    sc.json = cl.json;
    sc.table = cl.table;
    return cl.command == "query" ? aasim::cli::runQuery(sc) : aasim::cli::runReplay(sc);
  }
  if (cl.command == "diff") {
    aasim::cli::DiffCommand dc;
    static_cast<aasim::cli::CommandOptions &>(dc) = commandOptions(cl);
    dc.inputs = cl.files;
    dc.traces = cl.traces;
    dc.rebases = cl.rebases;
    dc.recursive = cl.recursive;
    dc.witnesses = cl.witnesses;
    dc.jobs = cl.jobs;
    dc.format = cl.traceFormat;
    dc.json = cl.json;
    return aasim::cli::runDiff(dc);
  }
  if (cl.command == "suggest") {
    aasim::cli::SuggestCommand sc;
    static_cast<aasim::cli::CommandOptions &>(sc) = commandOptions(cl);
    sc.policyFiles = cl.files;
    sc.traces = cl.traces;
    sc.format = cl.traceFormat;
    sc.specs = cl.specs;
    sc.patch = cl.patch;
    sc.abstractions = cl.abstractions;
    return aasim::cli::runSuggest(sc);
  }
  if (cl.command == "transitions") {
    aasim::cli::TransitionsCommand tc;
    static_cast<aasim::cli::CommandOptions &>(tc) = commandOptions(cl);
    tc.policyFiles = cl.files;
    tc.dot = cl.dot;
    tc.json = cl.json;
    return aasim::cli::runTransitions(tc);
  }
  if (cl.command == "lint") {
    aasim::cli::LintCommand lc;
    static_cast<aasim::cli::CommandOptions &>(lc) = commandOptions(cl);
    lc.policyFiles = cl.files;
    lc.traces = cl.traces;
    lc.format = cl.traceFormat;
    lc.sarif = cl.sarif;
    lc.json = cl.json;
    lc.all = cl.lintAll;
    return aasim::cli::runLint(lc);
  }
  if (cl.command == "test") {
    aasim::cli::TestCommand tc;
    static_cast<aasim::cli::CommandOptions &>(tc) = commandOptions(cl);
    tc.specs = cl.files;
    tc.policies = cl.policies;
    tc.junit = cl.junit;
    tc.sarif = cl.sarif;
    tc.json = cl.json;
    return aasim::cli::runTest(tc);
  }
  if (cl.command != "check" && cl.command != "preprocess" && cl.command != "names" && cl.command != "compile") {
    fmt::print(stderr, "aasim: unknown command '{}'\n", cl.command);
    printUsage(stderr);
    return kExitUsage;
  }
  std::string error;
  auto fe = Frontend::create(cl.options, error);
  if (!fe) {
    fmt::print(stderr, "aasim: {}\n", error);
    return kExitUsage;
  }
  Checker checker{*fe, cl, {}};
  // One job per argument; with -j N they run in N worker processes, each
  // handing back the records it wrote for the parent to keep in order.
  auto work = [&](size_t i) {
    const std::string &file = cl.files[i];
    size_t before = checker.policy.size();
    aasim::cli::JobResult r;
    r.status = inputKind(file) == InputKind::Directory ? checker.checkDirectory(file)
                                                       : checker.checkFile(file, /*reportMissing=*/true);
    r.payload = checker.policy.substr(before);
    checker.policy.resize(before);
    return r;
  };
  auto collect = [&](size_t, aasim::cli::JobResult &r) { checker.policy += r.payload; };
  int status = aasim::cli::runJobs(cl.files, cl.jobs, work, collect, kExitUsage);
  if (checker.writesPolicy()) {
    if (status != kExitOk) {
      fmt::print(stderr, "aasim: no policy written\n");
      return status;
    }
    if (cl.outFile) {
      std::ofstream out(*cl.outFile, std::ios::binary | std::ios::trunc);
      out.write(checker.policy.data(), static_cast<std::streamsize>(checker.policy.size()));
      out.close();
      if (!out) {
        fmt::print(stderr, "aasim: cannot write '{}': {}\n", *cl.outFile, std::strerror(errno));
        return kExitUsage;
      }
    } else {
      std::fwrite(checker.policy.data(), 1, checker.policy.size(), stdout);
      std::fflush(stdout);
    }
  }
  return status;
}

} // namespace

int main(int argc, char **argv) { return run(argc, argv); }

// The `aasim` command: one executable, one subcommand per job.
#include "frontend/frontend.h"
#include "frontend/printer.h"

#include <fmt/format.h>

#include <cstdio>
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
             "\n"
             "options:\n"
             "  -I DIR, --Include=DIR   add DIR to the include search path (repeatable)\n"
             "  -b DIR, --base=DIR      base directory for includes (searched after -I)\n"
             "  -M FILE, --features-file=FILE\n"
             "                          kernel features file (apparmor_parser format)\n"
             "  --Werror                treat warnings as errors\n"
             "  --config-file=FILE      accepted for apparmor_parser compatibility; ignored\n"
             "  -                       read the policy from standard input\n"
             "\n"
             "exit status: 0 all accepted, 1 some policy rejected, 2 usage or I/O error\n");
}

struct CommandLine {
  std::string command;
  FrontendOptions options;
  std::vector<std::string> files;
  bool quiet = false;
};

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
    } else if (a == "--Werror") {
      cl.options.werror = true;
    } else if (a == "-q" || a == "--quiet") {
      cl.quiet = true;
    } else if (a == "-Q" || a == "-K" || a == "-S" || a == "-QK" || a == "-QKS") {
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
  if (cl.files.empty())
    cl.files.push_back("-");  // like apparmor_parser, read the policy from stdin
  return true;
}

LoadedFile loadOne(Frontend &fe, const std::string &file) {
  if (file == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return fe.load("<stdin>", std::move(text));
  }
  return fe.loadPath(file);
}

void printDiagnostics(const Frontend &fe, const LoadedFile &f, bool quiet) {
  for (size_t i = f.firstDiagnostic; i < f.endDiagnostic; ++i) {
    const Diagnostic &d = fe.diagnostics().items()[i];
    if (d.severity == Severity::Note || (quiet && d.severity == Severity::Warning))
      continue;
    fmt::print(stderr, "{}", renderDiagnostic(fe.sources(), d));
  }
}

int run(int argc, char **argv) {
  CommandLine cl;
  if (!parseArgs(argc, argv, cl))
    return kExitUsage;
  if (cl.command != "check" && cl.command != "preprocess" && cl.command != "names") {
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
  int status = kExitOk;
  for (const auto &file : cl.files) {
    LoadedFile f = loadOne(*fe, file);
    printDiagnostics(*fe, f, cl.quiet);
    if (!f.policy && f.firstDiagnostic < f.endDiagnostic && !fe->diagnostics().items()[f.firstDiagnostic].loc.valid()) {
      status = std::max(status, kExitUsage);  // unreadable input
      continue;
    }
    if (!f.accepted) {
      status = std::max(status, kExitRejected);
      continue;
    }
    if (cl.command == "preprocess")
      fmt::print("{}", printPolicy(*f.policy, f.vars));
    else if (cl.command == "names")
      for (const auto &n : profileNames(*f.policy))
        fmt::print("{}\n", n);
  }
  return status;
}

} // namespace

int main(int argc, char **argv) { return run(argc, argv); }

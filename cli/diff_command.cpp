#include "diff_command.h"

#include "compile_jobs.h"
#include "decision_output.h"
#include "policy_loader.h"
#include "source_closure.h"
#include "trace_input.h"

#include "dfa/equivalence.h"
#include "simulator/audit_log.h"
#include "simulator/policy_diff.h"
#include "simulator/replay.h"
#include "simulator/witness_request.h"

#include <fmt/format.h>

#include <sys/stat.h>

#include <map>
#include <set>

namespace aasim::cli {

namespace {

constexpr int kExitSame = 0, kExitDiffers = 1, kExitUsage = 2;

using simulator::ProfileDiff;

bool isDirectory(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string withoutTrailingSlash(std::string p) {
  while (p.size() > 1 && p.back() == '/')
    p.pop_back();
  return p;
}

// A path inside a directory of the old version names the same place in
// the new one.
std::string rebase(const std::string &path, const std::vector<std::pair<std::string, std::string>> &roots) {
  std::string p = withoutTrailingSlash(path);
  for (const auto &[from, to] : roots) {
    if (p == from)
      return to;
    if (p.size() > from.size() && p.compare(0, from.size(), from) == 0 && p[from.size()] == '/')
      return to + p.substr(from.size());
  }
  return p;
}

// Directories of a profile tree that hold what profiles include, not
// profiles (skipped by -r).
bool holdsIncludes(const std::string &name) {
  static const std::set<std::string> kNames = {"abi",   "abstractions", "tunables", "local",
                                               "mappings", "disable",  "force-complain", "cache"};
  return kNames.count(name) != 0;
}

// The profile files of a directory argument by name relative to it
// (apparmor_parser's skip list; with `recursive`, subdirectories but
// those that hold includes), or the file itself.
void policyFiles(const std::string &dir, const std::string &prefix, bool recursive,
                 std::map<std::string, std::string> &out) {
  for (const auto &name : frontend::sortedDirectoryNames(dir)) {
    bool loud = false;
    if (frontend::isIgnoredIncludeName(name, loud))
      continue;
    std::string full = dir + "/" + name;
    if (!isDirectory(full))
      out.emplace(prefix + name, full);
    else if (recursive && !holdsIncludes(name))
      policyFiles(full, prefix + name + "/", recursive, out);
  }
}

std::map<std::string, std::string> policyFiles(const std::string &input, bool directory, bool recursive) {
  std::map<std::string, std::string> out;
  if (directory)
    policyFiles(withoutTrailingSlash(input), "", recursive, out);
  else
    out.emplace("", input);
  return out;
}

// One policy file of one side, compiled on its own.
struct FileLoad {
  std::string name;  // relative to its side's input ("" for a file input)
  std::string path;
  bool ok = false;
  std::vector<simulator::LoadedProfile> profiles;
};

struct Side {
  frontend::FrontendOptions options;
  std::vector<std::string> roots;  // directories that correspond between the versions
  std::vector<FileLoad> files;     // to compile
  simulator::LoadedPolicy policy;  // the profiles of the files compared
  std::unique_ptr<frontend::Frontend> frontend;
  dfa::CompileOptions compile;
};

bool openSide(const DiffCommand &c, Side &side) {
  side.compile = c.compile;
  side.frontend = openFrontend(side.options, side.compile);
  return side.frontend != nullptr;
}

void loadHere(const DiffCommand &c, Side &side) {
  for (FileLoad &f : side.files) {
    simulator::LoadedPolicy one;
    f.ok = loadPolicyFiles(*side.frontend, {f.path}, {side.compile, c.quiet}, one);
    f.profiles = one.profiles();
  }
}

// Both sides' files compiled in worker processes, each handing back the
// binary policy of its file (the tables are all a diff needs).
void loadInJobs(const DiffCommand &c, Side &old, Side &now) {
  std::vector<FileLoad *> loads;
  std::vector<std::string> names;
  for (Side *side : {&old, &now})
    for (FileLoad &f : side->files) {
      loads.push_back(&f);
      names.push_back(f.path);
    }
  const size_t oldCount = old.files.size();
  runJobs(
      names, c.jobs,
      [&](size_t i) {
        Side &side = i < oldCount ? old : now;
        auto blob = compilePolicyFile(*side.frontend, names[i], {side.compile, c.quiet});
        return JobResult{blob ? 0 : kExitUsage, blob.value_or(std::string())};
      },
      [&](size_t i, JobResult &r) {
        if (r.status != 0)
          return;
        dfa::BlobReadResult read = dfa::readPolicyBlob(r.payload);
        if (read.error) {
          fmt::print(stderr, "aasim: error: {}: compiled policy unreadable: {}\n", names[i], read.error->message);
          return;
        }
        loads[i]->ok = true;
        for (const auto &record : read.profiles)
          loads[i]->profiles.push_back(simulator::loadProfile(record));
      },
      kExitUsage);
}

// The profiles of the files both sides compiled (or that only one side
// has) go into the policies compared; a file that does not compile is
// reported and left out on both sides. False when some did not compile.
bool gather(Side &old, Side &now) {
  std::map<std::string, FileLoad *> byName[2];
  for (FileLoad &f : old.files)
    byName[0][f.name] = &f;
  for (FileLoad &f : now.files)
    byName[1][f.name] = &f;
  bool ok = true;
  auto keep = [](FileLoad *f, Side &side) {
    if (f)
      for (auto &p : f->profiles)
        side.policy.add(std::move(p));
  };
  std::set<std::string> names;
  for (auto &m : byName)
    for (auto &[name, f] : m)
      names.insert(name);
  for (const auto &name : names) {
    FileLoad *o = byName[0].count(name) ? byName[0][name] : nullptr;
    FileLoad *n = byName[1].count(name) ? byName[1][name] : nullptr;
    if ((o && !o->ok) || (n && !n->ok)) {
      ok = false;
      const char *which = (o && !o->ok) && (n && !n->ok) ? "does not compile in either version"
                          : (o && !o->ok)                ? "did not compile in the old version (it does now)"
                                                         : "does not compile in the new version";
      fmt::print(stderr, "aasim: error: {} {}: left out of the comparison\n", (n ? n : o)->path, which);
      continue;
    }
    keep(o, old);
    keep(n, now);
  }
  return ok;
}

std::string witnessRequest(const std::string &profile, const simulator::ClassDiff &cls,
                           const simulator::Witness &w) {
  if (!w.words.empty())
    return profile + " " + simulator::joinWords(w.words);
  // No single operation asks for the input: show the automaton's input.
  std::string input = w.input;
  if (cls.ruleClass != "file" && cls.ruleClass != "attachment" && !input.empty())
    input.erase(0, 1);  // the class byte
  return fmt::format("{} {} \"{}\"", profile, cls.ruleClass, dfa::showBytes(input));
}

void printText(const simulator::PolicyDiff &d) {
  using simulator::diffVerdictName;
  for (const ProfileDiff &p : d.profiles) {
    switch (p.status) {
    case ProfileDiff::Status::Added: fmt::print("profile {}: added\n", p.name); continue;
    case ProfileDiff::Status::Removed: fmt::print("profile {}: removed\n", p.name); continue;
    case ProfileDiff::Status::Renamed:
      fmt::print("profile {}: renamed from {}: {}\n", p.name, p.oldName, diffVerdictName(p.verdict()));
      break;
    case ProfileDiff::Status::Compared: fmt::print("profile {}: {}\n", p.name, diffVerdictName(p.verdict())); break;
    }
    for (const auto &cls : p.classes) {
      fmt::print("  {}: {}\n", cls.ruleClass, diffVerdictName(cls.verdict()));
      for (const auto &note : cls.notes)
        fmt::print("    {}\n", note);
      for (const auto &w : cls.witnesses)
        fmt::print("    {}: {} (was {}, now {})\n", simulator::changeName(w.change), witnessRequest(p.name, cls, w),
                   w.before, w.after);
    }
  }
}

std::string jsonList(const std::vector<std::string> &items, bool quote = true) {
  std::string out = "[";
  for (const auto &s : items)
    out += (out.size() > 1 ? "," : "") + (quote ? simulator::jsonQuote(s) : s);
  return out + "]";
}

std::string statusName(ProfileDiff::Status s) {
  switch (s) {
  case ProfileDiff::Status::Compared: return "changed";
  case ProfileDiff::Status::Added: return "added";
  case ProfileDiff::Status::Removed: return "removed";
  case ProfileDiff::Status::Renamed: return "renamed";
  }
  return "?";
}

std::string profileJson(const ProfileDiff &p) {
  using simulator::jsonQuote;
  std::vector<std::string> classes;
  for (const auto &cls : p.classes) {
    std::vector<std::string> witnesses;
    for (const auto &w : cls.witnesses)
      witnesses.push_back(fmt::format(
          "{{\"change\":{},\"request\":{},\"words\":{},\"input\":{},\"before\":{},\"after\":{}}}",
          jsonQuote(simulator::changeName(w.change)), jsonQuote(witnessRequest(p.name, cls, w)), jsonList(w.words),
          jsonQuote(dfa::showBytes(w.input)), jsonQuote(w.before), jsonQuote(w.after)));
    classes.push_back(fmt::format("{{\"class\":{},\"verdict\":{},\"notes\":{},\"witnesses\":{}}}",
                                  jsonQuote(cls.ruleClass), jsonQuote(simulator::diffVerdictName(cls.verdict())),
                                  jsonList(cls.notes), jsonList(witnesses, false)));
  }
  return fmt::format("{{\"profile\":{},\"status\":{},{}\"verdict\":{},\"classes\":{}}}", jsonQuote(p.name),
                     jsonQuote(statusName(p.status)),
                     p.oldName.empty() ? "" : fmt::format("\"old_name\":{},", jsonQuote(p.oldName)),
                     jsonQuote(simulator::diffVerdictName(p.verdict())), jsonList(classes, false));
}

// What an event came to: "ALLOW", "DENY [DENIED]", "ALLOW -> target [px]".
std::string outcome(const simulator::Decision &d) {
  std::string out = d.verdict == simulator::Verdict::Allow ? "ALLOW" : "DENY";
  if (d.log != simulator::LogKind::None)
    out += fmt::format(" [{}]", simulator::logKindName(d.log));
  if (d.transition)
    out += fmt::format(" -> {} [{}]", d.transition->target, d.transition->mode);
  return out;
}

// Replays every trace under both policies; prints each event whose
// outcome changes. Returns the number changed, or nullopt on errors.
std::optional<size_t> diffTraces(const DiffCommand &c, const Side &old, const Side &now) {
  size_t changed = 0, events = 0;
  simulator::DecideOptions options = c.decide;
  options.explain = false;
  std::optional<simulator::Replayer> before, after;
  auto counts = readTraces(
      c.traces, c.format,
      [&](const std::string &) {
        before.emplace(old.policy, options);
        after.emplace(now.policy, options);
      },
      [&](const std::string &traceName, const simulator::TraceEvent &e) {
        if (e.notDecided)
          return;
        simulator::ReplayStep a = before->step(e), b = after->step(e);
        if (!a.decision || !b.decision)
          return;
        ++events;
        std::string was = outcome(*a.decision), is = outcome(*b.decision);
        if (was == is)
          return;
        ++changed;
        // The task may run under another profile by now (an exec that changed).
        std::string what = fmt::format("{}{} {} {}", a.label, a.label == b.label ? "" : " (now " + b.label + ")",
                                       a.decision->operation, requestName(requestOf(e)));
        if (c.json)
          fmt::print("{{\"trace\":{},\"line\":{},\"event\":{},\"before\":{},\"after\":{}}}\n",
                     simulator::jsonQuote(traceName), e.line, simulator::jsonQuote(what), simulator::jsonQuote(was),
                     simulator::jsonQuote(is));
        else
          fmt::print("{}:{}: {}: was {}, now {}\n", traceName, e.line, what, was, is);
      });
  if (!counts)
    return std::nullopt;
  fmt::print(stderr, "aasim: {} events replayed under both policies, {} changed{}\n", events, changed,
             counts->problems ? fmt::format(", {} malformed lines", counts->problems) : "");
  if (counts->problems)
    return std::nullopt;
  return changed;
}

} // namespace

int runDiff(const DiffCommand &c) {
  if (c.inputs.size() != 2) {
    fmt::print(stderr, "usage: aasim diff [-I DIR]... [-b DIR] [-M FEATURES] [-r] [--rebase OLDDIR=NEWDIR]... [--json]\n"
                       "                  [--trace FILE]... OLD NEW\n"
                       "  OLD and NEW: two policy files, or two directories of policy\n");
    return kExitUsage;
  }
  const bool directories = isDirectory(c.inputs[0]);
  if (directories != isDirectory(c.inputs[1])) {
    fmt::print(stderr, "aasim: error: OLD and NEW must both be files or both be directories\n");
    return kExitUsage;
  }
  Side old, now;
  std::vector<std::pair<std::string, std::string>> roots;
  for (const auto &[from, to] : c.rebases)
    roots.emplace_back(withoutTrailingSlash(from), withoutTrailingSlash(to));
  // Two directories are two versions of one tree; two files may be two
  // files of one tree (their directories are not rebased).
  if (directories)
    roots.emplace_back(withoutTrailingSlash(c.inputs[0]), withoutTrailingSlash(c.inputs[1]));
  for (const auto &[from, to] : roots) {
    old.roots.push_back(from);
    now.roots.push_back(to);
  }
  old.options = now.options = c.frontend;
  // A directory of policy is a tree like /etc/apparmor.d: its own base
  // unless -b says otherwise; search paths inside OLD (or a --rebase
  // directory) are read from NEW for the new policy.
  if (directories && c.frontend.paths.baseDir.empty()) {
    old.options.paths.baseDir = withoutTrailingSlash(c.inputs[0]);
    now.options.paths.baseDir = withoutTrailingSlash(c.inputs[1]);
  } else if (!c.frontend.paths.baseDir.empty()) {
    now.options.paths.baseDir = rebase(c.frontend.paths.baseDir, roots);
  }
  for (auto &dir : now.options.paths.includeDirs)
    dir = rebase(dir, roots);

  // Compile only the files whose sources differ (two files: always); a
  // replay needs them all.
  const bool everything = !c.traces.empty() || !directories;
  auto oldFiles = policyFiles(c.inputs[0], directories, c.recursive);
  auto newFiles = policyFiles(c.inputs[1], directories, c.recursive);
  std::set<std::string> names;
  for (auto &[name, path] : oldFiles)
    names.insert(name);
  for (auto &[name, path] : newFiles)
    names.insert(name);
  SourceClosure oldSources({old.roots, old.options.paths}), newSources({now.roots, now.options.paths});
  size_t unchanged = 0;
  for (const std::string &name : names) {
    auto o = oldFiles.find(name), n = newFiles.find(name);
    bool both = o != oldFiles.end() && n != newFiles.end();
    if (both && !everything) {
      auto differs = firstDifferentSource(oldSources.closure(o->second), newSources.closure(n->second));
      if (!differs) {
        ++unchanged;
        continue;
      }
      if (!c.quiet)
        fmt::print(stderr, "aasim: note: {}: compiled, its sources differ at {}\n", n->second, *differs);
    }
    if (o != oldFiles.end())
      old.files.push_back({name, o->second, false, {}});
    if (n != newFiles.end())
      now.files.push_back({name, n->second, false, {}});
  }
  if (!openSide(c, old) || !openSide(c, now))
    return kExitUsage;
  if (c.jobs > 1) {
    loadInJobs(c, old, now);
  } else {
    loadHere(c, old);
    loadHere(c, now);
  }
  // A file that does not compile leaves the comparison of the rest
  // standing; the exit status says it (2).
  const bool allCompiled = gather(old, now);

  simulator::DiffOptions options;
  options.witnessesPerChange = c.witnesses;
  simulator::PolicyDiff d = simulator::diffPolicies(old.policy, now.policy, options);
  if (c.json) {
    std::vector<std::string> profiles;
    for (const auto &p : d.profiles)
      profiles.push_back(profileJson(p));
    fmt::print("{{\"equivalent\":{},\"profiles_compared\":{},\"files_unchanged\":{},\"profiles\":{}}}\n",
               d.equivalent() ? "true" : "false", d.comparedProfiles, unchanged, jsonList(profiles, false));
  } else {
    printText(d);
  }
  size_t added = 0, removed = 0, renamed = 0;
  for (const auto &p : d.profiles) {
    added += p.status == ProfileDiff::Status::Added;
    removed += p.status == ProfileDiff::Status::Removed;
    renamed += p.status == ProfileDiff::Status::Renamed;
  }
  std::fflush(stdout);
  fmt::print(stderr,
             "aasim: {} files with the same sources on both sides; {} profiles compared, {} differ, {} added, "
             "{} removed, {} renamed\n",
             unchanged, d.comparedProfiles, d.profiles.size() - added - removed - renamed, added, removed, renamed);
  if (c.traces.empty())
    return !allCompiled ? kExitUsage : d.equivalent() ? kExitSame : kExitDiffers;
  std::optional<size_t> changed = diffTraces(c, old, now);
  if (!changed || !allCompiled)
    return kExitUsage;
  return *changed == 0 ? kExitSame : kExitDiffers;
}

} // namespace aasim::cli

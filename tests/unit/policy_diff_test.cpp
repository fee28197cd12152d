// `aasim diff`'s comparison (simulator/policy_diff.h): verdicts and
// witnesses on small policies, every witness confirmed by the decision
// API, and planted changes over the corpus profiles: changes that must be
// found with the right verdict, rewrites that must be found equivalent.
#include "simulator/decision.h"
#include "simulator/policy_diff.h"
#include "simulator/witness_request.h"
#include "dfa/equivalence.h"

#include "simulator_support.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>
#include <algorithm>

namespace {

using namespace aasim;
using namespace aasim::simulator;
namespace fs = std::filesystem;
using test::kernelFeatures;
using test::readFile;

// What a decision comes to, as `aasim diff --trace` compares it.
std::string outcome(const Decision &d) {
  std::string out = d.verdict == Verdict::Allow ? "allow" : "deny";
  out += std::string(" ") + logKindName(d.log);
  if (d.transition)
    out += " -> " + d.transition->target + " " + d.transition->mode;
  return out;
}

// Every witness with a request must be decided differently by the two
// policies, in the direction its kind says (for profiles that enforce).
// Returns how many witnesses were confirmed.
size_t expectWitnessesConfirmed(const LoadedPolicy &before, const LoadedPolicy &after, const ProfileDiff &pd,
                                const std::string &context) {
  size_t confirmed = 0;
  for (const auto &cls : pd.classes)
    for (const auto &w : cls.witnesses) {
      if (w.words.empty())
        continue;
      std::string error;
      auto request = parseOperation(w.words, error);
      EXPECT_TRUE(request) << context << ": " << error;
      if (!request)
        continue;
      const bool attach = cls.ruleClass == "attachment";
      const std::string oldLabel = attach ? "unconfined" : pd.oldName.empty() ? pd.name : pd.oldName;
      const std::string newLabel = attach ? "unconfined" : pd.name;
      DecideOptions fast;
      fast.explain = false;
      Decision a = decide(before, oldLabel, *request, fast), b = decide(after, newLabel, *request, fast);
      std::string what = fmt::format("{}: profile {} {} {}: {} vs {}", context, pd.name, changeName(w.change),
                                     joinWords(w.words), outcome(a), outcome(b));
      EXPECT_NE(outcome(a), outcome(b)) << what;
      const LoadedProfile *p = after.find(pd.name);
      const bool enforcing = p && p->mode == ProfileMode::Enforce && !attach;
      if (enforcing && w.change == Change::NewlyAllowed && cls.ruleClass != "profile") {
        EXPECT_TRUE(a.verdict == Verdict::Deny && b.verdict == Verdict::Allow) << what;
      }
      if (enforcing && w.change == Change::NewlyDenied) {
        EXPECT_TRUE(a.verdict == Verdict::Allow && b.verdict == Verdict::Deny) << what;
      }
      confirmed += outcome(a) != outcome(b);
    }
  return confirmed;
}

const ClassDiff *findClass(const ProfileDiff &p, const std::string &name) {
  for (const auto &c : p.classes)
    if (c.ruleClass == name)
      return &c;
  return nullptr;
}

const Witness *findWitness(const ClassDiff &c, Change kind) {
  for (const auto &w : c.witnesses)
    if (w.change == kind)
      return &w;
  return nullptr;
}

const char *kBase = R"(
profile app /usr/bin/app {
  /etc/app/{conf,data}/** r,
  /var/lib/app/* rw,
  deny /etc/app/conf/secret r,
  /usr/bin/helper Px -> helper,
  capability chown,
  signal send set=term peer=app,
}
profile helper /usr/bin/helper {
  /tmp/** rw,
}
)";

TEST(PolicyDiff, IdenticalPoliciesAreEquivalent) {
  LoadedPolicy a = test::loadOrFail(kBase), b = test::loadOrFail(kBase);
  PolicyDiff d = diffPolicies(a, b);
  EXPECT_TRUE(d.equivalent());
  EXPECT_EQ(d.comparedProfiles, 2u);
}

TEST(PolicyDiff, WidenedGlobIsMorePermissiveWithAShortestWitness) {
  std::string widened = std::regex_replace(std::string(kBase), std::regex("/var/lib/app/\\* rw"), "/var/lib/** rw");
  LoadedPolicy a = test::loadOrFail(kBase), b = test::loadOrFail(widened);
  PolicyDiff d = diffPolicies(a, b);
  ASSERT_EQ(d.profiles.size(), 1u);
  const ProfileDiff &p = d.profiles[0];
  EXPECT_EQ(p.name, "app");
  EXPECT_EQ(p.verdict(), DiffVerdict::MorePermissive);
  const ClassDiff *file = findClass(p, "file");
  ASSERT_TRUE(file);
  const Witness *w = findWitness(*file, Change::NewlyAllowed);
  ASSERT_TRUE(w);
  // The shortest path /var/lib/** reaches that /var/lib/app/* did not
  // (after a slash, ** matches no empty name, as in apparmor_parser).
  EXPECT_EQ(w->input, "/var/lib/a");
  EXPECT_EQ(expectWitnessesConfirmed(a, b, p, "widened"), 1u);
}

TEST(PolicyDiff, RemovedDenyIsMorePermissive) {
  std::string removed = std::regex_replace(std::string(kBase), std::regex("  deny /etc/app/conf/secret r,\n"), "");
  LoadedPolicy a = test::loadOrFail(kBase), b = test::loadOrFail(removed);
  PolicyDiff d = diffPolicies(a, b);
  ASSERT_EQ(d.profiles.size(), 1u);
  const ClassDiff *file = findClass(d.profiles[0], "file");
  ASSERT_TRUE(file);
  const Witness *w = findWitness(*file, Change::NewlyAllowed);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->input, "/etc/app/conf/secret");
  EXPECT_EQ(joinWords(w->words), "access /etc/app/conf/secret r");
  EXPECT_FALSE(findWitness(*file, Change::NewlyDenied));
  EXPECT_GE(expectWitnessesConfirmed(a, b, d.profiles[0], "deny removed"), 1u);
}

TEST(PolicyDiff, ExecModeChangeIsATransitionChange) {
  std::string ix = std::regex_replace(std::string(kBase), std::regex("Px -> helper"), "px -> helper");
  LoadedPolicy a = test::loadOrFail(kBase), b = test::loadOrFail(ix);
  PolicyDiff d = diffPolicies(a, b);
  ASSERT_EQ(d.profiles.size(), 1u);
  EXPECT_EQ(d.profiles[0].verdict(), DiffVerdict::Changed);
  const ClassDiff *file = findClass(d.profiles[0], "file");
  ASSERT_TRUE(file);
  const Witness *w = findWitness(*file, Change::Transition);
  ASSERT_TRUE(w);
  EXPECT_EQ(joinWords(w->words), "exec /usr/bin/helper");
  EXPECT_EQ(w->before, "Px -> helper");
  EXPECT_EQ(w->after, "px -> helper");  // no scrubbing of the environment
}

TEST(PolicyDiff, PxToIxChangesTheTransitionAndAllowsMmap) {
  // ix implies m (apparmor_parser adds it): the one change in permissions.
  std::string ix = std::regex_replace(std::string(kBase), std::regex("Px -> helper"), "ix");
  LoadedPolicy a = test::loadOrFail(kBase), b = test::loadOrFail(ix);
  PolicyDiff d = diffPolicies(a, b);
  ASSERT_EQ(d.profiles.size(), 1u);
  EXPECT_EQ(d.profiles[0].verdict(), DiffVerdict::MorePermissive);
  const ClassDiff *file = findClass(d.profiles[0], "file");
  ASSERT_TRUE(file);
  const Witness *w = findWitness(*file, Change::Transition);
  ASSERT_TRUE(w);
  EXPECT_EQ(joinWords(w->words), "exec /usr/bin/helper");
  EXPECT_EQ(w->before, "Px -> helper");
  EXPECT_EQ(w->after, "ix");
  ASSERT_TRUE(findWitness(*file, Change::NewlyAllowed));
  EXPECT_EQ(joinWords(findWitness(*file, Change::NewlyAllowed)->words), "access /usr/bin/helper m");
  EXPECT_EQ(expectWitnessesConfirmed(a, b, d.profiles[0], "Px to ix"), 2u);
}

TEST(PolicyDiff, RemovedExecRuleIsNewlyDeniedWithWhereItLed) {
  std::string gone = std::regex_replace(std::string(kBase), std::regex("  /usr/bin/helper Px -> helper,\n"), "");
  LoadedPolicy a = test::loadOrFail(kBase), b = test::loadOrFail(gone);
  PolicyDiff d = diffPolicies(a, b);
  ASSERT_EQ(d.profiles.size(), 1u);
  EXPECT_EQ(d.profiles[0].verdict(), DiffVerdict::LessPermissive);
  const Witness *w = findWitness(*findClass(d.profiles[0], "file"), Change::NewlyDenied);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->before, "allowed (Px -> helper)");
  EXPECT_EQ(w->after, "denied");
  expectWitnessesConfirmed(a, b, d.profiles[0], "exec removed");
}

TEST(PolicyDiff, BothDirectionsAreIncomparable) {
  std::string both = std::regex_replace(std::string(kBase), std::regex("capability chown"), "capability fowner");
  LoadedPolicy a = test::loadOrFail(kBase), b = test::loadOrFail(both);
  PolicyDiff d = diffPolicies(a, b);
  ASSERT_EQ(d.profiles.size(), 1u);
  const ClassDiff *caps = findClass(d.profiles[0], "capability");
  ASSERT_TRUE(caps);
  EXPECT_EQ(caps->verdict(), DiffVerdict::Incomparable);
  EXPECT_EQ(joinWords(findWitness(*caps, Change::NewlyAllowed)->words), "capability fowner");
  EXPECT_EQ(joinWords(findWitness(*caps, Change::NewlyDenied)->words), "capability chown");
  EXPECT_EQ(expectWitnessesConfirmed(a, b, d.profiles[0], "caps"), 2u);
}

TEST(PolicyDiff, AuditRuleIsALoggingChange) {
  std::string audited = std::regex_replace(std::string(kBase), std::regex("  /etc/app/\\{conf,data\\}/\\*\\* r,"),
                                           "  audit /etc/app/{conf,data}/** r,");
  LoadedPolicy a = test::loadOrFail(kBase), b = test::loadOrFail(audited);
  PolicyDiff d = diffPolicies(a, b);
  ASSERT_EQ(d.profiles.size(), 1u);
  EXPECT_EQ(d.profiles[0].verdict(), DiffVerdict::Changed);
  const Witness *w = findWitness(*findClass(d.profiles[0], "file"), Change::Logging);
  ASSERT_TRUE(w);
  EXPECT_EQ(expectWitnessesConfirmed(a, b, d.profiles[0], "audit"), 1u);
}

TEST(PolicyDiff, PolicyClassWitnessesAreRequests) {
  std::string more = std::regex_replace(std::string(kBase), std::regex("set=term"), "set=(term,kill)");
  LoadedPolicy a = test::loadOrFail(kBase), b = test::loadOrFail(more);
  PolicyDiff d = diffPolicies(a, b);
  ASSERT_EQ(d.profiles.size(), 1u);
  const ClassDiff *sig = findClass(d.profiles[0], "signal");
  if (!sig)
    GTEST_SKIP() << "the feature set does not mediate signals";
  EXPECT_EQ(sig->verdict(), DiffVerdict::MorePermissive);
  const Witness *w = findWitness(*sig, Change::NewlyAllowed);
  ASSERT_TRUE(w);
  EXPECT_EQ(joinWords(w->words), "signal 9 app send");
  EXPECT_EQ(expectWitnessesConfirmed(a, b, d.profiles[0], "signal"), 1u);
}

TEST(PolicyDiff, AddedRemovedAndRenamedProfiles) {
  const std::string extra = "profile extra /usr/bin/extra { /x r, }\n";
  std::string renamed = std::regex_replace(std::string(kBase), std::regex("profile helper "), "profile helper2 ");
  LoadedPolicy a = test::loadOrFail(kBase), b = test::loadOrFail(renamed + extra);
  PolicyDiff d = diffPolicies(a, b);
  std::map<std::string, ProfileDiff::Status> status;
  for (const auto &p : d.profiles)
    status[p.name] = p.status;
  // app's Px -> helper now names a profile that is gone: its transition
  // changed too (the table entry is the same text, the target is not).
  EXPECT_EQ(status["helper2"], ProfileDiff::Status::Renamed);
  EXPECT_EQ(status["extra"], ProfileDiff::Status::Added);
  PolicyDiff back = diffPolicies(b, a);
  bool removed = false;
  for (const auto &p : back.profiles)
    removed |= p.name == "extra" && p.status == ProfileDiff::Status::Removed;
  EXPECT_TRUE(removed);
}

TEST(PolicyDiff, AttachmentChangesAreWitnessedByAnExec) {
  std::string moved = std::regex_replace(std::string(kBase), std::regex("profile app /usr/bin/app"),
                                         "profile app /usr/{bin,sbin}/app");
  LoadedPolicy a = test::loadOrFail(kBase), b = test::loadOrFail(moved);
  PolicyDiff d = diffPolicies(a, b);
  ASSERT_EQ(d.profiles.size(), 1u);
  const ClassDiff *attach = findClass(d.profiles[0], "attachment");
  ASSERT_TRUE(attach);
  const Witness *w = findWitness(*attach, Change::NewlyAllowed);
  ASSERT_TRUE(w);
  EXPECT_EQ(joinWords(w->words), "exec /usr/sbin/app");
  EXPECT_EQ(expectWitnessesConfirmed(a, b, d.profiles[0], "attachment"), 1u);
}

TEST(PolicyDiff, ModeChangeToComplainIsMorePermissive) {
  std::string complain = std::regex_replace(std::string(kBase), std::regex("profile app /usr/bin/app"),
                                            "profile app /usr/bin/app flags=(complain)");
  LoadedPolicy a = test::loadOrFail(kBase), b = test::loadOrFail(complain);
  PolicyDiff d = diffPolicies(a, b);
  ASSERT_EQ(d.profiles.size(), 1u);
  EXPECT_EQ(d.profiles[0].verdict(), DiffVerdict::MorePermissive);
  ASSERT_TRUE(findClass(d.profiles[0], "profile"));
  EXPECT_EQ(findClass(d.profiles[0], "profile")->notes.at(0), "mode enforce -> complain");
}

TEST(PolicyDiff, EquivalentRewritesAreEquivalent) {
  const std::string rewrites[] = {
      // rules reordered
      R"(
profile app /usr/bin/app {
  signal send set=term peer=app,
  capability chown,
  /usr/bin/helper Px -> helper,
  deny /etc/app/conf/secret r,
  /var/lib/app/* rw,
  /etc/app/{conf,data}/** r,
}
profile helper /usr/bin/helper {
  /tmp/** rw,
}
)",
      // a glob split in two, permissions split in two
      R"(
profile app /usr/bin/app {
  /etc/app/conf/** r,
  /etc/app/data/** r,
  /var/lib/app/* r,
  /var/lib/app/* w,
  deny /etc/app/conf/secret r,
  /usr/bin/helper Px -> helper,
  capability chown,
  signal send set=term peer=app,
}
profile helper /usr/bin/helper {
  /tmp/** r,
  /tmp/** w,
}
)"};
  LoadedPolicy a = test::loadOrFail(kBase);
  for (const auto &text : rewrites) {
    LoadedPolicy b = test::loadOrFail(text);
    PolicyDiff d = diffPolicies(a, b);
    EXPECT_TRUE(d.equivalent()) << text << (d.profiles.empty() ? "" : d.profiles[0].name);
  }
}

std::string describe(const ProfileDiff &p) {
  std::string out;
  for (const auto &c : p.classes) {
    out += fmt::format("\n  {}: {}", c.ruleClass, diffVerdictName(c.verdict()));
    for (const auto &n : c.notes)
      out += "\n    " + n;
    for (const auto &w : c.witnesses)
      out += fmt::format("\n    {}: {} \"{}\" (was {}, now {})", changeName(w.change), joinWords(w.words),
                         dfa::showBytes(w.input), w.before, w.after);
  }
  return out;
}

// --- planted changes over the corpus ---------------------------------------

struct PlantedFile {
  fs::path path;
  std::string text;
};

// Profiles of the corpus to plant changes in: upstream's apparmor.d and
// every n-th file of roddhjav's abi3 set (AASIM_DIFF_STRIDE, default 12).
struct CorpusSet {
  fs::path base;
  std::vector<fs::path> files;
  dfa::LanguageVersion version;
};

std::vector<CorpusSet> corpusSets() {
  std::vector<CorpusSet> sets;
  const char *env = std::getenv("AASIM_DIFF_STRIDE");
  size_t stride = std::max<size_t>(env ? std::strtoul(env, nullptr, 10) : 12, 1);
  fs::path upstream = test::corpusDir() / "profiles" / "upstream" / "apparmor.d";
  if (fs::exists(upstream)) {
    CorpusSet s{upstream, {}, dfa::LanguageVersion::V6_0};
    size_t n = 0;
    for (const auto &name : frontend::sortedDirectoryNames(upstream.string())) {
      fs::path p = upstream / name;
      if (fs::is_regular_file(p) && name.find('.') != 0 && ++n % std::max<size_t>(stride / 4, 1) == 0)
        s.files.push_back(p);
    }
    sets.push_back(std::move(s));
  }
  fs::path abi3 = test::corpusDir() / "profiles" / "roddhjav" / "abi3";
  if (fs::exists(abi3 / "parser-status.tsv")) {
    CorpusSet s{abi3 / "base", {}, dfa::LanguageVersion::V3_0};
    for (const auto &f : test::parserAcceptedFiles(abi3, stride))
      s.files.push_back(abi3 / "apparmor.d" / f);
    sets.push_back(std::move(s));
  }
  return sets;
}

std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

std::string joined(const std::vector<std::string> &ls) {
  std::string out;
  for (const auto &l : ls)
    out += l + "\n";
  return out;
}

std::string trimmed(const std::string &l) {
  size_t b = l.find_first_not_of(" \t"), e = l.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : l.substr(b, e - b + 1);
}

// A plain file rule on one line: `PATH PERMS,` (optionally owner/audit),
// no exec permissions (widening them could make exec rules conflict).
const std::regex kFileRule(R"(^(\s*)((?:owner |audit )*)(/[^\s{}\[\]*?]*/)([^\s/{}\[\]*?]+) +([rwlkm]+),\s*$)");

enum class Plant { Widen, RemoveDeny, PxToIx, DropInclude, Reorder, SplitGlob, InlineInclude };
const char *plantName(Plant p) {
  switch (p) {
  case Plant::Widen: return "widened glob";
  case Plant::RemoveDeny: return "removed deny";
  case Plant::PxToIx: return "Px to ix";
  case Plant::DropInclude: return "dropped include";
  case Plant::Reorder: return "reordered rules";
  case Plant::SplitGlob: return "glob split";
  case Plant::InlineInclude: return "include inlined";
  }
  return "?";
}

// The text with the change planted at the first line it applies to, or
// nullopt when no line takes it.
std::optional<std::string> plant(Plant kind, const std::string &text, const fs::path &base) {
  std::vector<std::string> ls = lines(text);
  static const std::regex deny(R"(^\s*(audit\s+)?deny\s+(owner\s+)?/\S*\s+[rwlkmaix]+,\s*$)");
  static const std::regex px(R"(^(\s*(?:owner\s+)?/\S+\s+)(P|p)x(\s*->\s*\S+)?,\s*$)");
  static const std::regex include(R"(^\s*(#)?include\s+<(abstractions/[^>]+)>\s*$)");
  static const std::regex split(R"(^(\s*(?:owner\s+)?)(/[^\s{}]*)\{([^{}, ]+),([^{} ]+)\}([^\s{}]*)(\s+[rwlkm]+,)\s*$)");
  static const std::regex simpleRule(R"(^\s*(owner\s+)?/\S+\s+[rwlkm]+,\s*$)");
  std::smatch m;
  for (size_t i = 0; i < ls.size(); ++i) {
    const std::string l = ls[i];  // a copy: the matches point into it while ls changes
    switch (kind) {
    case Plant::Widen:
      if (std::regex_match(l, m, kFileRule)) {
        ls[i] = m[1].str() + m[2].str() + m[3].str() + "** " + m[5].str() + ",";
        return joined(ls);
      }
      break;
    case Plant::RemoveDeny:
      if (std::regex_match(l, deny)) {
        ls.erase(ls.begin() + static_cast<long>(i));
        return joined(ls);
      }
      break;
    case Plant::PxToIx:
      if (std::regex_match(l, m, px)) {
        ls[i] = m[1].str() + "ix,";
        return joined(ls);
      }
      break;
    case Plant::DropInclude:
      if (l.size() && (l[0] == ' ' || l[0] == '\t') && std::regex_match(l, include)) {
        ls.erase(ls.begin() + static_cast<long>(i));
        return joined(ls);
      }
      break;
    case Plant::InlineInclude:
      if (l.size() && (l[0] == ' ' || l[0] == '\t') && std::regex_match(l, m, include)) {
        fs::path target = base / m[2].str();
        if (!fs::is_regular_file(target))
          break;
        std::ifstream in(target);
        std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::vector<std::string> inner;
        for (auto &bl : lines(body))
          if (trimmed(bl).rfind("abi ", 0) != 0 && trimmed(bl).rfind("abi<", 0) != 0)
            inner.push_back(bl);
        ls.erase(ls.begin() + static_cast<long>(i));
        ls.insert(ls.begin() + static_cast<long>(i), inner.begin(), inner.end());
        return joined(ls);
      }
      break;
    case Plant::SplitGlob:
      if (std::regex_match(l, m, split)) {
        ls[i] = m[1].str() + m[2].str() + m[3].str() + m[5].str() + m[6].str();
        ls.insert(ls.begin() + static_cast<long>(i) + 1, m[1].str() + m[2].str() + "{" + m[4].str() + "}" + m[5].str() + m[6].str());
        return joined(ls);
      }
      break;
    case Plant::Reorder: {
      size_t j = i;
      while (j < ls.size() && std::regex_match(ls[j], simpleRule))
        ++j;
      if (j - i >= 3) {
        std::reverse(ls.begin() + static_cast<long>(i), ls.begin() + static_cast<long>(j));
        return joined(ls);
      }
      if (j > i)
        i = j;
      break;
    }
    }
  }
  return std::nullopt;
}

TEST(PolicyDiffCorpus, PlantedChangesAndEquivalentRewrites) {
  auto sets = corpusSets();
  if (sets.empty())
    GTEST_SKIP() << "corpus not found at " << test::corpusDir() << " (set AASIM_CORPUS)";
  const Plant kinds[] = {Plant::Widen,   Plant::RemoveDeny, Plant::PxToIx,       Plant::DropInclude,
                         Plant::Reorder, Plant::SplitGlob,  Plant::InlineInclude};
  std::map<Plant, std::map<DiffVerdict, size_t>> verdicts;
  size_t confirmed = 0, files = 0;
  for (const CorpusSet &set : sets) {
    frontend::SearchPaths paths;
    paths.baseDir = set.base.string();
    for (const fs::path &file : set.files) {
      std::ifstream in(file);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::string error;
      auto original = test::loadPolicyText(text, kernelFeatures(), error, set.version, paths);
      if (!original)
        continue;  // not for this language version (the crosscheck tests report those)
      ++files;
      for (Plant kind : kinds) {
        auto changed = plant(kind, text, set.base);
        if (!changed)
          continue;
        auto after = test::loadPolicyText(*changed, kernelFeatures(), error, set.version, paths);
        if (!after)
          continue;  // the change made the file invalid (e.g. an exec conflict)
        PolicyDiff d = diffPolicies(*original, *after);
        std::string context = fmt::format("{} in {}", plantName(kind), file.string());
        DiffVerdict overall = DiffVerdict::Equivalent;
        for (const auto &p : d.profiles) {
          ASSERT_EQ(p.status, ProfileDiff::Status::Compared) << context;
          confirmed += expectWitnessesConfirmed(*original, *after, p, context);
          overall = p.verdict();
          switch (kind) {
          case Plant::Widen:
          case Plant::RemoveDeny:
            // Nothing is denied that was allowed; a removed deny also
            // unquiets what it denied.
            for (const auto &c : p.classes)
              EXPECT_FALSE(c.lessPermissive) << context << ": " << c.ruleClass;
            break;
          case Plant::PxToIx:
            // ix implies m: the only permission it may add; nothing is
            // denied that was allowed.
            for (const auto &c : p.classes) {
              EXPECT_FALSE(c.lessPermissive) << context << ": " << c.ruleClass;
              for (const auto &w : c.witnesses)
                if (w.change == Change::NewlyAllowed) {
                  EXPECT_TRUE(w.words.size() >= 3 && w.words[0] == "access" && w.words[2] == "m")
                      << context << ": " << joinWords(w.words);
                }
            }
            break;
          case Plant::DropInclude: break;
          case Plant::Reorder:
          case Plant::SplitGlob:
          case Plant::InlineInclude: ADD_FAILURE() << context << ": not equivalent: profile " << p.name << describe(p); break;
          }
        }
        if (d.profiles.size() > 1)
          overall = DiffVerdict::Incomparable;
        ++verdicts[kind][overall];
      }
    }
  }
  ASSERT_GT(files, 10u);
  std::cout << "[          ] " << files << " files, " << confirmed << " witnesses confirmed by the decision API\n";
  for (auto &[kind, byVerdict] : verdicts) {
    std::string line;
    for (auto &[v, n] : byVerdict)
      line += fmt::format(" {} {},", diffVerdictName(v), n);
    std::cout << "[          ] " << plantName(kind) << ":" << line << "\n";
  }
  // Planted changes are found (not every one: a widened rule may already
  // be covered by another); each kind was planted somewhere.
  auto found = [&](Plant k, DiffVerdict v) { return verdicts[k][v]; };
  EXPECT_GT(found(Plant::Widen, DiffVerdict::MorePermissive), found(Plant::Widen, DiffVerdict::Equivalent));
  EXPECT_GT(found(Plant::PxToIx, DiffVerdict::Changed) + found(Plant::PxToIx, DiffVerdict::MorePermissive), 0u);
  EXPECT_GT(found(Plant::RemoveDeny, DiffVerdict::MorePermissive) + found(Plant::RemoveDeny, DiffVerdict::Changed), 0u);
  EXPECT_GT(found(Plant::DropInclude, DiffVerdict::LessPermissive) + found(Plant::DropInclude, DiffVerdict::Incomparable), 0u);
  for (Plant k : {Plant::Reorder, Plant::SplitGlob, Plant::InlineInclude})
    EXPECT_GT(found(k, DiffVerdict::Equivalent), 0u) << plantName(k);
  EXPECT_GT(confirmed, 50u);
}

} // namespace

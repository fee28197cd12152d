#include "simulate_commands.h"

#include "decision_output.h"
#include "policy_loader.h"
#include "replay_table.h"
#include "trace_input.h"
#include "simulator/operation_syntax.h"
#include "simulator/replay.h"
#include "simulator/synthetic_trace.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <tuple>
#include <map>

#include <fmt/format.h>
#include <llvm/ADT/StringMap.h>

namespace aasim::cli {

namespace {

constexpr int kExitAllowed = 0, kExitDenied = 1, kExitUsage = 2;
constexpr size_t kLogKinds = static_cast<size_t>(simulator::LogKind::Killed) + 1;

// The frontend and the policy of a command; null after printing why.
std::unique_ptr<frontend::Frontend> loadPolicy(const SimulateCommand &c, simulator::LoadedPolicy &policy) {
  dfa::CompileOptions compile = c.compile;
  auto fe = openFrontend(c.frontend, compile);
  if (!fe || !loadPolicyFiles(*fe, c.policyFiles, {compile, c.quiet}, policy))
    return nullptr;
  return fe;
}

} // namespace

int runQuery(const SimulateCommand &c) {
  if (c.policyFiles.empty() || c.operation.size() < 2) {
    fmt::print(stderr, "usage: aasim query [-I DIR]... [-M FEATURES] [--json] POLICY... -- PROFILE OPERATION ARGS...\n"
                       "  e.g. aasim query /etc/apparmor.d/usr.sbin.nginx -- /usr/sbin/nginx open /etc/shadow r\n");
    return kExitUsage;
  }
  simulator::LoadedPolicy policy;
  auto fe = loadPolicy(c, policy);
  if (!fe)
    return kExitUsage;
  std::string error;
  std::vector<std::string> words(c.operation.begin() + 1, c.operation.end());
  auto request = simulator::parseOperation(words, error);
  if (!request) {
    fmt::print(stderr, "aasim: error: {}\n", error);
    return kExitUsage;
  }
  // A label that names no profile may be the program's path: take the
  // profile that attaches to it, and say so.
  auto resolved = simulator::resolveProfile(policy, c.operation[0]);
  if (!resolved) {
    fmt::print(stderr, "aasim: error: no profile is named '{}' or attaches to it\n", c.operation[0]);
    return kExitUsage;
  }
  if (*resolved != c.operation[0])
    fmt::print(stderr, "aasim: note: {} runs under profile {}\n", c.operation[0], *resolved);
  const std::string &label = *resolved;
  simulator::Decision d = simulator::decide(policy, label, *request, c.decide);
  if (c.json)
    fmt::print("{}\n", decisionJson(fe->sources(), *request, d, {}));
  else
    fmt::print("{}", decisionText(fe->sources(), *request, d, {}, /*withRules=*/true));
  return d.verdict == simulator::Verdict::Allow ? kExitAllowed : kExitDenied;
}

int runReplay(const SimulateCommand &c) {
  if (c.policyFiles.empty() || c.traces.empty()) {
    fmt::print(stderr, "usage: aasim replay [-I DIR]... [-M FEATURES] [--json|--table|--lines] [--format synthetic|audit] POLICY... "
                       "--trace FILE...\n");
    return kExitUsage;
  }
  simulator::LoadedPolicy policy;
  auto fe = loadPolicy(c, policy);
  if (!fe)
    return kExitUsage;

  const bool progress = isatty(2);
  std::optional<ReplayTable> table;
  // Text lines collect in one buffer written out in large pieces (line by
  // line on a terminal).
  std::string lines;
  const size_t kFlushBytes = isatty(1) ? 0 : 1 << 16;
  auto flushLines = [&] {
    std::fwrite(lines.data(), 1, lines.size(), stdout);
    lines.clear();
  };
  if (!c.json && c.table.value_or(isatty(1) != 0))
    table.emplace(stdout);
  // Events by profile, then by verdict and log kind (counted on every
  // event: no strings built for it).
  using Outcomes = std::array<std::array<size_t, kLogKinds>, 2>;
  llvm::StringMap<Outcomes> summary;
  size_t events = 0, recorded = 0, agreeing = 0, notDecided = 0;
  int status = 0;
  // Text lines do not show the rules; naming them costs most of the time.
  simulator::DecideOptions options = c.decide;
  options.explain = c.json;
  std::optional<simulator::Replayer> replayer;
  auto counts = readTraces(
      c.traces, c.format, [&](const std::string &) { replayer.emplace(policy, options); },
      [&](const std::string &traceName, const simulator::TraceEvent &e) {
        if (e.notDecided) {
          ++notDecided;
          if (c.json)
            fmt::print(stderr, "{}:{}: not decided: {}\n", traceName, e.line, *e.notDecided);
          else if (table)
            table->add({std::to_string(e.line), "", "skip", "", "", "", "", "", *e.notDecided});
          else
            lines += fmt::format("SKIP  line {}: {}\n", e.line, *e.notDecided);
          return;
        }
        simulator::ReplayStep step = replayer->step(e);
        if (!step.decision)
          return;
        ++events;
        const simulator::Decision &d = *step.decision;
        const simulator::Request request = requestOf(e);
        EventContext ctx{e.line, e.pid, e.recorded, step.agrees};
        if (step.agrees) {
          ++recorded;
          agreeing += *step.agrees;
        }
        ++summary[d.profile][d.verdict == simulator::Verdict::Allow ? 0 : 1][static_cast<size_t>(d.log)];
        if (c.json)
          fmt::print("{}\n", decisionJson(fe->sources(), request, d, ctx));
        else if (table)
          table->add(decisionRow(request, d, ctx));
        else {
          appendDecisionText(lines, fe->sources(), request, d, ctx, /*withRules=*/false);
          if (lines.size() > kFlushBytes)
            flushLines();
        }
        if (progress && events % 100000 == 0)
          fmt::print(stderr, "aasim: {} events replayed\r", events);
      });
  if (!counts)
    return kExitUsage;
  const size_t problems = counts->problems, skipped = counts->skipped;
  flushLines();
  if (table)
    table->flush();
  // By profile, then decision ("allow", "deny DENIED", ...), in order.
  std::vector<std::tuple<std::string, std::string, size_t>> rows;
  for (const auto &entry : summary)
    for (size_t verdict = 0; verdict < 2; ++verdict)
      for (size_t log = 0; log < kLogKinds; ++log)
        if (size_t n = entry.second[verdict][log]) {
          std::string word = verdict == 0 ? "allow" : "deny";
          if (log != static_cast<size_t>(simulator::LogKind::None))
            word += std::string(" ") + simulator::logKindName(static_cast<simulator::LogKind>(log));
          rows.emplace_back(entry.first().str(), std::move(word), n);
        }
  std::sort(rows.begin(), rows.end());
  if (!c.json)
    fmt::print("\nsummary:\n");
  for (const auto &[profile, word, n] : rows) {
    if (c.json)
      fmt::print(stderr, "summary: profile {} {}: {}\n", profile, word, n);
    else
      fmt::print("  {} {}: {}\n", profile, word, n);
  }
  fmt::print(stderr, "aasim: {} events replayed", events);
  if (recorded)
    fmt::print(stderr, ", {}/{} recorded events agree with the prediction", agreeing, recorded);
  if (notDecided)
    fmt::print(stderr, ", {} AppArmor records not decided (no request the simulator models)", notDecided);
  if (skipped)
    fmt::print(stderr, ", {} lines without AppArmor events skipped", skipped);
  if (problems)
    fmt::print(stderr, ", {} malformed lines", problems);
  fmt::print(stderr, "\n");
  if (problems || agreeing != recorded)
    status = 1;
  return status;
}

} // namespace aasim::cli

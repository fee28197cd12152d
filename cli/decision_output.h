// How the simulator commands show a decision: one text line (with the
// responsible rules beneath it), or one JSON object.
#pragma once

#include "replay_table.h"

#include "frontend/source_manager.h"
#include "simulator/decision.h"

#include <optional>
#include <string>

namespace aasim::cli {

/// What an event says besides the decision: where it came from and, for
/// recorded events, what the kernel logged then.
struct EventContext {
  std::optional<size_t> line;
  std::optional<long> pid;
  std::optional<std::string> recorded;  // DENIED, ALLOWED, AUDIT
  std::optional<bool> agrees;           // prediction matches the record
};

/// A rule as written: its source line, trimmed (the origin's own text
/// when the line is not available).
std::string ruleText(const frontend::SourceManager &sm, const dfa::RuleOrigin &origin);

/// The name an operation acts on (path, capability, peer, ...).
std::string requestName(const simulator::Request &r);

std::string decisionText(const frontend::SourceManager &sm, const simulator::Request &request,
                         const simulator::Decision &d, const EventContext &ctx, bool withRules);
/// The same, appended to `out` (replay fills one buffer with many lines).
void appendDecisionText(std::string &out, const frontend::SourceManager &sm, const simulator::Request &request,
                        const simulator::Decision &d, const EventContext &ctx, bool withRules);
/// The decision as a row of `aasim replay`'s table.
ReplayTable::Row decisionRow(const simulator::Request &request, const simulator::Decision &d, const EventContext &ctx);
std::string decisionJson(const frontend::SourceManager &sm, const simulator::Request &request,
                         const simulator::Decision &d, const EventContext &ctx);

} // namespace aasim::cli

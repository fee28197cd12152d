// Replays a trace against loaded policy: follows every process's label
// across start, fork, exec and change_profile, and decides each request
// as the kernel would at that point, including the kernel state a single
// decision does not see (the capability audit cache).
#pragma once

#include "decision.h"
#include "loaded_policy.h"
#include "trace_event.h"

#include <map>
#include <optional>
#include <string>

namespace aasim::simulator {

struct ReplayStep {
  std::string label;                // the task's label when the event happened
  std::optional<Decision> decision; // requests and starts (a start is an exec from unconfined)
  std::optional<bool> agrees;       // recorded events: the prediction matches the log
};

class Replayer {
public:
  Replayer(const LoadedPolicy &policy, DecideOptions options) : policy_(policy), options_(options) {}

  ReplayStep step(const TraceEvent &event);
  std::string labelOf(long pid) const;

private:
  struct Task {
    std::string label = "unconfined";
    std::optional<std::string> onexec;  // change_onexec target for the next exec
  };
  // capability.c's duplicate-message filter (one CPU): the last profile
  // that logged a capability and the capabilities it logged.
  struct CapabilityAuditCache {
    std::string profile;
    uint64_t caps = 0;
  };
  void applyCapabilityCache(const CapabilityRequest &r, Decision &d);
  // An exec with a change_onexec pending: it goes to the onexec target,
  // which it consumes.
  static Decision onexecDecision(Task &task);

  const LoadedPolicy &policy_;
  DecideOptions options_;
  std::map<long, Task> tasks_;
  CapabilityAuditCache capCache_;
};

/// Whether a predicted decision agrees with what a log recorded: the
/// record's kind (DENIED, ALLOWED, AUDIT) is the predicted log kind.
bool agreesWithRecord(const Decision &d, const std::string &recorded);

} // namespace aasim::simulator

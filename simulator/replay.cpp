#include "replay.h"

namespace aasim::simulator {

std::string Replayer::labelOf(long pid) const {
  auto it = tasks_.find(pid);
  return it == tasks_.end() ? "unconfined" : it->second.label;
}

void Replayer::applyCapabilityCache(const CapabilityRequest &r, Decision &d) {
  if (d.log == LogKind::None || d.profile == "unconfined" || r.cap >= 64)
    return;
  const uint64_t bit = uint64_t{1} << r.cap;
  if (capCache_.profile == d.profile && (capCache_.caps & bit)) {
    d.log = LogKind::None;
    d.info = "repeated capability message suppressed by the kernel's audit cache";
    return;
  }
  // As in capability.c: a new profile takes the entry over and starts
  // with no bits (Debian's 6.1 kernel has the stable fix "apparmor: fix
  // 'Do simple duplicate message elimination'"; before it the bits
  // stayed, and other profiles' repeated capabilities went unlogged).
  if (capCache_.profile != d.profile)
    capCache_.caps = 0;
  capCache_.profile = d.profile;
  capCache_.caps |= bit;
}

Decision Replayer::onexecDecision(Task &task) {
  // Debian's 6.1 kernel asks nothing more of the executable: no x
  // permission, no record (seen with and without a change_profile rule
  // naming it; docs/kernel.md).
  Decision d;
  d.profile = task.label;
  d.operation = "exec";
  d.transition = Transition{"change_onexec", *task.onexec, true, false};
  task.onexec.reset();
  return d;
}

ReplayStep Replayer::step(const TraceEvent &e) {
  ReplayStep out;
  Task &task = tasks_[e.pid];
  switch (e.kind) {
  case TraceEvent::Kind::Start: {
    if (e.label) {
      task.label = *e.label;
      out.label = task.label;
      return out;
    }
    // Started by an unconfined parent: the exec attaches by path.
    out.label = "unconfined";
    Decision d = decide(policy_, "unconfined", ExecRequest{e.exe, true, {}}, options_);
    if (d.transition)
      task.label = d.transition->target;
    out.decision = std::move(d);
    return out;
  }
  case TraceEvent::Kind::Fork: {
    Task child = task;
    out.label = task.label;
    tasks_[e.childPid] = child;
    return out;
  }
  case TraceEvent::Kind::Request: break;
  }
  if (e.recordedLabel)
    task.label = *e.recordedLabel;
  out.label = task.label;
  if (!e.request)
    return out;
  const bool exec = std::holds_alternative<ExecRequest>(*e.request);
  Decision d = exec && task.onexec ? onexecDecision(task) : decide(policy_, task.label, *e.request, options_);
  if (const auto *cap = std::get_if<CapabilityRequest>(&*e.request))
    applyCapabilityCache(*cap, d);
  if (exec && d.verdict == Verdict::Allow && d.transition)
    task.label = d.transition->target;
  if (std::holds_alternative<ChangeHatRequest>(*e.request) && d.verdict == Verdict::Allow && d.transition)
    task.label = d.transition->target;
  if (const auto *cp = std::get_if<ChangeProfileRequest>(&*e.request); cp && d.verdict == Verdict::Allow) {
    if (cp->onexec)
      task.onexec = d.transition ? d.transition->target : cp->target;
    else if (d.transition)
      task.label = d.transition->target;
  }
  if (e.recorded)
    out.agrees = agreesWithRecord(d, *e.recorded);
  out.decision = std::move(d);
  return out;
}

bool agreesWithRecord(const Decision &d, const std::string &recorded) {
  return recorded == logKindName(d.log);
}

} // namespace aasim::simulator

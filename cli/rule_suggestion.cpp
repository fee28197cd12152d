#include "rule_suggestion.h"

#include "dfa/attachment.h"
#include "dfa/glob.h"
#include "dfa/network_table.h"
#include "dfa/policy_rules.h"
#include "simulator/exec.h"
#include "simulator/kernel_perms.h"
#include "simulator/operation_syntax.h"

#include <fmt/format.h>

#include <cstring>

namespace aasim::cli {

namespace {

// Glob characters of the profile language: a path holding them must be
// quoted by escaping to be matched literally.
std::string escapeGlob(const std::string &path) {
  std::string out;
  for (char c : path) {
    if (std::strchr("*?[]{}\\^\"", c))
      out += '\\';
    out += c;
  }
  return out;
}

// A path in a rule: quoted when it holds blanks.
std::string rulePath(const std::string &path) {
  return path.find_first_of(" \t") == std::string::npos ? path : "\"" + path + "\"";
}

std::string signalName(unsigned aa) {
  static const char *kNames[] = {"hup", "int", "quit", "ill",  "trap", "abrt", "bus",   "fpe",    "kill", "usr1",
                                 "segv", "usr2", "pipe", "alrm", "term", "stkflt", "chld", "cont", "stop", "tstp",
                                 "ttin", "ttou", "urg", "xcpu", "xfsz", "vtalrm", "prof", "winch", "io",  "pwr",
                                 "sys",  "emt",  "exists"};
  for (const char *n : kNames)
    if (dfa::signalNumber(n) == aa)
      return n;
  if (aa >= 128)
    return fmt::format("rtmin+{}", aa - 128);
  return std::to_string(aa);
}

// The permission letters of a file rule that grant `mask`, in the order
// rules write them: `w` covers creating, deleting and changing attributes.
std::string ruleLetters(uint32_t mask) {
  using namespace simulator::perm;
  std::string out;
  if (mask & kRead)
    out += 'r';
  const bool write = mask & (kWrite | kCreate | kDelete | kSetattr | kChmod | kChown | kRename);
  if (write)
    out += 'w';
  else if (mask & kAppend)
    out += 'a';
  if (mask & kLink)
    out += 'l';
  if (mask & kLock)
    out += 'k';
  if (mask & kExecMmap)
    out += 'm';
  return out;
}

} // namespace

std::string withVariables(const std::string &path, const frontend::VariableTable &vars) {
  size_t best = 0;
  std::string bestName;
  for (const auto &[name, set] : vars.sets()) {
    frontend::ExpandError err;
    auto glob = vars.expandWord("@{" + name + "}", err);
    if (!glob || glob->empty() || (*glob)[0] != '/')
      continue;
    std::string error;
    auto regex = dfa::globToRegex(*glob, error);
    if (!regex)
      continue;
    auto automaton = dfa::buildAttachment(regex->regex, {}, 100'000, error);
    if (!automaton)
      continue;
    const dfa::Dfa &d = automaton->dfa;
    uint32_t s = dfa::Dfa::kStart;
    for (size_t i = 0; i < path.size() && s != dfa::Dfa::kDead; ++i) {
      s = d.step(s, static_cast<uint8_t>(path[i]));
      size_t length = i + 1;
      // A whole component: the prefix ends with '/' or the path goes on with one.
      bool boundary = path[i] == '/' || length == path.size() || path[length] == '/';
      if (s != dfa::Dfa::kDead && (d.perms[s].allow & simulator::kMayExecAttach) && boundary && length > best && length > 1) {
        best = length;
        bestName = name;
      }
    }
  }
  if (bestName.empty())
    return escapeGlob(path);
  std::string rest = path.substr(best);
  if (path[best - 1] == '/')
    rest = "/" + rest;  // @{HOME} keeps its own trailing slash out of sight
  return "@{" + bestName + "}" + escapeGlob(rest);
}

std::optional<std::string> suggestRule(const simulator::Request &request, const simulator::Decision &d,
                                       const frontend::VariableTable &vars, bool targetAttaches, std::string &why) {
  using namespace simulator;
  if (const auto *f = std::get_if<FileRequest>(&request)) {
    std::string letters = ruleLetters(d.denied ? d.denied : f->mask);
    if (letters.empty())
      letters = ruleLetters(f->mask);
    if (letters.empty()) {
      why = "the denied permissions have no rule letters";
      return std::nullopt;
    }
    return fmt::format("{}{} {},", f->owner ? "owner " : "", rulePath(withVariables(f->path, vars)), letters);
  }
  if (const auto *e = std::get_if<ExecRequest>(&request)) {
    // Run it under the profile that attaches to it; else keep it in this
    // profile's confinement.
    return fmt::format("{} {},", rulePath(withVariables(e->path, vars)), targetAttaches ? "Px" : "ix");
  }
  if (const auto *l = std::get_if<LinkRequest>(&request))
    return fmt::format("{}link {} -> {},", l->owner ? "owner " : "", rulePath(withVariables(l->path, vars)),
                       rulePath(withVariables(l->target, vars)));
  if (const auto *c = std::get_if<CapabilityRequest>(&request))
    return fmt::format("capability {},", capabilityName(c->cap));
  if (const auto *n = std::get_if<NetworkRequest>(&request)) {
    // A coarse rule covers the socket whatever its addresses.
    return fmt::format("network {} {},", dfa::networkFamilyName(n->family), dfa::socketTypeName(n->type));
  }
  if (const auto *s = std::get_if<SignalRequest>(&request))
    return fmt::format("signal ({}) set=({}) peer={},", s->send ? "send" : "receive", signalName(s->signal),
                       s->peer.empty() ? "unconfined" : s->peer);
  if (const auto *p = std::get_if<PtraceRequest>(&request)) {
    const char *perm = p->tracer ? (p->trace ? "trace" : "read") : (p->trace ? "tracedby" : "readby");
    return fmt::format("ptrace ({}) peer={},", perm, p->peer);
  }
  if (const auto *c = std::get_if<ChangeProfileRequest>(&request))
    return fmt::format("change_profile -> {},", c->target);
  if (std::holds_alternative<UsernsRequest>(request))
    return std::string("userns,");
  why = fmt::format("no suggestion for {} requests yet", requestClass(request));
  return std::nullopt;
}

} // namespace aasim::cli

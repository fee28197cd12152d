#include "decision_output.h"

#include "policy_loader.h"
#include "simulator/audit_log.h"
#include "simulator/operation_syntax.h"

#include "dfa/network_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace aasim::cli {

using namespace simulator;

namespace {

// "unix stream addr=@srv peer_addr=none peer=client": the family, type and
// what the request knows of the socket's ends.
std::string socketName(const NetworkRequest &x) {
  std::string out = fmt::format("{} {}", dfa::networkFamilyName(x.family), dfa::socketTypeName(x.type));
  if (x.protocol)
    out += fmt::format(" protocol={}", x.protocol);
  auto end = [&](const char *prefix, const SocketEnd &e) {
    if (!e.address.empty())
      out += fmt::format(" {}addr={}", prefix, e.address);
    if (e.port)
      out += fmt::format(" {}port={}", prefix, *e.port);
  };
  end("", x.local);
  end("peer_", x.peer);
  if (!x.peer.label.empty())
    out += " peer=" + x.peer.label;
  return out;
}

} // namespace

std::string requestName(const Request &r) {
  return std::visit(
      [](const auto &x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, FileRequest>)
          return x.path;
        else if constexpr (std::is_same_v<T, LinkRequest>)
          return x.path + " -> " + x.target;
        else if constexpr (std::is_same_v<T, RenameRequest>)
          return x.from + " -> " + x.to;
        else if constexpr (std::is_same_v<T, ExecRequest>)
          return x.path;
        else if constexpr (std::is_same_v<T, CapabilityRequest>)
          return capabilityName(x.cap);
        else if constexpr (std::is_same_v<T, NetworkRequest>)
          return socketName(x);
        else if constexpr (std::is_same_v<T, SignalRequest>)
          return fmt::format("{} peer={}", x.signal, x.peer);
        else if constexpr (std::is_same_v<T, PtraceRequest>)
          return x.peer;
        else if constexpr (std::is_same_v<T, MountRequest>)
          return x.kind == MountRequest::Kind::Mount ? x.device + " -> " + x.mountPoint
                 : x.kind == MountRequest::Kind::Umount ? x.mountPoint
                                                        : x.mountPoint + " put_old=" + x.device;
        else if constexpr (std::is_same_v<T, DbusRequest>)
          return fmt::format("bus={} name={} path={} interface={} member={}", x.bus, x.name, x.path, x.interface,
                             x.member);
        else if constexpr (std::is_same_v<T, ChangeHatRequest>)
          return x.hat;
        else if constexpr (std::is_same_v<T, UsernsRequest>)
          return "userns";
        else if constexpr (std::is_same_v<T, IoUringRequest>)
          return x.label;
        else if constexpr (std::is_same_v<T, MqueueRequest>)
          return x.label.empty() ? x.name : x.name + " label=" + x.label;
        else
          return x.target;
      },
      r);
}

namespace {

// Appends `s` with bytes outside printable ASCII as \xNN.
void appendShown(std::string &out, std::string_view s) {
  auto printable = [](unsigned char c) { return c >= 0x20 && c < 0x7f; };
  if (std::all_of(s.begin(), s.end(), printable)) {
    out.append(s);  // nearly every name
    return;
  }
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f)
      out.push_back(static_cast<char>(c));
    else
      out += fmt::format("\\x{:02x}", c);
  }
}

std::string showName(std::string_view s) {
  std::string out;
  appendShown(out, s);
  return out;
}


// What follows the request on a line: the transition, the info and what
// a record said, each after a blank.
void appendResult(std::string &out, const Decision &d, const EventContext &ctx) {
  auto to = std::back_inserter(out);
  if (d.transition)
    fmt::format_to(to, " -> {} [{}{}{}]", d.transition->target, d.transition->mode,
                   d.transition->scrub ? ", scrub" : "", d.transition->fallback ? ", fallback" : "");
  if (!d.info.empty())
    fmt::format_to(to, " info=\"{}\"", d.info);
  for (const auto &f : d.following)
    fmt::format_to(to, " then {} [{}]", f.operation, logKindName(f.log));
  if (ctx.recorded)
    fmt::format_to(to, " recorded {}{}", *ctx.recorded,
                   ctx.agrees ? (*ctx.agrees ? " (agrees)" : " (DISAGREES)") : "");
}

} // namespace

// The rule as written: its source line, trimmed (the origin's own text
// when the line is not available).
std::string ruleText(const frontend::SourceManager &sm, const dfa::RuleOrigin &o) {
  if (!o.loc.valid())
    return o.text;
  std::string_view line = sm.lineText(o.loc);
  size_t b = line.find_first_not_of(" \t"), e = line.find_last_not_of(" \t\r");
  return b == std::string_view::npos ? o.text : std::string(line.substr(b, e - b + 1));
}

std::string decisionText(const frontend::SourceManager &sm, const Request &request, const Decision &d,
                         const EventContext &ctx, bool withRules) {
  std::string out;
  appendDecisionText(out, sm, request, d, ctx, withRules);
  return out;
}

void appendDecisionText(std::string &out, const frontend::SourceManager &sm, const Request &request,
                        const Decision &d, const EventContext &ctx, bool withRules) {
  // The verdict comes first, so that scripts can read it as the first word.
  // Appended piece by piece: replay writes one such line per event.
  using namespace std::string_view_literals;
  out += d.verdict == Verdict::Allow ? "ALLOW"sv : "DENY "sv;
  if (d.log != LogKind::None)
    out.append(" ["sv).append(logKindName(d.log)).push_back(']');
  if (ctx.line)
    out.append(" line "sv).append(fmt::format_int(*ctx.line).c_str());
  if (ctx.pid)
    out.append(" pid "sv).append(fmt::format_int(*ctx.pid).c_str());
  out.push_back(' ');
  out.append(d.profile).push_back(' ');
  out.append(d.operation).push_back(' ');
  if (const auto *file = std::get_if<simulator::FileRequest>(&request))
    appendShown(out, file->path);  // most events: no name built
  else
    appendShown(out, requestName(request));
  std::string requested = policyMaskString(request, d.requested);
  if (!requested.empty())
    out.append(" "sv).append(requested);
  appendResult(out, d, ctx);
  out.push_back('\n');
  auto to = std::back_inserter(out);
  if (withRules)
    for (const auto &r : d.rules)
      fmt::format_to(to, "  {} {}: {}\n", r.denies ? "deny by" : "granted by", describeLocation(sm, r.origin.loc),
                     ruleText(sm, r.origin));
}

ReplayTable::Row decisionRow(const Request &request, const Decision &d, const EventContext &ctx) {
  ReplayTable::Row row;
  row[0] = ctx.line ? std::to_string(*ctx.line) : "";
  row[1] = ctx.pid ? std::to_string(*ctx.pid) : "";
  row[2] = d.verdict == Verdict::Allow ? "allow" : "deny";
  row[3] = d.log == LogKind::None ? "-" : logKindName(d.log);
  row[4] = d.profile;
  row[5] = d.operation;
  row[6] = showName(requestName(request));
  row[7] = policyMaskString(request, d.requested);
  appendResult(row[8], d, ctx);
  if (!row[8].empty())
    row[8].erase(0, 1);  // the column needs no leading blank
  return row;
}

std::string decisionJson(const frontend::SourceManager &sm, const Request &request, const Decision &d,
                         const EventContext &ctx) {
  std::string out = "{";
  auto field = [&](const char *name, const std::string &jsonValue) {
    if (out.size() > 1)
      out += ",";
    out += fmt::format("\"{}\":{}", name, jsonValue);
  };
  if (ctx.line)
    field("line", std::to_string(*ctx.line));
  if (ctx.pid)
    field("pid", std::to_string(*ctx.pid));
  field("profile", simulator::jsonQuote(d.profile));
  field("operation", simulator::jsonQuote(d.operation));
  field("class", simulator::jsonQuote(requestClass(request)));
  field("name", simulator::jsonQuote(requestName(request)));
  field("requested", simulator::jsonQuote(policyMaskString(request, d.requested)));
  field("denied", simulator::jsonQuote(policyMaskString(request, d.denied)));
  field("decision", simulator::jsonQuote(d.verdict == Verdict::Allow ? "allow" : "deny"));
  field("log", simulator::jsonQuote(logKindName(d.log)));
  if (d.error)
    field("errno", std::to_string(d.error));
  if (!d.info.empty())
    field("info", simulator::jsonQuote(d.info));
  std::string rules = "[";
  for (const auto &r : d.rules) {
    if (rules.size() > 1)
      rules += ",";
    rules += fmt::format("{{\"location\":{},\"rule\":{},\"effect\":{}}}", simulator::jsonQuote(describeLocation(sm, r.origin.loc)),
                         simulator::jsonQuote(ruleText(sm, r.origin)), simulator::jsonQuote(r.denies ? "deny" : "allow"));
  }
  field("rules", rules + "]");
  if (!d.following.empty()) {
    std::string following = "[";
    for (const auto &f : d.following) {
      if (following.size() > 1)
        following += ",";
      following += fmt::format("{{\"profile\":{},\"operation\":{},\"log\":{},\"requested\":{},\"denied\":{}}}",
                               simulator::jsonQuote(f.profile), simulator::jsonQuote(f.operation),
                               simulator::jsonQuote(logKindName(f.log)),
                               simulator::jsonQuote(policyMaskString(request, f.requested)),
                               simulator::jsonQuote(policyMaskString(request, f.denied)));
    }
    field("following", following + "]");
  }
  if (d.transition)
    field("transition", fmt::format("{{\"mode\":{},\"target\":{},\"scrub\":{},\"fallback\":{}}}",
                                    simulator::jsonQuote(d.transition->mode), simulator::jsonQuote(d.transition->target),
                                    d.transition->scrub ? "true" : "false", d.transition->fallback ? "true" : "false"));
  else
    field("transition", "null");
  if (ctx.recorded)
    field("recorded", simulator::jsonQuote(*ctx.recorded));
  if (ctx.agrees)
    field("agrees", *ctx.agrees ? "true" : "false");
  return out + "}";
}

} // namespace aasim::cli

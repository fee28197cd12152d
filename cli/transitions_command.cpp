#include "transitions_command.h"

#include "decision_output.h"
#include "policy_loader.h"

#include "simulator/audit_log.h"
#include "simulator/transition_graph.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace aasim::cli {

namespace {

constexpr int kExitOk = 0, kExitMissing = 1, kExitUsage = 2;

// A rule as its line writes it, without the closing comma.
std::string shownRule(const frontend::SourceManager &sm, const dfa::RuleOrigin &o) {
  std::string text = ruleText(sm, o);
  if (!text.empty() && text.back() == ',')
    text.pop_back();
  return text;
}

// A Graphviz string; a newline becomes dot's line break.
std::string dotQuote(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string targetsText(const simulator::TransitionEdge &e) {
  std::string out;
  for (const auto &t : e.to) {
    if (!out.empty())
      out += ", ";
    out += t;
  }
  if (!e.missing.empty())
    out += fmt::format("{}{} [missing]", out.empty() ? "" : ", ", e.missing);
  if (!e.fallback.empty())
    out += fmt::format(" (else {})", e.fallback);
  return out;
}

void printText(const frontend::SourceManager &sm, const simulator::TransitionGraph &g) {
  std::map<std::string, std::vector<const simulator::TransitionEdge *>> out, in;
  for (const auto &e : g.edges) {
    out[e.from].push_back(&e);
    for (const auto &t : e.to)
      if (t != e.from)
        in[t].push_back(&e);
  }
  for (const auto &n : g.nodes) {
    std::string how = n.hat ? "hat (entered by change_hat)"
                      : !n.attachesTo.empty() ? "attaches to " + n.attachesTo
                                              : "attaches to nothing";
    std::set<std::string> from;
    for (const auto *e : in[n.profile])
      from.insert(e->from);
    std::string reached;
    for (const auto &f : from)
      reached += fmt::format("{}{}", reached.empty() ? "; reached from " : ", ", f);
    fmt::print("{}: {}{}\n", n.profile, how, reached);
    for (const auto *e : out[n.profile])
      fmt::print("  {} -> {}    ({}: {})\n", e->example.empty() ? e->mode : e->example + " " + e->mode, targetsText(*e),
                 describeLocation(sm, e->rule.loc), shownRule(sm, e->rule));
  }
  std::vector<std::string> unreachable;
  for (const auto &n : g.nodes)
    if (!n.reachable)
      unreachable.push_back(n.profile);
  if (!unreachable.empty()) {
    fmt::print("\nunreachable (nothing attaches to them or leads to them):\n");
    for (const auto &u : unreachable)
      fmt::print("  {}\n", u);
  }
  bool header = false;
  for (const auto &e : g.edges)
    if (!e.missing.empty()) {
      if (!header)
        fmt::print("\nmissing targets:\n");
      header = true;
      fmt::print("  {}: profile {}: {}: {}\n", describeLocation(sm, e.rule.loc), e.from, shownRule(sm, e.rule),
                 e.missing.front() == '(' ? e.missing.substr(1, e.missing.size() - 2) : "no profile " + e.missing);
    }
}

void printDot(const frontend::SourceManager &sm, const simulator::TransitionGraph &g) {
  fmt::print("digraph transitions {{\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n"
             "  edge [fontname=\"monospace\", fontsize=10];\n");
  fmt::print("  {} [shape=ellipse, style=filled, fillcolor=lightgrey];\n", dotQuote("unconfined"));
  for (const auto &n : g.nodes) {
    std::string style = n.hat ? ", style=rounded" : !n.reachable ? ", style=dashed, color=grey" : "";
    fmt::print("  {} [label={}{}];\n", dotQuote(n.profile), dotQuote(n.profile + (n.hat ? " (hat)" : "")), style);
    if (!n.attachesTo.empty())
      fmt::print("  {} -> {} [style=dashed, label={}];\n", dotQuote("unconfined"), dotQuote(n.profile),
                 dotQuote(n.attachesTo));
    auto parent = n.profile.rfind("//");
    if (n.hat && parent != std::string::npos)
      fmt::print("  {} -> {} [style=dotted, label=\"change_hat\"];\n", dotQuote(n.profile.substr(0, parent)),
                 dotQuote(n.profile));
  }
  std::set<std::string> missing;
  for (const auto &e : g.edges) {
    std::string label = fmt::format("{}\n{}", shownRule(sm, e.rule), e.mode);
    for (const auto &t : e.to)
      fmt::print("  {} -> {} [label={}{}];\n", dotQuote(e.from), dotQuote(t), dotQuote(label),
                 e.kind == "change_profile" ? ", style=dotted" : "");
    if (!e.missing.empty()) {
      std::string node = "missing: " + e.missing;
      if (missing.insert(node).second)
        fmt::print("  {} [label={}, color=red, fontcolor=red, style=dashed];\n", dotQuote(node), dotQuote(e.missing));
      fmt::print("  {} -> {} [label={}, color=red];\n", dotQuote(e.from), dotQuote(node), dotQuote(label));
    }
  }
  fmt::print("}}\n");
}

void printJson(const frontend::SourceManager &sm, const simulator::TransitionGraph &g) {
  using simulator::jsonQuote;
  std::string nodes, edges;
  for (const auto &n : g.nodes)
    nodes += fmt::format("{}{{\"profile\":{},\"hat\":{},\"attaches_to\":{},\"reachable\":{}}}", nodes.empty() ? "" : ",",
                         jsonQuote(n.profile), n.hat, jsonQuote(n.attachesTo), n.reachable);
  for (const auto &e : g.edges) {
    std::string to;
    for (const auto &t : e.to) {
      if (!to.empty())
        to += ',';
      to += jsonQuote(t);
    }
    edges += fmt::format("{}{{\"from\":{},\"kind\":{},\"mode\":{},\"to\":[{}],\"missing\":{},\"fallback\":{},"
                         "\"example\":{},\"location\":{},\"rule\":{}}}",
                         edges.empty() ? "" : ",", jsonQuote(e.from), jsonQuote(e.kind), jsonQuote(e.mode), to,
                         jsonQuote(e.missing), jsonQuote(e.fallback), jsonQuote(e.example),
                         jsonQuote(describeLocation(sm, e.rule.loc)), jsonQuote(shownRule(sm, e.rule)));
  }
  fmt::print("{{\"profiles\":[{}],\"transitions\":[{}]}}\n", nodes, edges);
}

} // namespace

int runTransitions(const TransitionsCommand &c) {
  if (c.policyFiles.empty()) {
    fmt::print(stderr, "usage: aasim transitions [-I DIR]... [-b DIR] [-M FEATURES] [--dot|--json] POLICY...\n");
    return kExitUsage;
  }
  dfa::CompileOptions co = c.compile;
  auto fe = openFrontend(c.frontend, co);
  if (!fe)
    return kExitUsage;
  simulator::LoadedPolicy policy;
  if (!loadPolicyFiles(*fe, c.policyFiles, {co, c.quiet}, policy))
    return kExitUsage;
  simulator::TransitionGraph g = simulator::transitionGraph(policy, c.compile.version);
  if (c.dot)
    printDot(fe->sources(), g);
  else if (c.json)
    printJson(fe->sources(), g);
  else
    printText(fe->sources(), g);
  bool missing = std::any_of(g.edges.begin(), g.edges.end(), [](const auto &e) { return !e.missing.empty(); });
  return missing ? kExitMissing : kExitOk;
}

} // namespace aasim::cli

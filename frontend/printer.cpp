#include "printer.h"

#include <fmt/format.h>

namespace aasim::frontend {

using namespace ast;

namespace {

// Quotes a word when it would not lex back as one token.
std::string quoteIfNeeded(const std::string &s) {
  if (s.empty())
    return "\"\"";
  for (char c : s)
    if (c == ' ' || c == '\t' || c == '"' || c == '!' || c == ',' || c == '\n' || c == '#')
      return "\"" + s + "\"";
  return s;
}

class Printer {
public:
  explicit Printer(const VariableTable &vars) : vars_(vars) {}

  std::string word(const Word &w) {
    ExpandError err;
    auto e = vars_.expandWord(w.text, err);
    return quoteIfNeeded(e ? *e : w.text);
  }

  std::string prefix(const Prefix &p) {
    std::string s;
    if (p.priority)
      s += fmt::format("priority={} ", *p.priority);
    if (p.audit)
      s += "audit ";
    if (p.mode == RuleMode::Allow)
      s += "allow ";
    else if (p.mode == RuleMode::Deny)
      s += "deny ";
    else if (p.mode == RuleMode::Prompt)
      s += "prompt ";
    if (p.owner == OwnerQual::Owner)
      s += "owner ";
    else if (p.owner == OwnerQual::Other)
      s += "other ";
    return s;
  }

  std::string cond(const Cond &c) {
    std::string s = c.name.text;
    if (c.op == Cond::Op::Bare)
      return s;
    s += c.op == Cond::Op::In ? " in " : "=";
    if (c.parenthesized || c.values.size() != 1) {
      s += "(";
      for (size_t i = 0; i < c.values.size(); ++i)
        s += (i ? " " : "") + word(c.values[i]);
      return s + ")";
    }
    return s + word(c.values[0]);
  }

  void line(int depth, const std::string &text) { out_ += std::string(2 * depth, ' ') + text + "\n"; }

  void stmt(const Stmt &s, int depth) {
    std::visit([&](const auto &n) { node(n, depth); }, s.node);
  }

  void node(const FileRule &r, int d) {
    if (r.bare)
      return line(d, prefix(r.prefix) + "file,");
    std::string s = prefix(r.prefix) + (r.fileKeyword ? "file " : "");
    if (r.safety == ExecSafety::Safe)
      s += "safe ";
    else if (r.safety == ExecSafety::Unsafe)
      s += "unsafe ";
    if (r.leadingModes)
      s += r.modes.text + (r.subset ? " subset " : " ") + word(r.path);
    else
      s += word(r.path) + " " + r.modes.text;
    if (r.target)
      s += " -> " + word(*r.target);
    line(d, s + ",");
  }
  void node(const LinkRule &r, int d) {
    line(d, prefix(r.prefix) + "link " + (r.subset ? "subset " : "") + word(r.link) + " -> " + word(r.target) + ",");
  }
  void node(const CapabilityRule &r, int d) {
    std::string s = prefix(r.prefix) + "capability";
    for (const auto &n : r.names)
      s += " " + n.text;
    line(d, s + ",");
  }
  void node(const ClassRule &r, int d) {
    std::string s = prefix(r.prefix) + ruleClassName(r.cls);
    if (!r.perms.empty()) {
      if (r.permsParenthesized || r.perms.size() > 1) {
        s += " (";
        for (size_t i = 0; i < r.perms.size(); ++i)
          s += (i ? ", " : "") + r.perms[i].word.text;
        s += ")";
      } else {
        s += " " + r.perms[0].word.text;
      }
    }
    if (r.cls == RuleClass::Network)
      for (const auto &w : r.ids)
        s += " " + word(w);
    for (const auto &c : r.conds)
      s += " " + cond(c);
    if (r.cls != RuleClass::Network)
      for (const auto &w : r.ids)
        s += " " + word(w);
    if (r.condList) {
      s += " " + r.condList->name.text + "=(";
      for (size_t i = 0; i < r.condList->conds.size(); ++i)
        s += (i ? " " : "") + cond(r.condList->conds[i]);
      s += ")";
    }
    if (r.hasArrow) {
      s += " ->";
      for (const auto &c : r.targetConds)
        s += " " + cond(c);
      if (r.target)
        s += " " + word(*r.target);
    }
    line(d, s + ",");
  }
  void node(const AllRule &r, int d) { line(d, prefix(r.prefix) + "all,"); }
  void node(const ChangeProfileRule &r, int d) {
    std::string s = prefix(r.prefix) + "change_profile";
    if (r.safety == ExecSafety::Safe)
      s += " safe";
    else if (r.safety == ExecSafety::Unsafe)
      s += " unsafe";
    if (r.exec)
      s += " " + word(*r.exec);
    if (r.target)
      s += " -> " + word(*r.target);
    line(d, s + ",");
  }
  void node(const RlimitRule &r, int d) {
    line(d, fmt::format("set rlimit {} <= {}{},", r.name.text, r.value.text, r.unit ? " " + r.unit->text : ""));
  }
  void node(const AbiRule &r, int d) {
    line(d, r.search ? fmt::format("abi <{}>,", r.name.text) : fmt::format("abi \"{}\",", r.name.text));
  }
  void node(const PrefixBlock &b, int d) {
    line(d, prefix(b.prefix) + "{");
    for (const auto &s : b.body)
      stmt(s, d + 1);
    line(d, "}");
  }
  void node(const Conditional &c, int d) {
    line(d, fmt::format("# if: condition was {}", c.taken ? "true" : "false"));
    for (const auto &s : c.body)
      stmt(s, d);
  }
  void node(const Profile &p, int d) {
    std::string s;
    if (p.kind == ProfileKind::Hat)
      s = "^" + p.name.text;
    else if (p.keyword || p.kind == ProfileKind::Child)
      s = "profile " + quoteIfNeeded(p.name.text);
    else
      s = quoteIfNeeded(p.name.text);
    if (p.attachment)
      s += " " + word(*p.attachment);
    if (p.xattrs) {
      s += " xattrs=(";
      for (size_t i = 0; i < p.xattrs->conds.size(); ++i)
        s += (i ? " " : "") + cond(p.xattrs->conds[i]);
      s += ")";
    }
    for (const auto &group : p.identities) {
      s += " + identities=(";
      for (size_t i = 0; i < group.size(); ++i)
        s += (i ? " " : "") + quoteIfNeeded(group[i].text);
      s += ")";
    }
    if (!p.flags.empty()) {
      s += " flags=(";
      for (size_t i = 0; i < p.flags.size(); ++i)
        s += (i ? "," : "") + p.flags[i].text;
      s += ")";
    }
    line(d, s + " {");
    for (const auto &st : p.body)
      stmt(st, d + 1);
    line(d, "}");
  }

  std::string take() { return std::move(out_); }

private:
  const VariableTable &vars_;
  std::string out_;
};

void collectNames(const Profile &p, const std::string &parent, std::vector<std::string> &out);

void collectBody(const std::vector<Stmt> &body, const std::string &parent, std::vector<std::string> &out) {
  for (const auto &s : body) {
    if (auto *child = std::get_if<Profile>(&s.node))
      collectNames(*child, parent, out);
    else if (auto *block = std::get_if<PrefixBlock>(&s.node))
      collectBody(block->body, parent, out);
    else if (auto *cond = std::get_if<Conditional>(&s.node))
      collectBody(cond->body, parent, out);
  }
}

void collectNames(const Profile &p, const std::string &parent, std::vector<std::string> &out) {
  std::string name = parent.empty() ? p.name.text : parent + "//" + p.name.text;
  out.push_back(name);
  collectBody(p.body, name, out);
}

} // namespace

std::string printPolicy(const Policy &policy, const VariableTable &vars) {
  Printer pr(vars);
  for (const auto &item : policy.preamble) {
    if (auto *abi = std::get_if<AbiRule>(&item.node))
      pr.node(*abi, 0);
    else if (auto *alias = std::get_if<Alias>(&item.node))
      pr.line(0, fmt::format("alias {} -> {},", alias->from.text, alias->to.text));
  }
  for (const auto &p : policy.profiles)
    pr.node(p, 0);
  return pr.take();
}

std::vector<std::string> profileNames(const Policy &policy) {
  std::vector<std::string> out;
  for (const auto &p : policy.profiles)
    collectNames(p, "", out);
  return out;
}

} // namespace aasim::frontend

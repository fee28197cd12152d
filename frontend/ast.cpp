#include "ast.h"

namespace aasim::frontend::ast {

const char *ruleClassName(RuleClass c) {
  switch (c) {
  case RuleClass::Network: return "network";
  case RuleClass::Unix: return "unix";
  case RuleClass::Dbus: return "dbus";
  case RuleClass::Signal: return "signal";
  case RuleClass::Ptrace: return "ptrace";
  case RuleClass::Mount: return "mount";
  case RuleClass::Remount: return "remount";
  case RuleClass::Umount: return "umount";
  case RuleClass::PivotRoot: return "pivot_root";
  case RuleClass::Userns: return "userns";
  case RuleClass::Mqueue: return "mqueue";
  case RuleClass::IoUring: return "io_uring";
  }
  return "rule";
}

std::string nameWithoutNamespace(const std::string &name) {
  if (name.empty() || name[0] != ':')
    return name;
  size_t end = name.find(':', 1);
  if (end == std::string::npos)
    return name;
  std::string rest = name.substr(end + 1);
  if (rest.rfind("//", 0) == 0)
    rest = rest.substr(2);
  return rest;
}

Prefix combinePrefix(const Prefix &outer, const Prefix &inner) {
  Prefix p = inner;
  if (!p.priority)
    p.priority = outer.priority;
  p.audit = p.audit || outer.audit;
  if (p.mode == RuleMode::Unspecified)
    p.mode = outer.mode;
  if (p.owner == OwnerQual::Unspecified)
    p.owner = outer.owner;
  return p;
}

std::vector<Stmt> expandAll(const AllRule &r) {
  std::vector<Stmt> out;
  auto word = [&](std::string text) { return Word{std::move(text), r.loc}; };
  for (RuleClass c : {RuleClass::Unix, RuleClass::Dbus, RuleClass::IoUring, RuleClass::Mqueue, RuleClass::Ptrace,
                      RuleClass::Signal, RuleClass::Userns, RuleClass::Mount, RuleClass::Remount, RuleClass::Umount,
                      RuleClass::PivotRoot, RuleClass::Network}) {
    ClassRule cr;
    cr.cls = c;
    cr.prefix = r.prefix;
    cr.loc = r.loc;
    out.push_back(Stmt{std::move(cr)});
  }
  auto file = [&](const char *modes, std::optional<int> priority, OwnerQual owner) {
    FileRule f;
    f.prefix = r.prefix;
    f.prefix.priority = priority;
    f.prefix.owner = owner;
    f.path = word("/{**,}");
    f.modes = word(modes);
    f.loc = r.loc;
    out.push_back(Stmt{std::move(f)});
  };
  // Observed quirk of the parser: `deny all` denies rwlkm for the owner
  // half only; its x deny covers both.
  file("rwlkm", std::nullopt, r.prefix.mode == RuleMode::Deny ? OwnerQual::Owner : OwnerQual::Unspecified);
  file("ix", -1, OwnerQual::Unspecified);  // below every user x rule
  CapabilityRule cap;
  cap.prefix = r.prefix;
  cap.loc = r.loc;
  out.push_back(Stmt{std::move(cap)});
  return out;
}

} // namespace aasim::frontend::ast

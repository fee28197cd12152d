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

} // namespace aasim::frontend::ast

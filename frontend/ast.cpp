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

} // namespace aasim::frontend::ast

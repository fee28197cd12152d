// Rule classes the target kernel cannot enforce. apparmor_parser keeps such
// rules out of the compiled policy and says so once per profile and class;
// --Werror makes that fatal, which is how a deployment check catches a
// profile written for a newer kernel than the one it will run on.
#include "sema.h"

#include <fmt/format.h>

namespace aasim::frontend::sema {

using namespace ast;

namespace {

struct Gate {
  std::string className;           // key for "once per profile" and the message
  std::vector<const char *> paths; // any of these features enables the class
};

// An mqueue rule needs the mediation of its queue type.
Gate mqueueGate(const ClassRule &r) {
  for (const Cond &c : r.conds)
    if (c.name.text == "type" && !c.values.empty()) {
      if (c.values.front().text == "posix")
        return {"mqueue type=posix", {"ipc/posix_mqueue"}};
      if (c.values.front().text == "sysv")
        return {"mqueue type=sysv", {"ipc/sysv_mqueue"}};
    }
  return {"mqueue", {"ipc/posix_mqueue", "ipc/sysv_mqueue"}};
}

Gate gateFor(const ClassRule &r) {
  switch (r.cls) {
  case RuleClass::Dbus: return {"dbus", {"dbus"}};
  case RuleClass::Signal: return {"signal", {"signal"}};
  case RuleClass::Ptrace: return {"ptrace", {"ptrace"}};
  case RuleClass::Mount: case RuleClass::Remount: case RuleClass::Umount: case RuleClass::PivotRoot:
    return {"mount", {"mount"}};
  case RuleClass::Unix: return {"unix", {"network/af_unix", "network_v9/af_unix"}};
  case RuleClass::Mqueue: return mqueueGate(r);
  case RuleClass::IoUring: return {"io_uring", {"io_uring"}};
  case RuleClass::Userns: return {"userns", {"namespaces/userns_create"}};
  case RuleClass::Network: return {"network", {"network", "network_v8", "network_v9"}};
  }
  return {"", {}};
}

} // namespace

void checkFeatureSupport(const ClassRule &r, Context &cx, std::set<std::string> &warned) {
  Gate gate = gateFor(r);
  for (const char *path : gate.paths)
    if (cx.features().has(path))
      return;
  if (!warned.insert(gate.className).second)
    return;
  if (r.cls == RuleClass::Unix) {
    // Without unix mediation the rule still confines as a `network unix` rule.
    cx.warning(r.loc, WarningFlag::RuleDowngraded,
               "downgrading extended network unix socket rule to generic network rule");
    return;
  }
  // apparmor_parser's mount message really is cut short ("enforce").
  const char *verb = gate.className == "mount" ? "enforce" : "enforced";
  cx.warning(r.loc, WarningFlag::RuleNotEnforced, fmt::format("{} rules not {}", gate.className, verb));
}

} // namespace aasim::frontend::sema

// Capability rules: every name must be a capability the parser knows or
// that the feature set's caps/mask lists.
#include "sema.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace aasim::frontend::sema {

using namespace ast;

namespace {
constexpr std::array<std::string_view, 41> kCapabilities = {
    "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
    "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
    "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
    "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap",
    "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf",
    "checkpoint_restore"};
} // namespace

int capabilityNumber(const std::string &name, const Features &features) {
  auto it = std::find(kCapabilities.begin(), kCapabilities.end(), name);
  if (it != kCapabilities.end())
    return static_cast<int>(it - kCapabilities.begin());
  auto mask = features.words("caps/mask");
  auto m = std::find(mask.begin(), mask.end(), name);
  if (m != mask.end())
    return static_cast<int>(m - mask.begin());
  return -1;
}

std::string capabilityName(unsigned number) {
  return number < kCapabilities.size() ? std::string(kCapabilities[number]) : std::to_string(number);
}

void checkCapability(const CapabilityRule &r, Context &cx) {
  if (r.prefix.owner != OwnerQual::Unspecified)
    return cx.error(r.prefix.loc, "owner conditional not allowed on capability rules");
  for (const auto &w : r.names) {
    if (capabilityNumber(w.text, cx.features()) < 0)
      return cx.error(w.loc, fmt::format("Invalid capability {}.", w.text));
  }
}

} // namespace aasim::frontend::sema

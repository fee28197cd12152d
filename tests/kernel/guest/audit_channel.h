// The guest driver's audit channel: PID 1 registered as the audit daemon
// (NETLINK_AUDIT), so that AppArmor's records come to it, none lost or
// rate limited. After each operation a USER_AVC marker goes to the kernel;
// the kernel queues it behind what the operation logged, so the records
// before it are the operation's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace aasim::guest {

class AuditChannel {
public:
  bool open();
  /// Everything the kernel queued before a fresh marker: the records of
  /// the operation that just ended (AppArmor's only, `audit(...)` prefix
  /// removed).
  std::vector<std::string> collect();

private:
  bool send(int type, const void *data, size_t size);

  int fd_ = -1;
  uint32_t seq_ = 0;
  unsigned marks_ = 0;
};

} // namespace aasim::guest

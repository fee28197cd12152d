// The guest driver's audit channel (audit_channel.h).
#include "audit_channel.h"

#include <cctype>
#include <cstring>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aasim::guest {

bool AuditChannel::open() {
  fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
  if (fd_ < 0)
    return false;
  int size = 4 << 20;
  setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  audit_status st{};
  st.mask = AUDIT_STATUS_PID | AUDIT_STATUS_BACKLOG_LIMIT;
  st.pid = static_cast<uint32_t>(getpid());
  st.backlog_limit = 65536;
  return send(AUDIT_SET, &st, sizeof st);
}

std::vector<std::string> AuditChannel::collect() {
  std::string mark = "aasim-mark=" + std::to_string(++marks_);
  send(AUDIT_USER_AVC, mark.c_str(), mark.size() + 1);
  std::vector<std::string> records;
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) {
      records.push_back("aasim: no audit marker within 5 s");
      return records;
    }
    static char buf[1 << 17];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n < static_cast<ssize_t>(NLMSG_HDRLEN))
      continue;
    // One record a datagram; its nlmsg_len counts only the payload, so
    // the datagram's size says how long the text is.
    auto *nh = reinterpret_cast<nlmsghdr *>(buf);
    std::string text(static_cast<char *>(NLMSG_DATA(nh)), static_cast<size_t>(n) - NLMSG_HDRLEN);
    while (!text.empty() && (text.back() == '\0' || text.back() == '\n'))
      text.pop_back();
    if (nh->nlmsg_type == AUDIT_USER_AVC) {
      size_t at = text.find(mark);
      bool ours = at != std::string::npos &&
                  (at + mark.size() == text.size() || !std::isdigit(static_cast<unsigned char>(text[at + mark.size()])));
      if (ours)
        return records;
      continue;  // a stale marker
    }
    if (text.find("apparmor=") == std::string::npos)
      continue;  // not AppArmor's
    size_t body = text.find("): ");
    std::string record = body == std::string::npos ? text : text.substr(body + 3);
    for (char &c : record)
      if (c == '\t' || c == '\n')
        c = ' ';
    records.push_back(record);
  }
}

bool AuditChannel::send(int type, const void *data, size_t size) {
  char buf[NLMSG_SPACE(1024)] = {};
  auto *nh = reinterpret_cast<nlmsghdr *>(buf);
  nh->nlmsg_len = static_cast<uint32_t>(NLMSG_LENGTH(size));
  nh->nlmsg_type = static_cast<uint16_t>(type);
  nh->nlmsg_flags = NLM_F_REQUEST;
  nh->nlmsg_seq = ++seq_;
  std::memcpy(NLMSG_DATA(nh), data, size);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  return sendto(fd_, buf, nh->nlmsg_len, 0, reinterpret_cast<sockaddr *>(&kernel), sizeof kernel) >= 0;
}

} // namespace aasim::guest

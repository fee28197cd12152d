// A worker of the guest driver (worker.h): the operations, one syscall
// (or a few) each, and their answers.
#include "worker.h"

#include "guest_io.h"

#include <arpa/inet.h>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <map>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

namespace aasim::guest {
namespace {


void ignoreSignal(int) {}

struct Worker {
  std::map<std::string, int> sockets;  // by the trace's socket name

  static bool address(const std::string &text, sockaddr_storage &sa, socklen_t &len) {
    std::memset(&sa, 0, sizeof sa);
    if (!text.empty() && (text[0] == '/' || text[0] == '@')) {
      auto *un = reinterpret_cast<sockaddr_un *>(&sa);
      un->sun_family = AF_UNIX;
      if (text.size() >= sizeof un->sun_path)
        return false;
      std::memcpy(un->sun_path, text.data(), text.size());
      if (text[0] == '@')
        un->sun_path[0] = '\0';  // abstract
      len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + text.size());
      return true;
    }
    size_t colon = text.rfind(':');
    if (colon == std::string::npos)
      return false;
    std::string host = text.substr(0, colon);
    int port = std::atoi(text.c_str() + colon + 1);
    if (host.size() > 2 && host.front() == '[') {
      auto *in6 = reinterpret_cast<sockaddr_in6 *>(&sa);
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(static_cast<uint16_t>(port));
      len = sizeof *in6;
      return inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &in6->sin6_addr) == 1;
    }
    auto *in4 = reinterpret_cast<sockaddr_in *>(&sa);
    in4->sin_family = AF_INET;
    in4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *in4;
    return inet_pton(AF_INET, host.c_str(), &in4->sin_addr) == 1;
  }

  static int family(const std::string &name) {
    if (name == "unix") return AF_UNIX;
    if (name == "inet") return AF_INET;
    if (name == "inet6") return AF_INET6;
    if (name == "netlink") return AF_NETLINK;
    return std::atoi(name.c_str());
  }
  static int type(const std::string &name) {
    if (name == "stream") return SOCK_STREAM;
    if (name == "dgram") return SOCK_DGRAM;
    if (name == "seqpacket") return SOCK_SEQPACKET;
    if (name == "raw") return SOCK_RAW;
    return std::atoi(name.c_str());
  }

  int socketOf(const std::string &name) {
    auto it = sockets.find(name);
    return it == sockets.end() ? -1 : it->second;
  }

  // One operation; the answer line without its newline.
  std::string perform(const std::vector<std::string> &w) {
    const std::string &op = w[0];
    auto need = [&](size_t n) { return w.size() >= n + 1; };
    errno = 0;
    int rc = -1;
    std::string detail = "-";
    if (op == "open" && need(1)) {
      std::string mode = w.size() > 2 ? w[2] : "r";
      bool r = mode.find('r') != std::string::npos, wr = mode.find('w') != std::string::npos,
           a = mode.find('a') != std::string::npos;
      int flags = (r && (wr || a)) ? O_RDWR : (wr || a) ? O_WRONLY : O_RDONLY;
      if (a) flags |= O_APPEND;
      if (mode.find('c') != std::string::npos) flags |= O_CREAT;
      if (mode.find('t') != std::string::npos) flags |= O_TRUNC;
      rc = open(w[1].c_str(), flags | O_CLOEXEC | O_NONBLOCK, 0666);
      if (rc >= 0) close(rc);
    } else if (op == "kill" && need(2)) {
      rc = kill(static_cast<pid_t>(std::atol(w[1].c_str())), std::atoi(w[2].c_str()));
    } else if (op == "ptrace-attach" && need(1)) {
      pid_t pid = static_cast<pid_t>(std::atol(w[1].c_str()));
      rc = static_cast<int>(ptrace(PTRACE_ATTACH, pid, nullptr, nullptr));
      if (rc == 0) {
        int e = errno, status;
        waitpid(pid, &status, __WALL);
        ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
        errno = e;
      }
    } else if (op == "ptrace-read" && need(1)) {
      // /proc/PID/exe asks PTRACE_MODE_READ of the reader, nothing else
      // of AppArmor.
      char buf[256];
      rc = static_cast<int>(readlink(("/proc/" + w[1] + "/exe").c_str(), buf, sizeof buf));
    } else if (op == "changehat" && need(1)) {
      // libapparmor's aa_change_hat: a magic token, then the hat.
      std::string cmd = "changehat 0000000000000001^" + (w[1] == "^" ? std::string() : w[1]);
      int fd = open("/proc/self/attr/current", O_WRONLY | O_CLOEXEC);
      rc = fd < 0 ? -1 : static_cast<int>(write(fd, cmd.data(), cmd.size()));
      int e = errno;
      if (fd >= 0) close(fd);
      errno = e;
    } else if ((op == "changeprofile" || op == "onexec") && need(1)) {
      // libapparmor's aa_change_profile / aa_change_onexec.
      std::string cmd = (op == "onexec" ? "exec " : "changeprofile ") + w[1];
      int fd = open(op == "onexec" ? "/proc/self/attr/exec" : "/proc/self/attr/current", O_WRONLY | O_CLOEXEC);
      rc = fd < 0 ? -1 : static_cast<int>(write(fd, cmd.data(), cmd.size()));
      int e = errno;
      if (fd >= 0) close(fd);
      errno = e;
    } else if (op == "reexec") {
      // The driver again, in place: the exec a pending onexec applies to.
      // The new worker's `ready` is the answer; a failed exec answers here.
      execl(kSelf, kSelf, "worker", static_cast<char *>(nullptr));
      rc = -1;
    } else if (op == "mount" && need(5)) {
      // mount FSTYPE SOURCE TARGET FLAGS(hex) DATA ('-': none)
      unsigned long flags = std::strtoul(w[4].c_str(), nullptr, 16);
      const char *type = w[1] == "-" ? nullptr : w[1].c_str();
      const char *data = w[5] == "-" ? nullptr : w[5].c_str();
      rc = mount(w[2].c_str(), w[3].c_str(), type, flags, data);
    } else if (op == "umount" && need(1)) {
      rc = umount2(w[1].c_str(), 0);
    } else if (op == "pivot_root" && need(2)) {
      rc = static_cast<int>(syscall(SYS_pivot_root, w[1].c_str(), w[2].c_str()));
    } else if (op == "socket" && need(3)) {
      rc = socket(family(w[2]), type(w[3]) | SOCK_CLOEXEC, 0);
      if (rc >= 0) {
        if (sockets.count(w[1])) close(sockets[w[1]]);
        sockets[w[1]] = rc;
      }
    } else if ((op == "bind" || op == "connect") && need(2)) {
      sockaddr_storage sa;
      socklen_t len = 0;
      if (!address(w[2], sa, len)) return "error\tEINVAL\tbad-address";
      int s = socketOf(w[1]);
      rc = op == "bind" ? bind(s, reinterpret_cast<sockaddr *>(&sa), len)
                        : connect(s, reinterpret_cast<sockaddr *>(&sa), len);
    } else if (op == "listen" && need(1)) {
      rc = listen(socketOf(w[1]), 4);
    } else if (op == "accept" && need(2)) {
      rc = accept4(socketOf(w[1]), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (rc >= 0) sockets[w[2]] = rc;
    } else if (op == "send" && need(1)) {
      rc = static_cast<int>(send(socketOf(w[1]), "aasim", 5, MSG_DONTWAIT | MSG_NOSIGNAL));
    } else if (op == "recv" && need(1)) {
      char buf[64];
      rc = static_cast<int>(recv(socketOf(w[1]), buf, sizeof buf, MSG_DONTWAIT));
    } else if (op == "getsockopt" && need(1)) {
      int v = 0;
      socklen_t l = sizeof v;
      rc = getsockopt(socketOf(w[1]), SOL_SOCKET, SO_TYPE, &v, &l);
    } else if (op == "setsockopt" && need(1)) {
      int v = 1;
      rc = setsockopt(socketOf(w[1]), SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v);
    } else if ((op == "getsockname" || op == "getpeername") && need(1)) {
      sockaddr_storage sa;
      socklen_t l = sizeof sa;
      rc = op == "getsockname" ? getsockname(socketOf(w[1]), reinterpret_cast<sockaddr *>(&sa), &l)
                               : getpeername(socketOf(w[1]), reinterpret_cast<sockaddr *>(&sa), &l);
    } else if (op == "shutdown" && need(1)) {
      rc = shutdown(socketOf(w[1]), SHUT_RDWR);
    } else if (op == "close" && need(1)) {
      rc = close(socketOf(w[1]));
      sockets.erase(w[1]);
    } else if (op == "label") {
      rc = 0;
    } else {
      return "error\tEINVAL\tunknown-operation";
    }
    return verdictOf(rc, errno) + "\t" + detail;
  }

  int run() {
    // Catch what can be caught, so that a signal allowed through does not
    // end the worker.
    struct sigaction sa{};
    sa.sa_handler = ignoreSignal;
    sa.sa_flags = SA_RESTART;
    for (int s = 1; s < SIGRTMAX; ++s)
      if (s != SIGKILL && s != SIGSTOP)
        sigaction(s, &sa, nullptr);
    std::string line;
    char c;
    std::string ready = "ready\n";
    writeAll(1, ready.data(), ready.size());
    for (;;) {
      ssize_t n = read(0, &c, 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return 0;
      if (c != '\n') {
        line += c;
        continue;
      }
      auto words = splitWords(line);
      line.clear();
      std::string answer = words.empty() ? "error\tEINVAL\tempty" : perform(words);
      answer += '\n';
      if (!writeAll(1, answer.data(), answer.size()))
        return 0;
    }
  }
};


} // namespace

int runWorker() { return Worker{}.run(); }

} // namespace aasim::guest

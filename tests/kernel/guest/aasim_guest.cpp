// aasim's own in-guest driver for the kernel-in-the-loop tests: PID 1 of
// a throwaway VM booted with Debian's kernel (tests/kernel/run_guest.sh).
// It runs the operations the kernel oracle of ../shared/tools lacks —
// signals and ptrace between confined tasks, change_hat, pivot_root,
// socket operations on loopback and on unix addresses, tasks of a
// non-root user, and the label query interface dbus-daemon asks — and
// prints per operation the syscall's verdict and the AppArmor records
// the kernel emitted for exactly that operation.
//
// Statically linked; needs nothing in the guest but the kernel. Input:
// /aasim/run/trace (and the blobs beside it). Output: the second serial
// port (/dev/ttyS1). The trace format, one command a line:
//
//   load-blob FILE            write FILE (in /aasim/run) to .replace
//   unload-all                remove every loaded profile
//   spawn ID LABEL [UID]      start worker ID under LABEL ('-': unconfined),
//                             as UID (default root) — exec'd from an
//                             unconfined parent with `exec LABEL` on exec
//   stop ID                   end worker ID (closes its command pipe)
//   do ID OP ARGS...          worker ID performs OP (see Worker::perform);
//                             `%ID` in ARGS stands for worker ID's pid
//   query LABEL HEX           the kernel's permissions for the policy
//                             string HEX of LABEL (.access, `label` query)
//   setup-file PATH MODE UID  a fresh regular file (parents made 0777)
//   setup-dir PATH            a directory (parents made 0777)
//   setup-rm PATH             remove PATH (file or empty directory)
//   setup-mount DIR           a tmpfs mounted on DIR (for umount cases)
//   setup-umount DIR          unmount whatever is mounted on DIR
//
// Each line but the setup-* ones gives one output line, tab separated:
//   LINE  ID  COMMAND  VERDICT  ERRNO  DETAIL  RECORDS
// VERDICT: allow (0), deny (EACCES/EPERM), error (another errno), died
// (the worker is gone), ok (query, load). RECORDS: the AppArmor audit
// records, `audit(...)` prefix removed, joined by ` || `, or `-`.
//
// Records are read as the audit daemon reads them (NETLINK_AUDIT): after
// each operation a USER_AVC marker is sent; the kernel queues it behind
// what the operation logged, so everything before it belongs to the
// operation.
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <map>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <vector>

namespace {

const char *const kSelf = "/aasim/driver";
const char *const kRunDir = "/aasim/run";
const char *const kSecurityFs = "/sys/kernel/security/apparmor";

std::vector<std::string> splitWords(const std::string &line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t')
      ++i;
    if (i > start)
      words.push_back(line.substr(start, i - start));
  }
  return words;
}

std::string errnoName(int e) {
  switch (e) {
  case 0: return "0";
  case EACCES: return "EACCES";
  case EPERM: return "EPERM";
  case ENOENT: return "ENOENT";
  case EINVAL: return "EINVAL";
  case EBUSY: return "EBUSY";
  case EEXIST: return "EEXIST";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case EAGAIN: return "EAGAIN";
  case EBADF: return "EBADF";
  case ESRCH: return "ESRCH";
  case ECONNREFUSED: return "ECONNREFUSED";
  case EADDRINUSE: return "EADDRINUSE";
  case ENOTCONN: return "ENOTCONN";
  case EOPNOTSUPP: return "EOPNOTSUPP";
  case EAFNOSUPPORT: return "EAFNOSUPPORT";
  case EPROTO: return "EPROTO";
  case ENOTSOCK: return "ENOTSOCK";
  case EINPROGRESS: return "EINPROGRESS";
  default: return "E" + std::to_string(e);
  }
}

std::string verdictOf(int rc, int e) {
  if (rc >= 0)
    return "allow\t0";
  if (e == EACCES || e == EPERM)
    return "deny\t" + errnoName(e);
  return "error\t" + errnoName(e);
}

std::string readAll(const std::string &path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return "";
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0)
    out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

bool writeAll(int fd, const void *data, size_t size) {
  const char *p = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// A task's label as its attr/current shows it, without the trailing
// newline. (Read by unconfined PID 1; reading it asks AppArmor nothing.)
std::string labelOf(pid_t pid) {
  std::string label = readAll("/proc/" + std::to_string(pid) + "/attr/current");
  while (!label.empty() && (label.back() == '\n' || label.back() == '\0'))
    label.pop_back();
  return label;
}

// ---------------------------------------------------------------------
// The worker: a task under a profile that performs one operation per
// command read from stdin and answers `VERDICT\tERRNO\tDETAIL` on stdout.

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

// ---------------------------------------------------------------------
// PID 1: loads policy, starts workers, sends them operations, collects
// the audit records of each.

class AuditChannel {
public:
  bool open() {
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

  // Everything the kernel queued before a fresh marker: the records of
  // the operation that just ended.
  std::vector<std::string> collect() {
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

private:
  bool send(int type, const void *data, size_t size) {
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

  int fd_ = -1;
  uint32_t seq_ = 0;
  unsigned marks_ = 0;
};

struct Running {
  pid_t pid = -1;
  int in = -1, out = -1;
};

class Init {
public:
  explicit Init(int out) : out_(out) {}

  int run() {
    if (!audit_.open())
      say("# audit\tcannot register as the audit daemon");
    say("# kernel\t" + readAll("/proc/sys/kernel/osrelease").substr(0, 40));
    std::string trace = readAll(std::string(kRunDir) + "/trace");
    size_t lineNo = 0, start = 0;
    while (start < trace.size()) {
      size_t end = trace.find('\n', start);
      if (end == std::string::npos)
        end = trace.size();
      std::string line = trace.substr(start, end - start);
      start = end + 1;
      ++lineNo;
      auto w = splitWords(line);
      if (w.empty() || w[0][0] == '#')
        continue;
      command(lineNo, line, w);
    }
    for (auto &[id, worker] : workers_)
      stopWorker(worker);
    say("# end");
    return 0;
  }

private:
  void say(const std::string &line) {
    std::string l = line + "\n";
    writeAll(out_, l.data(), l.size());
  }

  void result(size_t lineNo, const std::string &id, const std::string &cmd, const std::string &answer) {
    auto records = audit_.collect();
    std::string joined;
    for (const auto &r : records)
      joined += (joined.empty() ? "" : " || ") + r;
    std::string clean = cmd;
    for (char &c : clean)
      if (c == '\t')
        c = ' ';
    say(std::to_string(lineNo) + "\t" + id + "\t" + clean + "\t" + answer + "\t" + (joined.empty() ? "-" : joined));
  }

  static void makeParents(const std::string &path) {
    for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      // Open to everyone, also what the kernel made (/root is 0700), so
      // that a non-root task is never stopped by DAC before AppArmor.
      std::string dir = path.substr(0, slash);
      mkdir(dir.c_str(), 0777);
      chmod(dir.c_str(), 0777);
    }
  }

  static void removePath(const std::string &path) {
    if (unlink(path.c_str()) != 0)
      rmdir(path.c_str());
  }

  // The label a fresh exec under `exec LABEL` gives, from an unconfined
  // parent; UID other than 0 drops root first.
  bool startWorker(const std::string &label, uid_t uid, Running &r) {
    int toWorker[2], fromWorker[2];
    if (pipe2(toWorker, O_CLOEXEC) != 0 || pipe2(fromWorker, O_CLOEXEC) != 0)
      return false;
    pid_t pid = fork();
    if (pid == 0) {
      dup2(toWorker[0], 0);
      dup2(fromWorker[1], 1);
      if (uid != 0) {
        setgroups(0, nullptr);
        if (setresgid(uid, uid, uid) != 0 || setresuid(uid, uid, uid) != 0)
          _exit(120);
      }
      if (label != "-") {
        std::string cmd = "exec " + label;
        int fd = open("/proc/self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
        if (fd < 0)
          fd = open("/proc/self/attr/exec", O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, cmd.data(), cmd.size()) < 0)
          _exit(121);
        close(fd);
      }
      execl(kSelf, kSelf, "worker", static_cast<char *>(nullptr));
      _exit(122);
    }
    close(toWorker[0]);
    close(fromWorker[1]);
    r = {pid, toWorker[1], fromWorker[0]};
    return pid > 0;
  }

  static std::string readLine(int fd) {
    std::string line;
    char c;
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 10000) <= 0)
        return "\x01" "timeout";
      ssize_t n = read(fd, &c, 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return line.empty() ? "\x01" "eof" : line;
      if (c == '\n')
        return line;
      line += c;
    }
  }

  void stopWorker(Running &r) {
    if (r.pid <= 0)
      return;
    close(r.in);
    close(r.out);
    int status;
    for (int i = 0; i < 200 && waitpid(r.pid, &status, WNOHANG) == 0; ++i)
      usleep(10000);
    if (waitpid(r.pid, &status, WNOHANG) == 0) {
      ::kill(r.pid, SIGKILL);  // a last resort: logs a signal record if confined
      waitpid(r.pid, &status, 0);
    }
    r.pid = -1;
  }

  std::string substitutePids(const std::vector<std::string> &w, size_t from) {
    std::string out;
    for (size_t i = from; i < w.size(); ++i) {
      std::string word = w[i];
      if (word.size() > 1 && word[0] == '%') {
        auto it = workers_.find(word.substr(1));
        word = it == workers_.end() ? "0" : std::to_string(it->second.pid);
      }
      out += (i > from ? " " : "") + word;
    }
    return out;
  }

  void command(size_t lineNo, const std::string &line, const std::vector<std::string> &w) {
    const std::string &op = w[0];
    if (op == "setup-file" && w.size() >= 2) {
      makeParents(w[1]);
      removePath(w[1]);
      int fd = open(w[1].c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd >= 0) {
        writeAll(fd, "aasim\n", 6);
        close(fd);
      }
      chmod(w[1].c_str(), w.size() > 2 ? static_cast<mode_t>(std::strtoul(w[2].c_str(), nullptr, 8)) : 0644);
      if (w.size() > 3) {
        uid_t uid = static_cast<uid_t>(std::atol(w[3].c_str()));
        if (chown(w[1].c_str(), uid, uid) != 0)
          say("# setup\tchown failed: " + line);
      }
      return;
    }
    if (op == "setup-dir" && w.size() >= 2) {
      makeParents(w[1] + "/");
      chmod(w[1].c_str(), 0777);
      return;
    }
    if (op == "setup-mount" && w.size() >= 2) {  // a tmpfs to unmount
      makeParents(w[1] + "/");
      if (mount("aasim", w[1].c_str(), "tmpfs", 0, nullptr) != 0)
        say("# setup\tmount failed: " + line);
      return;
    }
    if (op == "setup-umount" && w.size() >= 2) {  // whatever a case left mounted there
      while (umount2(w[1].c_str(), MNT_DETACH) == 0) {
      }
      return;
    }
    if (op == "setup-rm" && w.size() >= 2) {
      removePath(w[1]);
      return;
    }
    if (op == "load-blob" && w.size() >= 2) {
      std::string blob = readAll(std::string(kRunDir) + "/" + w[1]);
      int fd = open((std::string(kSecurityFs) + "/.replace").c_str(), O_WRONLY | O_CLOEXEC);
      bool ok = fd >= 0 && !blob.empty() && write(fd, blob.data(), blob.size()) == static_cast<ssize_t>(blob.size());
      int e = errno;
      if (fd >= 0) close(fd);
      result(lineNo, "-", line, ok ? "ok\t0\t-" : "error\t" + errnoName(e) + "\t-");
      return;
    }
    if (op == "unload-all") {
      for (auto &[id, worker] : workers_)
        stopWorker(worker);
      workers_.clear();
      // Removing a profile removes its children: top-level names only.
      std::string list = readAll(std::string(kSecurityFs) + "/profiles");
      size_t pos = 0;
      while (pos < list.size()) {
        size_t nl = list.find('\n', pos);
        std::string entry = list.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? list.size() : nl + 1;
        size_t paren = entry.rfind(" (");
        std::string name = entry.substr(0, paren);
        if (name.empty() || name.find("//") != std::string::npos)
          continue;
        int fd = open((std::string(kSecurityFs) + "/.remove").c_str(), O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
          if (write(fd, name.data(), name.size()) < 0) {
          }
          close(fd);
        }
      }
      result(lineNo, "-", line, "ok\t0\t-");
      return;
    }
    if (op == "spawn" && w.size() >= 3) {
      if (workers_.count(w[1]))
        stopWorker(workers_[w[1]]);
      Running r;
      uid_t uid = w.size() > 3 ? static_cast<uid_t>(std::atol(w[3].c_str())) : 0;
      std::string answer;
      if (!startWorker(w[2], uid, r)) {
        answer = "error\tEAGAIN\tfork";
      } else {
        std::string ready = readLine(r.out);
        if (ready == "ready") {
          answer = "ok\t0\tlabel=" + labelOf(r.pid);
          workers_[w[1]] = r;
        } else {
          int status = 0;
          waitpid(r.pid, &status, 0);
          answer = "died\t-\tstatus=" + std::to_string(status);
          close(r.in);
          close(r.out);
        }
      }
      result(lineNo, w[1], line, answer);
      return;
    }
    if (op == "stop" && w.size() >= 2) {
      if (workers_.count(w[1])) {
        stopWorker(workers_[w[1]]);
        workers_.erase(w[1]);
      }
      return;
    }
    if (op == "do" && w.size() >= 3) {
      auto it = workers_.find(w[1]);
      std::string answer;
      if (it == workers_.end()) {
        answer = "died\t-\tno-worker";
      } else {
        std::string cmd = substitutePids(w, 2) + "\n";
        std::string reply = writeAll(it->second.in, cmd.data(), cmd.size()) ? readLine(it->second.out) : "\x01" "eof";
        if (reply[0] == '\x01') {
          answer = "died\t-\t" + reply.substr(1);
          stopWorker(it->second);
          workers_.erase(it);
        } else {
          answer = reply == "ready" ? "allow\t0\t-" : reply;  // a reexec'd worker's first word
          // The label after the operations that may change it, read by
          // PID 1: a confined task may not read its own attr files.
          if (w[2] == "changehat" || w[2] == "pivot_root" || w[2] == "label" || w[2] == "changeprofile" ||
              w[2] == "reexec")
            answer = answer.substr(0, answer.rfind('\t')) + "\tlabel=" + labelOf(it->second.pid);
        }
      }
      result(lineNo, w[1], line, answer);
      return;
    }
    if (op == "query" && w.size() >= 3) {
      std::string bytes;
      for (size_t i = 0; i + 1 < w[2].size(); i += 2)
        bytes += static_cast<char>(std::strtoul(w[2].substr(i, 2).c_str(), nullptr, 16));
      std::string q = std::string("label\0", 6) + w[1] + '\0' + bytes;
      int fd = open((std::string(kSecurityFs) + "/.access").c_str(), O_RDWR | O_CLOEXEC);
      std::string answer;
      if (fd < 0 || write(fd, q.data(), q.size()) != static_cast<ssize_t>(q.size())) {
        answer = "error\t" + errnoName(errno) + "\t-";
      } else {
        char buf[256];
        ssize_t n = read(fd, buf, sizeof buf - 1);
        std::string perms(buf, n > 0 ? static_cast<size_t>(n) : 0);
        for (char &c : perms)
          if (c == '\n')
            c = ' ';
        while (!perms.empty() && perms.back() == ' ')
          perms.pop_back();
        answer = "ok\t0\t" + perms;
      }
      if (fd >= 0) close(fd);
      result(lineNo, "-", line, answer);
      return;
    }
    result(lineNo, "-", line, "error\tEINVAL\tunknown-command");
  }

  int out_;
  AuditChannel audit_;
  std::map<std::string, Running> workers_;
};

void mountKernelFileSystems() {
  mount("proc", "/proc", "proc", 0, nullptr);
  mount("sysfs", "/sys", "sysfs", 0, nullptr);
  mount("devtmpfs", "/dev", "devtmpfs", 0, nullptr);
  mount("securityfs", "/sys/kernel/security", "securityfs", 0, nullptr);
}

// The loopback interface up, for sockets on 127.0.0.1 and ::1.
void loopbackUp() {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq ifr{};
  std::strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    ioctl(s, SIOCSIFFLAGS, &ifr);
  }
  close(s);
}

int openOutput() {
  int fd = open("/dev/ttyS1", O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
  termios t{};
  if (fd >= 0 && tcgetattr(fd, &t) == 0) {
    cfmakeraw(&t);
    tcsetattr(fd, TCSANOW, &t);
  }
  return fd;
}

} // namespace

int main(int argc, char **argv) {
  if (argc > 1 && std::strcmp(argv[1], "worker") == 0)
    return Worker{}.run();
  if (getpid() != 1) {
    std::fprintf(stderr, "aasim_guest: runs as PID 1 of the test VM (tests/kernel/run_guest.sh)\n");
    return 2;
  }
  mountKernelFileSystems();
  mkdir("/tmp", 01777);
  // Yama would add its own ptrace restriction: AppArmor alone decides.
  int yama = open("/proc/sys/kernel/yama/ptrace_scope", O_WRONLY | O_CLOEXEC);
  if (yama >= 0) {
    if (write(yama, "0", 1) < 0) {
    }
    close(yama);
  }
  loopbackUp();
  int out = openOutput();
  Init(out).run();
  tcdrain(out);
  close(out);
  sync();
  reboot(RB_POWER_OFF);
  return 0;
}

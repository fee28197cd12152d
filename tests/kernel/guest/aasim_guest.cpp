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
#include "audit_channel.h"
#include "guest_io.h"
#include "worker.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <net/if.h>
#include <poll.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <vector>
#include <fcntl.h>
#include <grp.h>

namespace {

using namespace aasim::guest;

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
    return runWorker();
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

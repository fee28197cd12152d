// The guest driver's small pieces shared by PID 1 and the workers: its
// paths, words of a command line, errno names, whole-file reads and
// writes, and a task's label.
#pragma once

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/types.h>
#include <unistd.h>
#include <vector>

namespace aasim::guest {

inline const char *const kSelf = "/aasim/driver";
inline const char *const kRunDir = "/aasim/run";
inline const char *const kSecurityFs = "/sys/kernel/security/apparmor";

inline std::vector<std::string> splitWords(const std::string &line) {
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

inline std::string errnoName(int e) {
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

inline std::string verdictOf(int rc, int e) {
  if (rc >= 0)
    return "allow\t0";
  if (e == EACCES || e == EPERM)
    return "deny\t" + errnoName(e);
  return "error\t" + errnoName(e);
}

inline std::string readAll(const std::string &path) {
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

inline bool writeAll(int fd, const void *data, size_t size) {
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
inline std::string labelOf(pid_t pid) {
  std::string label = readAll("/proc/" + std::to_string(pid) + "/attr/current");
  while (!label.empty() && (label.back() == '\n' || label.back() == '\0'))
    label.pop_back();
  return label;
}


} // namespace aasim::guest

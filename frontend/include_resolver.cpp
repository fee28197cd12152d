#include "include_resolver.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace aasim::frontend {

std::optional<std::string> IncludeResolver::search(const std::string &name) const {
  auto tryDir = [&](const std::string &dir) -> std::optional<std::string> {
    std::string full = dir + "/" + name;
    if (kind(full) != PathKind::Missing)
      return full;
    return std::nullopt;
  };
  for (const auto &dir : paths_.includeDirs)
    if (auto p = tryDir(dir))
      return p;
  if (!paths_.baseDir.empty())
    if (auto p = tryDir(paths_.baseDir))
      return p;
  return std::nullopt;
}

PathKind IncludeResolver::kind(const std::string &path) const {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return PathKind::Missing;
  if (S_ISREG(st.st_mode))
    return PathKind::File;
  if (S_ISDIR(st.st_mode))
    return PathKind::Directory;
  return PathKind::Other;
}

std::shared_ptr<const std::string> IncludeResolver::read(const std::string &path, std::string &error) {
  if (auto it = cache_.find(path); it != cache_.end())
    return it->second;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return nullptr;
  }
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      error = std::strerror(errno);
      ::close(fd);
      return nullptr;
    }
    if (n == 0)
      break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  auto shared = std::make_shared<const std::string>(std::move(data));
  cache_.emplace(path, shared);
  return shared;
}

bool isIgnoredIncludeName(const std::string &name, bool &loud) {
  loud = false;
  if (name.empty() || name[0] == '.')
    return true;
  struct Suffix {
    const char *text;
    bool loud;
  };
  static constexpr Suffix kSuffixes[] = {
      {".dpkg-new", false}, {".dpkg-old", false}, {".dpkg-dist", false}, {".dpkg-bak", false},
      {".dpkg-remove", false}, {".pacsave", false}, {".pacnew", false}, {".rpmnew", true},
      {".rpmsave", true}, {".orig", true}, {".rej", true}, {"~", true},
  };
  for (const auto &s : kSuffixes) {
    size_t len = std::strlen(s.text);
    if (name.size() >= len && name.compare(name.size() - len, len, s.text) == 0) {
      loud = s.loud;
      return true;
    }
  }
  return false;
}

std::vector<std::string> sortedDirectoryNames(const std::string &dir) {
  std::vector<std::string> names;
  if (DIR *d = ::opendir(dir.c_str())) {
    while (struct dirent *ent = ::readdir(d)) {
      std::string_view n = ent->d_name;
      if (n != "." && n != "..")
        names.emplace_back(n);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> IncludeResolver::directoryEntries(const std::string &dir,
                                                           std::vector<std::string> &ignoredNotices) const {
  std::vector<std::string> out;
  for (const auto &name : sortedDirectoryNames(dir)) {
    std::string full = dir + "/" + name;
    bool loud = false;
    if (isIgnoredIncludeName(name, loud)) {
      if (loud)
        ignoredNotices.push_back(full);
      continue;
    }
    if (kind(full) == PathKind::File)
      out.push_back(full);
  }
  return out;
}

} // namespace aasim::frontend

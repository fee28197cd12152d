// What the two kernel case generators (kernel_cases.cpp for the oracle,
// guest_cases.cpp for aasim's own guest driver) share: reading a blob and
// the paths a guest can hold.
#pragma once

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace aasim::test {

inline std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Paths the guest can hold and both trace formats can carry as one word:
// absolute, plain characters, no empty, `.` or `..` components, not in the
// kernel's own file systems (the guests leave /proc, /sys, /dev alone).
inline bool usablePath(const std::string &p) {
  if (p.size() < 2 || p[0] != '/' || p.size() > 200 || p.back() == '/')
    return false;
  for (unsigned char c : p)
    if (!(std::isalnum(c) || std::string_view("/._-+@:,=~").find(static_cast<char>(c)) != std::string_view::npos))
      return false;
  if (p.find("//") != std::string::npos || p.find("/./") != std::string::npos || p.find("/../") != std::string::npos ||
      p.ends_with("/.") || p.ends_with("/.."))
    return false;
  for (const char *kernelFs : {"/proc", "/sys", "/dev"})
    if (p == kernelFs || p.rfind(std::string(kernelFs) + "/", 0) == 0)
      return false;
  size_t component = 0;
  for (char c : p) {
    component = c == '/' ? 0 : component + 1;
    if (component > 60)
      return false;
  }
  return true;
}

} // namespace aasim::test

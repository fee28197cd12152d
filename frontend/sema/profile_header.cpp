// Profile headers: flags=(...) values and their conflicts.
#include "sema.h"

#include <fmt/format.h>

#include <cstring>
#include <map>
#include <set>
#include <strings.h>

namespace aasim::frontend::sema {

using namespace ast;

namespace {

bool startsWith(const std::string &s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }

// Flags that select the profile mode; any two different ones conflict.
bool isModeFlag(const std::string &f) {
  return f == "enforce" || f == "complain" || f == "kill" || f == "unconfined" || f == "prompt" ||
         f == "default_allow";
}

// Signal names as the profile language spells them (signal rules and
// kill.signal=), plus rtmin+0 .. rtmin+32.
bool isSignalName(const std::string &s) {
  static const std::set<std::string> kNames = {
      "hup", "int", "quit", "ill", "trap", "abrt", "bus", "fpe", "kill", "usr1", "segv", "usr2", "pipe",
      "alrm", "term", "stkflt", "chld", "cont", "stop", "stp", "ttin", "ttou", "urg", "xcpu", "xfsz", "vtalrm",
      "prof", "winch", "io", "pwr", "sys", "emt", "lost", "exists"};
  if (kNames.count(s))
    return true;
  if (s.rfind("rtmin+", 0) == 0 && s.size() > 6 && s.size() <= 8) {
    for (size_t i = 6; i < s.size(); ++i)
      if (s[i] < '0' || s[i] > '9')
        return false;
    return std::stoi(s.substr(6)) <= 32;
  }
  return false;
}

// error=E takes the host's errno names (EPERM, eacces, ...).
bool isErrnoName(const std::string &s) {
  for (int e = 1; e < 200; ++e)
    if (const char *name = strerrorname_np(e); name && strcasecmp(name, s.c_str()) == 0)
      return true;
  return false;
}

} // namespace

void checkProfileHeader(const Profile &p, Context &cx) {
  std::string mode;
  std::map<std::string, std::string> valued;  // key -> value for key=value flags
  std::map<std::string, const Word *> seen;
  static const std::pair<const char *, const char *> kExclusive[] = {
      {"chroot_relative", "namespace_relative"},
      {"mediate_deleted", "delegate_deleted"},
      {"attach_disconnected", "no_attach_disconnected"},
      {"chroot_attach", "chroot_no_attach"},
  };
  for (const auto &w : p.flags) {
    std::string f = w.text;
    std::string key = f, value;
    if (auto eq = f.find('='); eq != std::string::npos) {
      key = f.substr(0, eq);
      value = f.substr(eq + 1);
    }
    bool known;
    if (f.find('=') == std::string::npos) {
      known = isModeFlag(f) || f == "audit" || f == "debug" || f == "interruptible" ||
              f == "attach_disconnected" || f == "attach_disconnected.ipc" || f == "chroot_relative" ||
              f == "namespace_relative" || f == "mediate_deleted" || f == "delegate_deleted" ||
              f == "chroot_attach" || f == "chroot_no_attach" || f == "no_attach_disconnected";
    } else {
      known = key == "attach_disconnected.path" || key == "attach_disconnected.ipc" || key == "kill.signal" ||
              key == "error";
    }
    if (!known)
      return cx.error(w.loc, fmt::format("Invalid profile flag: {}.", f));
    if (isModeFlag(f)) {
      if (!mode.empty() && mode != f)
        return cx.error(w.loc, fmt::format("Profile flag '{}' conflicts with '{}'", f, mode));
      mode = f;
    }
    if (!value.empty() || f.find('=') != std::string::npos) {
      if (value.empty())
        return cx.error(w.loc, fmt::format("Invalid profile flag: {}.", f));
      auto it = valued.find(key);
      if (it != valued.end() && it->second != value)
        return cx.error(w.loc, fmt::format("Profile flag '{}' conflicts with '{}={}'", f, key, it->second));
      valued[key] = value;
      if (key == "kill.signal" && !isSignalName(value))
        return cx.error(w.loc, fmt::format("unknown signal name '{}' in kill.signal", value));
      if (key == "error" && !isErrnoName(value))
        return cx.error(w.loc, fmt::format("unknown error code '{}'", value));
      if (key == "attach_disconnected.path" || key == "attach_disconnected.ipc") {
        ExpandError err;
        auto expanded = cx.vars().expandWord(value, err);
        if (!expanded)
          return cx.error(w.loc, err.message);
        if (expanded->empty() || (*expanded)[0] != '/')
          return cx.error(w.loc, fmt::format("Invalid profile flag: {}.", f));
      }
    }
    seen[key] = &w;
  }
  for (const auto &[a, b] : kExclusive) {
    auto hasA = seen.count(a) || (std::string(a) == "attach_disconnected" &&
                                  (seen.count("attach_disconnected.path") || seen.count("attach_disconnected.ipc")));
    if (hasA && seen.count(b))
      return cx.error(seen[b]->loc, fmt::format("Profile flag '{}' conflicts with '{}'", b, a));
  }
}

void checkRlimit(const RlimitRule &r, Context &cx) {
  static const std::map<std::string, std::string> kKinds = {
      {"cpu", "time_s"}, {"rttime", "time_us"}, {"nofile", "count"}, {"ofile", "count"}, {"nproc", "count"},
      {"locks", "count"}, {"sigpending", "count"}, {"rtprio", "count"}, {"nice", "nice"},
      {"fsize", "size"}, {"data", "size"}, {"stack", "size"}, {"core", "size"}, {"rss", "size"}, {"as", "size"},
      {"memlock", "size"}, {"msgqueue", "size"}};
  auto kind = kKinds.find(r.name.text);
  if (kind == kKinds.end())
    return cx.error(r.name.loc, fmt::format("INVALID RLIMIT '{}'", r.name.text));
  const std::string &v = r.value.text;
  if (v == "infinity")
    return;
  std::string unit = r.unit ? r.unit->text : "";
  char *end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 0);
  bool bad = end == v.c_str() || n < 0;
  auto invalid = [&] {
    cx.error(r.value.loc, fmt::format("RLIMIT '{}' invalid value {} {}", r.name.text, v, unit));
  };
  const std::string &k = kind->second;
  if (k == "count") {
    if (bad || r.unit)
      return invalid();
  } else if (k == "nice") {
    if (end == v.c_str() || r.unit)
      return invalid();
    if (n < -20 || n > 19)
      return cx.error(r.value.loc, fmt::format("RLIMIT '{}' out of range (-20 .. 19) {}", r.name.text, n));
  } else if (k == "size") {
    if (bad)
      return invalid();
    if (!unit.empty() && !(startsWith("KB", unit) || startsWith("MB", unit) || startsWith("GB", unit)))
      return invalid();
  } else {
    // Time limits: units us, ms, s, min/minutes, h/hours, d/days, week(s); cpu needs >= 1s.
    if (bad)
      return invalid();
    static const std::map<std::string, long long> kUnitsUs = {
        {"us", 1}, {"microsecond", 1}, {"microseconds", 1}, {"ms", 1000}, {"millisecond", 1000},
        {"milliseconds", 1000}, {"s", 1000000}, {"sec", 1000000}, {"second", 1000000}, {"seconds", 1000000},
        {"min", 60000000LL}, {"minute", 60000000LL}, {"minutes", 60000000LL}, {"h", 3600000000LL},
        {"hour", 3600000000LL}, {"hours", 3600000000LL}, {"d", 86400000000LL}, {"day", 86400000000LL},
        {"days", 86400000000LL}, {"week", 604800000000LL}, {"weeks", 604800000000LL}};
    long long scale = k == "time_s" ? 1000000 : 1;
    if (!unit.empty()) {
      auto u = kUnitsUs.find(unit);
      if (u == kUnitsUs.end())
        return invalid();
      scale = u->second;
    }
    if (k == "time_s" && n * scale < 1000000 && n != 0)
      return cx.error(r.value.loc, fmt::format("RLIMIT '{} {}' < minimum value of 1s", r.name.text, v));
  }
}

} // namespace aasim::frontend::sema

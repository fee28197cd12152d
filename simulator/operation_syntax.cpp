#include "operation_syntax.h"

#include "kernel_perms.h"

#include "dfa/network_table.h"
#include "dfa/policy_rules.h"
#include "frontend/features.h"
#include "frontend/sema/sema.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>

namespace aasim::simulator {

namespace {

using namespace perm;

std::optional<unsigned> number(std::string_view s) {
  if (s.empty() || s.size() > 9)
    return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v;
}

// open(2) flags by letter or O_ name: what aa_map_file_to_perms asks.
std::optional<uint32_t> openMask(const std::string &word, std::string &error) {
  bool read = false, write = false, append = false, create = false, trunc = false;
  if (word.rfind("O_", 0) == 0) {
    size_t at = 0;
    while (at <= word.size()) {
      size_t bar = word.find('|', at);
      std::string f = word.substr(at, bar == std::string::npos ? std::string::npos : bar - at);
      if (f == "O_RDONLY")
        read = true;
      else if (f == "O_WRONLY")
        write = true;
      else if (f == "O_RDWR")
        read = write = true;
      else if (f == "O_APPEND")
        append = true;
      else if (f == "O_CREAT")
        create = true;
      else if (f == "O_TRUNC")
        trunc = true;
      else if (f != "O_CLOEXEC" && f != "O_NONBLOCK" && f != "O_NOFOLLOW" && f != "O_DIRECTORY" && f != "O_EXCL" &&
               f != "O_NOCTTY" && f != "O_SYNC" && f != "O_PATH" && f != "O_NOATIME" && f != "O_LARGEFILE") {
        error = fmt::format("unknown open flag '{}'", f);
        return std::nullopt;
      }
      if (bar == std::string::npos)
        break;
      at = bar + 1;
    }
  } else {
    for (char c : word) {
      switch (c) {
      case 'r': read = true; break;
      case 'w': write = true; break;
      case 'a': write = append = true; break;
      case 'c': create = true; break;
      case 't': trunc = true; break;
      default: error = fmt::format("unknown open mode letter '{}' in '{}' (r w a c t)", c, word); return std::nullopt;
      }
    }
  }
  uint32_t m = 0;
  if (write)
    m |= append ? kAppend : kWrite;
  if (read)
    m |= kRead;
  if (trunc)
    m |= kWrite;
  if (create)
    m |= kCreate;
  return m;
}

std::optional<uint32_t> accessMask(const std::string &word, std::string &error) {
  char unknown = 0;
  uint32_t m = filePermissionLetters(word, &unknown);
  if (unknown) {
    error = fmt::format("unknown permission letter '{}' in '{}' (r w a x m k l c d)", unknown, word);
    return std::nullopt;
  }
  return m;
}

// A socket operation's word in traces: what it asks, and the operation
// its record names (6.1's OP_* strings).
struct NetOperation {
  uint32_t mask;
  std::string_view record;
};

const std::map<std::string_view, NetOperation> &netOperations() {
  static const std::map<std::string_view, NetOperation> kOps = {
      {"create", {kNetCreate, "create"}},          {"connect", {kNetConnect, "connect"}},
      {"bind", {kNetBind, "bind"}},                {"listen", {kNetListen, "listen"}},
      {"accept", {kNetAccept, "accept"}},          {"send", {kNetSend, "sendmsg"}},
      {"sendmsg", {kNetSend, "sendmsg"}},          {"receive", {kNetReceive, "recvmsg"}},
      {"recvmsg", {kNetReceive, "recvmsg"}},       {"shutdown", {kNetShutdown, "socket_shutdown"}},
      {"getattr", {kNetGetattr, "getattr"}},       {"setattr", {kNetSetattr, "setattr"}},
      {"getopt", {kNetGetopt, "getsockopt"}},      {"getsockopt", {kNetGetopt, "getsockopt"}},
      {"setopt", {kNetSetopt, "setsockopt"}},      {"setsockopt", {kNetSetopt, "setsockopt"}},
      {"getsockname", {kNetGetattr, "getsockname"}}, {"getpeername", {kNetGetattr, "getpeername"}}};
  return kOps;
}

std::optional<uint32_t> mountFlags(const std::string &list, std::string &error) {
  static const std::map<std::string_view, uint32_t> kFlags = {
      {"ro", 1u << 0},         {"rw", 0},                {"nosuid", 1u << 1},      {"nodev", 1u << 2},
      {"noexec", 1u << 3},     {"sync", 1u << 4},        {"remount", 1u << 5},     {"mand", 1u << 6},
      {"dirsync", 1u << 7},    {"noatime", 1u << 10},    {"nodiratime", 1u << 11}, {"bind", 1u << 12},
      {"move", 1u << 13},      {"rec", 1u << 14},        {"silent", 1u << 15},     {"unbindable", 1u << 17},
      {"private", 1u << 18},   {"slave", 1u << 19},      {"shared", 1u << 20},     {"relatime", 1u << 21},
      {"strictatime", 1u << 24}, {"lazytime", 1u << 25}};
  uint32_t out = 0;
  size_t at = 0;
  while (at <= list.size()) {
    size_t comma = list.find(',', at);
    std::string f = list.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (!f.empty()) {
      auto it = kFlags.find(f);
      if (it == kFlags.end()) {
        error = fmt::format("unknown mount flag '{}'", f);
        return std::nullopt;
      }
      out |= it->second;
    }
    if (comma == std::string::npos)
      break;
    at = comma + 1;
  }
  return out;
}

// `key=value` words after the fixed ones.
bool keyValues(const std::vector<std::string> &words, size_t from, std::map<std::string, std::string> &out,
               std::string &error) {
  for (size_t i = from; i < words.size(); ++i) {
    size_t eq = words[i].find('=');
    if (eq == std::string::npos || eq == 0) {
      error = fmt::format("expected KEY=VALUE, found '{}'", words[i]);
      return false;
    }
    out[words[i].substr(0, eq)] = words[i].substr(eq + 1);
  }
  return true;
}

// network OPERATION FAMILY TYPE [PROTOCOL] [KEY=VALUE]... (or socket ...):
// the keys name the socket's ends for fine-grained mediation
// (docs/traces.md).
std::optional<Request> networkOperation(const std::vector<std::string> &words, std::string &error) {
  const bool create = words[0] == "socket";
  const size_t at = create ? 1 : 2;
  if (words.size() < at + 2) {
    error = "usage: network OPERATION FAMILY TYPE [PROTOCOL] [KEY=VALUE]...  or  socket FAMILY TYPE [PROTOCOL]";
    return std::nullopt;
  }
  NetworkRequest n;
  auto it = netOperations().find(create ? "create" : words[1]);
  if (it == netOperations().end()) {
    error = fmt::format("unknown network operation '{}'", words[1]);
    return std::nullopt;
  }
  n.mask = it->second.mask;
  n.operation = it->second.record;
  auto fam = number(words[at]) ? number(words[at]) : dfa::networkFamilyNumber(words[at]);
  auto type = number(words[at + 1]) ? number(words[at + 1]) : dfa::socketTypeNumber(words[at + 1]);
  if (!fam || !type) {
    error = fmt::format("unknown {} '{}'", fam ? "socket type" : "address family", fam ? words[at + 1] : words[at]);
    return std::nullopt;
  }
  n.family = *fam;
  n.type = *type;
  size_t next = at + 2;
  if (next < words.size() && words[next].find('=') == std::string::npos) {
    auto proto = number(words[next]);
    if (!proto) {
      error = fmt::format("protocol must be a number, found '{}'", words[next]);
      return std::nullopt;
    }
    n.protocol = *proto;
    ++next;
  }
  std::map<std::string, std::string> kv;
  if (!keyValues(words, next, kv, error))
    return std::nullopt;
  const bool inet = n.family == 2 || n.family == 10;
  for (const auto &[key, value] : kv) {
    if (key == "addr" || key == "ip" || key == "peer_addr" || key == "peer_ip") {
      if (inet && value != "none" && !ipAddressBytes(value)) {
        error = fmt::format("{}= takes an IP address for family {}, found '{}'", key, words[at], value);
        return std::nullopt;
      }
      (key == "addr" || key == "ip" ? n.local : n.peer).address = value;
    } else if (key == "peer" || key == "peer_label") {
      n.peer.label = value;
    } else if (key == "port" || key == "peer_port" || key == "backlog" || key == "level" || key == "opt") {
      auto v = number(value);
      if (!v || *v > 65535) {
        error = fmt::format("{}= takes a number up to 65535, found '{}'", key, value);
        return std::nullopt;
      }
      if (key == "port")
        n.local.port = *v;
      else if (key == "peer_port")
        n.peer.port = *v;
      else
        (key == "backlog" ? n.backlog : key == "level" ? n.level : n.option) = *v;
    } else {
      error = fmt::format("unknown socket condition '{}' (addr, port, peer_addr, peer_port, peer, backlog, level, opt)",
                          key);
      return std::nullopt;
    }
  }
  return n;
}

} // namespace

uint32_t filePermissionLetters(std::string_view letters, char *unknown) {
  uint32_t m = 0;
  for (char c : letters) {
    switch (c) {
    case 'r': m |= kRead; break;
    case 'w': m |= kWrite; break;
    case 'a': m |= kAppend; break;
    case 'x': m |= kExec; break;
    case 'm': m |= kExecMmap; break;
    case 'k': m |= kLock; break;
    case 'l': m |= kLink; break;
    case 'c': m |= kCreate; break;
    case 'd': m |= kDelete; break;
    default:
      if (unknown && !*unknown)
        *unknown = c;
      break;
    }
  }
  return m;
}

std::optional<unsigned> capabilityByName(std::string_view name) {
  if (auto n = number(name))
    return n;
  int n = frontend::sema::capabilityNumber(std::string(name), frontend::Features{});
  if (n < 0)
    return std::nullopt;
  return static_cast<unsigned>(n);
}

std::string capabilityName(unsigned cap) { return frontend::sema::capabilityName(cap); }

std::optional<std::vector<std::string>> splitWords(std::string_view line, std::string &error) {
  std::vector<std::string> out;
  out.reserve(4);
  size_t i = 0;
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (i < line.size()) {
    while (i < line.size() && blank(line[i]))
      ++i;
    if (i >= line.size())
      break;
    // Most words have no quotes: taken whole (this runs on every trace line).
    size_t end = i;
    while (end < line.size() && !blank(line[end]) && line[end] != '"')
      ++end;
    if (end == line.size() || blank(line[end])) {
      out.emplace_back(line.substr(i, end - i));
      i = end;
      continue;
    }
    std::string word;
    bool quoted = false;
    while (i < line.size() && (quoted || (line[i] != ' ' && line[i] != '\t'))) {
      char c = line[i++];
      if (c == '"') {
        quoted = !quoted;
      } else if (quoted && c == '\\' && i < line.size()) {
        word += line[i++];
      } else {
        word += c;
      }
    }
    if (quoted) {
      error = "unclosed quote";
      return std::nullopt;
    }
    out.push_back(std::move(word));
  }
  return out;
}

std::optional<Request> parseOperation(std::vector<std::string> words, std::string &error) {
  if (words.empty()) {
    error = "no operation given";
    return std::nullopt;
  }
  const std::string &op = words[0];
  // A trailing `other` or `owner` on a file operation says whose file it is.
  static const std::set<std::string_view> kNotFile = {"capability", "capable", "network", "socket", "signal",
                                                      "ptrace",     "mount",   "umount",  "pivot_root", "dbus",
                                                      "change_profile", "change_onexec", "change_hat", "userns",
                                                      "io_uring", "mqueue"};
  bool owner = true;
  if (words.size() > 2 && (words.back() == "other" || words.back() == "owner") && !kNotFile.count(op)) {
    owner = words.back() == "owner";
    words.pop_back();
  }
  auto need = [&](size_t n, const char *usage) {
    if (words.size() < n + 1 || (words.size() > n + 1 && usage[0] != '+')) {
      error = fmt::format("usage: {}", usage[0] == '+' ? usage + 1 : usage);
      return false;
    }
    return true;
  };
  auto file = [&](uint32_t mask, std::string path) -> Request {
    return FileRequest{op, std::move(path), mask, owner};
  };
  auto dir = [](std::string path) { return path.empty() || path.back() == '/' ? path : path + "/"; };

  if (op == "open") {
    if (words.size() < 2 || words.size() > 3) {
      error = "usage: open PATH [MODE]  (MODE: letters r w a c t, or O_ flags joined by |)";
      return std::nullopt;
    }
    auto m = openMask(words.size() == 3 ? words[2] : "r", error);
    if (!m)
      return std::nullopt;
    // O_CREAT here means the file is created: the kernel checks the
    // creation first (as mknod), then the open; the creator owns it.
    return FileRequest{op, std::move(words[1]), *m, owner || (*m & kCreate) != 0};
  }
  static const std::map<std::string_view, uint32_t> kSimple = {
      {"read", kRead},       {"write", kWrite},      {"append", kAppend},  {"unlink", kDelete},
      {"mknod", kCreate},    {"create", kCreate},    {"symlink", kCreate}, {"chmod", kChmod},
      {"chown", kChown},     {"truncate", kWrite | kSetattr}, {"getattr", kGetattr}, {"setattr", kSetattr}};
  if (auto it = kSimple.find(op); it != kSimple.end()) {
    if (!need(1, "OPERATION PATH [other]"))
      return std::nullopt;
    // Creating is always the owner's (the new file is the creator's).
    bool creates = it->second == kCreate;
    return FileRequest{op, words[1], it->second, creates || owner};
  }
  if (op == "mkdir" || op == "rmdir") {
    if (!need(1, "mkdir|rmdir PATH"))
      return std::nullopt;
    return FileRequest{op, dir(words[1]), op == "mkdir" ? kCreate : kDelete, op == "mkdir" || owner};
  }
  if (op == "mmap" || op == "mprotect") {
    if (!need(2, "mmap PATH PROT  (PROT: letters r w x; w for a shared writable mapping)"))
      return std::nullopt;
    uint32_t m = 0;
    for (char c : words[2]) {
      if (c == 'r')
        m |= kRead;
      else if (c == 'w')
        m |= kWrite;
      else if (c == 'x')
        m |= kExecMmap;
      else {
        error = fmt::format("unknown protection letter '{}' (r w x)", c);
        return std::nullopt;
      }
    }
    return file(m, words[1]);
  }
  if (op == "lock") {
    if (words.size() < 2 || words.size() > 3 || (words.size() == 3 && words[2] != "w" && words[2] != "r")) {
      error = "usage: lock PATH [r|w]";
      return std::nullopt;
    }
    return file(kLock | (words.size() == 3 && words[2] == "w" ? kWrite : 0), words[1]);
  }
  if (op == "access") {
    if (!need(2, "access PATH PERMS  (letters r w a x m k l c d)"))
      return std::nullopt;
    auto m = accessMask(words[2], error);
    if (!m)
      return std::nullopt;
    return file(*m, words[1]);
  }
  if (op == "rename") {
    if (!need(2, "rename FROM TO"))
      return std::nullopt;
    return RenameRequest{words[1], words[2], owner};
  }
  if (op == "link") {
    if (!need(2, "link PATH TARGET"))
      return std::nullopt;
    return LinkRequest{words[1], words[2], owner};
  }
  if (op == "exec") {
    if (!need(1, "+exec PATH [xattr:NAME=VALUE]..."))
      return std::nullopt;
    ExecRequest e{words[1], owner, {}};
    for (size_t i = 2; i < words.size(); ++i) {
      const std::string &w = words[i];
      size_t eq = w.find('=');
      if (w.rfind("xattr:", 0) != 0 || eq == std::string::npos) {
        error = fmt::format("expected xattr:NAME=VALUE, found '{}'", w);
        return std::nullopt;
      }
      e.xattrs.emplace_back(w.substr(6, eq - 6), w.substr(eq + 1));
    }
    return e;
  }
  if (op == "capability" || op == "capable") {
    if (!need(1, "capability NAME"))
      return std::nullopt;
    auto c = capabilityByName(words[1]);
    if (!c) {
      error = fmt::format("unknown capability '{}'", words[1]);
      return std::nullopt;
    }
    return CapabilityRequest{*c};
  }
  if (op == "network" || op == "socket")
    return networkOperation(words, error);
  if (op == "signal") {
    if (words.size() < 3 || words.size() > 4 || (words.size() == 4 && words[3] != "receive" && words[3] != "send")) {
      error = "usage: signal SIGNAL PEER [send|receive]";
      return std::nullopt;
    }
    std::string name = words[1];
    if (name.rfind("SIG", 0) == 0)
      name = name.substr(3);
    for (char &c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::optional<unsigned> sig = number(name) ? std::optional(signalFromLinux(*number(name))) : dfa::signalNumber(name);
    if (!sig) {
      error = fmt::format("unknown signal '{}'", words[1]);
      return std::nullopt;
    }
    return SignalRequest{*sig, words[2], words.size() == 3 || words[3] == "send"};
  }
  if (op == "ptrace") {
    if (words.size() < 3 || words.size() > 4 || (words[1] != "read" && words[1] != "trace") ||
        (words.size() == 4 && words[3] != "tracee" && words[3] != "tracer")) {
      error = "usage: ptrace read|trace PEER [tracer|tracee]";
      return std::nullopt;
    }
    return PtraceRequest{words[1] == "trace", words[2], words.size() == 3 || words[3] == "tracer"};
  }
  if (op == "mount") {
    if (words.size() < 3) {
      error = "usage: mount SOURCE MOUNTPOINT [fstype=T] [flags=F,F] [data=D]";
      return std::nullopt;
    }
    std::map<std::string, std::string> kv;
    if (!keyValues(words, 3, kv, error))
      return std::nullopt;
    MountRequest m;
    m.device = words[1];
    m.mountPoint = words[2];
    for (const auto &[k, v] : kv) {
      if (k == "fstype") {
        m.fsType = v;
      } else if (k == "flags") {
        auto f = mountFlags(v, error);
        if (!f)
          return std::nullopt;
        m.flags = *f;
      } else if (k == "data") {
        m.data = v;
      } else {
        error = fmt::format("unknown mount condition '{}' (fstype, flags, data)", k);
        return std::nullopt;
      }
    }
    return m;
  }
  if (op == "umount") {
    if (!need(1, "umount PATH"))
      return std::nullopt;
    MountRequest m;
    m.kind = MountRequest::Kind::Umount;
    m.mountPoint = words[1];
    return m;
  }
  if (op == "pivot_root") {
    if (!need(2, "pivot_root NEW_ROOT PUT_OLD"))
      return std::nullopt;
    MountRequest m;
    m.kind = MountRequest::Kind::PivotRoot;
    m.mountPoint = words[1];
    m.device = words[2];
    return m;
  }
  if (op == "dbus") {
    static const std::map<std::string_view, uint32_t> kDbus = {
        {"send", 0x2}, {"receive", 0x4}, {"bind", 0x40}, {"eavesdrop", 0x20}};
    if (words.size() < 2 || !kDbus.count(words[1])) {
      error = "usage: dbus send|receive|bind|eavesdrop [bus=B] [name=N] [peer=LABEL] [path=P] [interface=I] [member=M]";
      return std::nullopt;
    }
    std::map<std::string, std::string> kv;
    if (!keyValues(words, 2, kv, error))
      return std::nullopt;
    DbusRequest d;
    d.mask = kDbus.at(words[1]);
    for (const auto &[k, v] : kv) {
      std::string *slot = k == "bus" ? &d.bus : k == "name" ? &d.name : k == "peer" ? &d.peer : k == "path" ? &d.path
                          : k == "interface" ? &d.interface : k == "member" ? &d.member : nullptr;
      if (!slot) {
        error = fmt::format("unknown dbus condition '{}'", k);
        return std::nullopt;
      }
      *slot = v;
    }
    return d;
  }
  if (op == "change_profile" || op == "change_onexec") {
    if (!need(1, "change_profile|change_onexec TARGET"))
      return std::nullopt;
    return ChangeProfileRequest{words[1], op == "change_onexec"};
  }
  if (op == "userns") {
    if (words.size() != 2 || words[1] != "create") {
      error = "usage: userns create";
      return std::nullopt;
    }
    return UsernsRequest{};
  }
  if (op == "io_uring") {
    if (words.size() < 2 || (words[1] != "sqpoll" && words[1] != "override_creds") ||
        (words[1] == "sqpoll" && words.size() != 2) || (words[1] == "override_creds" && words.size() != 3)) {
      error = "usage: io_uring sqpoll  or  io_uring override_creds LABEL";
      return std::nullopt;
    }
    return IoUringRequest{words[1] == "sqpoll", words.size() == 3 ? words[2] : std::string()};
  }
  if (op == "mqueue") {
    static const std::map<std::string_view, uint32_t> kPerms = {
        {"read", 0x4}, {"write", 0x2}, {"create", 0x10}, {"delete", 0x20}, {"open", 0x40}, {"setattr", 0x100},
        {"getattr", 0x200}};
    if (words.size() < 3 || words.size() > 4 || !kPerms.count(words[1])) {
      error = "usage: mqueue read|write|create|delete|open|setattr|getattr NAME [label=LABEL]  (NAME: /posix or a sysv key)";
      return std::nullopt;
    }
    MqueueRequest m;
    m.mask = kPerms.at(words[1]);
    m.name = words[2];
    m.posix = !m.name.empty() && m.name[0] == '/';
    if (!m.posix && m.name.find_first_not_of("0123456789") != std::string::npos) {
      error = fmt::format("mqueue name '{}' is neither /name (posix) nor a number (sysv key)", m.name);
      return std::nullopt;
    }
    if (words.size() == 4) {
      if (words[3].rfind("label=", 0) != 0) {
        error = fmt::format("expected label=LABEL, found '{}'", words[3]);
        return std::nullopt;
      }
      m.label = words[3].substr(6);
    }
    return m;
  }
  if (op == "change_hat") {
    if (!need(1, "change_hat HAT"))
      return std::nullopt;
    return ChangeHatRequest{words[1]};
  }
  error = fmt::format("unknown operation '{}'", op);
  return std::nullopt;
}

std::string fileMaskString(uint32_t mask) {
  // The kernel's letters by bit (aa_file_perm_chrs); bits without a letter
  // (open, setattr, chmod, ...) are not shown, as in the audit record.
  static constexpr std::pair<uint32_t, char> kLetters[] = {{kExec, 'x'},   {kWrite, 'w'},    {kRead, 'r'},
                                                           {kAppend, 'a'}, {kCreate, 'c'},   {kDelete, 'd'},
                                                           {kLock, 'k'},   {kExecMmap, 'm'}, {kLink, 'l'}};
  std::string out;
  for (auto [bit, c] : kLetters)
    if (mask & bit)
      out += c;
  return out;
}

std::string policyMaskString(const Request &request, uint32_t mask) {
  if (std::holds_alternative<FileRequest>(request) || std::holds_alternative<LinkRequest>(request) ||
      std::holds_alternative<RenameRequest>(request) || std::holds_alternative<ExecRequest>(request) ||
      std::holds_alternative<ChangeProfileRequest>(request) || std::holds_alternative<ChangeHatRequest>(request))
    return fileMaskString(mask);
  std::vector<std::pair<uint32_t, const char *>> names;
  if (std::holds_alternative<NetworkRequest>(request)) {
    names = {{kNetSend, "send"},     {kNetReceive, "receive"}, {kNetCreate, "create"},   {kNetShutdown, "shutdown"},
             {kNetConnect, "connect"}, {kNetSetattr, "setattr"}, {kNetGetattr, "getattr"}, {kNetAccept, "accept"},
             {kNetBind, "bind"},     {kNetListen, "listen"},   {kNetSetopt, "setopt"},   {kNetGetopt, "getopt"}};
  } else if (std::holds_alternative<SignalRequest>(request)) {
    names = {{0x2, "send"}, {0x4, "receive"}};
  } else if (std::holds_alternative<PtraceRequest>(request)) {
    names = {{0x2, "trace"}, {0x4, "read"}, {0x8, "tracedby"}, {0x10, "readby"}};
  } else if (std::holds_alternative<DbusRequest>(request)) {
    names = {{0x2, "send"}, {0x4, "receive"}, {0x20, "eavesdrop"}, {0x40, "bind"}};
  } else if (std::holds_alternative<MountRequest>(request)) {
    names = {{0x1, "pivotroot"}, {0x2, "mount"}, {0x4, "umount"}};
  } else if (std::holds_alternative<UsernsRequest>(request)) {
    names = {{0x8, "create"}};
  } else if (std::holds_alternative<IoUringRequest>(request)) {
    names = {{0x8, "override_creds"}, {0x10, "sqpoll"}};
  } else if (std::holds_alternative<MqueueRequest>(request)) {
    names = {{0x2, "write"},   {0x4, "read"},     {0x10, "create"},  {0x20, "delete"},
             {0x40, "open"},   {0x100, "setattr"}, {0x200, "getattr"}};
  }
  std::string out;
  for (auto [bit, n] : names)
    if (mask & bit) {
      if (!out.empty())
        out.push_back(' ');
      out.append(n);
    }
  return out;
}

} // namespace aasim::simulator

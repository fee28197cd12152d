#include "recorded_trace.h"

#include "kernel_perms.h"
#include "operation_syntax.h"
#include "trace_reader.h"

#include "dfa/network_table.h"
#include "dfa/policy_rules.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace aasim::simulator {

namespace {

using namespace perm;

// The mask a record asks with: the logged request, else the denied mask,
// else `fallback`.
std::string loggedMask(const AuditEvent &r, const char *fallback = "") {
  return r.requestedMask ? *r.requestedMask : r.deniedMask.value_or(fallback);
}

// Named masks ("send receive connect") by the names of `table`.
uint32_t namedMask(const std::string &mask, const std::map<std::string_view, uint32_t> &table) {
  uint32_t m = 0;
  size_t at = 0;
  while (at < mask.size()) {
    size_t end = mask.find(' ', at);
    std::string word = mask.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (auto it = table.find(word); it != table.end())
      m |= it->second;
    if (end == std::string::npos)
      break;
    at = end + 1;
  }
  return m;
}

const std::set<std::string_view> &fileOperations() {
  static const std::set<std::string_view> kOps = {
      "open",     "file_perm", "file_inherit", "file_mmap", "file_mprotect", "file_lock", "file_receive",
      "mkdir",    "rmdir",     "mknod",        "unlink",    "symlink",       "truncate",  "chmod",
      "chown",    "getattr",   "setattr",      "inode_permission", "rename_src", "rename_dest", "create",
      "inode_create", "inode_getattr", "inode_setattr", "inode_mkdir", "inode_rmdir", "inode_unlink",
      "xattr", "sendfile"};
  return kOps;
}

const std::set<std::string_view> &networkOperations() {
  static const std::set<std::string_view> kOps = {
      "socket_create", "create",      "connect",     "bind",        "listen",     "accept", "sendmsg",
      "recvmsg",       "getsockname", "getpeername", "getsockopt", "setsockopt", "shutdown", "socket_shutdown"};
  return kOps;
}

// The request of a network record: its logged mask, else what the
// operation asks.
uint32_t networkMask(const AuditEvent &r) {
  static const std::map<std::string_view, uint32_t> kNames = {
      {"send", kNetSend},       {"receive", kNetReceive}, {"create", kNetCreate},   {"shutdown", kNetShutdown},
      {"connect", kNetConnect}, {"setattr", kNetSetattr}, {"getattr", kNetGetattr}, {"accept", kNetAccept},
      {"bind", kNetBind},       {"listen", kNetListen},   {"setopt", kNetSetopt},   {"getopt", kNetGetopt}};
  if (uint32_t m = namedMask(loggedMask(r), kNames))
    return m;
  static const std::map<std::string_view, uint32_t> kByOp = {
      {"socket_create", kNetCreate}, {"create", kNetCreate},       {"connect", kNetConnect},
      {"bind", kNetBind},            {"listen", kNetListen},       {"accept", kNetAccept},
      {"sendmsg", kNetSend},         {"recvmsg", kNetReceive},     {"getsockname", kNetGetattr},
      {"getpeername", kNetGetattr},  {"getsockopt", kNetGetopt},   {"setsockopt", kNetSetopt},
      {"shutdown", kNetShutdown},    {"socket_shutdown", kNetShutdown}};
  auto it = kByOp.find(*r.operation);
  return it == kByOp.end() ? 0 : it->second;
}

std::optional<unsigned> numberOrName(const std::optional<std::string> &word, bool family) {
  if (!word || word->empty())
    return std::nullopt;
  bool digits = word->find_first_not_of("0123456789") == std::string::npos;
  if (digits)
    return static_cast<unsigned>(std::stoul(*word));
  return family ? dfa::networkFamilyNumber(*word) : dfa::socketTypeNumber(*word);
}

// Mount flags as the kernel logs them ("rw, mand", "ro, nosuid, bind").
uint32_t mountFlagsFromLog(const std::string &flags, bool &ok) {
  std::string list;
  for (char c : flags)
    if (c != ' ')
      list += c;
  std::string error;
  auto words = parseOperation({"mount", "a", "b", "flags=" + list}, error);
  ok = words.has_value();
  return ok ? std::get<MountRequest>(*words).flags : 0;
}

} // namespace

// Old exec qualifiers in masks (`I`, `p`, ...) ask no permission of their own.
uint32_t fileMaskFromLog(const std::string &mask, std::optional<bool> &owner) {
  owner.reset();
  size_t sep = mask.find("::");
  if (sep == std::string::npos)
    return filePermissionLetters(mask);
  std::string_view mine = std::string_view(mask).substr(0, sep), other = std::string_view(mask).substr(sep + 2);
  owner = !mine.empty() || other.empty();
  return filePermissionLetters(*owner ? mine : other);
}

std::optional<TraceEvent> traceEventFromRecord(const AuditEvent &r, std::string &why) {
  if (r.type != AuditEventType::Denied && r.type != AuditEventType::Allowed && r.type != AuditEventType::Audit) {
    why = fmt::format("{} record", eventTypeName(r.type));
    return std::nullopt;
  }
  if (!r.operation || !r.profile) {
    why = "the record names no operation or no profile";
    return std::nullopt;
  }
  TraceEvent e;
  e.kind = TraceEvent::Kind::Request;
  e.line = r.line;
  e.pid = r.pid.value_or(0);
  e.recordedLabel = *r.profile;
  e.recorded = r.type == AuditEventType::Denied ? "DENIED" : r.type == AuditEventType::Allowed ? "ALLOWED" : "AUDIT";
  const std::string &op = *r.operation;
  const std::string cls = r.ruleClass.value_or("");
  auto need = [&](const std::optional<std::string> &field, const char *what) {
    if (!field)
      why = fmt::format("{} record without {}", op, what);
    return field.has_value();
  };
  // The permissions asked: the logged request, else the denied mask.
  std::optional<bool> halfOwner;
  uint32_t mask = 0;
  if (r.requestedMask)
    mask = fileMaskFromLog(*r.requestedMask, halfOwner);
  if (!mask && r.deniedMask)
    mask = fileMaskFromLog(*r.deniedMask, halfOwner);
  bool owner = halfOwner.value_or(!r.fsuid || !r.ouid || *r.fsuid == *r.ouid);

  if (op == "exec") {
    if (!need(r.name, "a name"))
      return std::nullopt;
    e.request = ExecRequest{*r.name, owner, {}};
  } else if (op == "link" || op == "inode_link") {
    if (!need(r.name, "a name") || !need(r.name2, "a target"))
      return std::nullopt;
    e.request = LinkRequest{*r.name, *r.name2, owner};
  } else if (op == "change_hat") {
    if (!need(r.name, "a hat name"))
      return std::nullopt;
    e.request = ChangeHatRequest{*r.name};
  } else if (op == "change_profile" || op == "change_onexec") {
    const std::optional<std::string> &target = r.name2 ? r.name2 : r.name;
    if (!need(target, "a target"))
      return std::nullopt;
    e.request = ChangeProfileRequest{*target, op == "change_onexec"};
  } else if (op == "capable") {
    if (!need(r.name, "a capability name"))
      return std::nullopt;
    auto cap = capabilityByName(*r.name);
    if (!cap) {
      why = fmt::format("unknown capability '{}'", *r.name);
      return std::nullopt;
    }
    e.request = CapabilityRequest{*cap};
  } else if (op == "signal") {
    if (!need(r.signal, "a signal") || !need(r.peer, "a peer"))
      return std::nullopt;
    auto sig = dfa::signalNumber(*r.signal);
    if (!sig) {
      why = fmt::format("unknown signal '{}'", *r.signal);
      return std::nullopt;
    }
    bool receive = loggedMask(r, "send").find("receive") == 0;
    e.request = SignalRequest{*sig, *r.peer, !receive};
  } else if (op == "ptrace") {
    if (!need(r.peer, "a peer"))
      return std::nullopt;
    std::string m = loggedMask(r, "trace");
    bool by = m.find("by") != std::string::npos;
    e.request = PtraceRequest{m.find("trace") != std::string::npos, *r.peer, !by};
  } else if (op == "mount" || op == "umount" || op == "pivotroot") {
    if (!need(r.name, "a name"))
      return std::nullopt;
    MountRequest m;
    m.mountPoint = *r.name;
    if (op == "umount") {
      m.kind = MountRequest::Kind::Umount;
    } else if (op == "pivotroot") {
      m.kind = MountRequest::Kind::PivotRoot;
      m.device = r.srcName.value_or("");
    } else {
      m.device = r.srcName.value_or("");
      m.fsType = r.fsType.value_or("");
      bool ok = true;
      if (r.flags)
        m.flags = mountFlagsFromLog(*r.flags, ok);
      if (!ok) {
        why = fmt::format("unknown mount flags '{}'", *r.flags);
        return std::nullopt;
      }
    }
    e.request = m;
  } else if (op.rfind("dbus_", 0) == 0) {
    static const std::map<std::string_view, uint32_t> kDbus = {
        {"send", 0x2}, {"receive", 0x4}, {"bind", 0x40}, {"eavesdrop", 0x20}};
    DbusRequest d;
    d.bus = r.dbusBus.value_or("");
    d.name = r.name.value_or("");
    d.peer = r.peerProfile.value_or("");
    d.path = r.dbusPath.value_or("");
    d.interface = r.dbusInterface.value_or("");
    d.member = r.dbusMember.value_or("");
    d.mask = namedMask(loggedMask(r), kDbus);
    if (!d.mask) {
      why = fmt::format("{} record without a dbus mask", op);
      return std::nullopt;
    }
    e.request = d;
  } else if (op == "userns_create" || cls == "namespace") {
    e.request = UsernsRequest{};
  } else if (cls == "io_uring" || op == "uring_sqpoll" || op == "uring_override") {
    e.request = IoUringRequest{op == "uring_sqpoll", r.peerProfile.value_or("")};
  } else if (cls == "posix_mqueue" || cls == "sysv_mqueue") {
    static const std::map<std::string_view, uint32_t> kMq = {
        {"read", 0x4}, {"write", 0x2}, {"create", 0x10}, {"delete", 0x20}, {"open", 0x40}, {"setattr", 0x100},
        {"getattr", 0x200}};
    MqueueRequest m;
    m.posix = cls == "posix_mqueue";
    m.name = r.name.value_or("");
    m.mask = namedMask(loggedMask(r), kMq);
    if (!m.mask) {
      why = fmt::format("{} record without a mqueue mask", op);
      return std::nullopt;
    }
    e.request = m;
  } else if ((networkOperations().count(op) && (cls == "net" || r.netFamily)) || (r.netFamily && !r.name)) {
    // A socket, also when a file operation names it (file_inherit and
    // file_perm revalidate an inherited socket with the network check).
    auto family = numberOrName(r.netFamily, true);
    auto type = numberOrName(r.sockType, false);
    if (!family || !type) {
      why = fmt::format("{} record without a known family and socket type", op);
      return std::nullopt;
    }
    uint32_t netMask = networkMask(r);
    if (!netMask)
      netMask = kNetSend | kNetReceive;  // an inherited socket is revalidated for reading and writing
    NetworkRequest n;
    n.operation = op;
    n.family = *family;
    n.type = *type;
    n.mask = netMask;
    if (r.protocol)
      n.protocol = protocolNumber(*r.protocol).value_or(0);
    // The ends as the record names them: addr=/peer_addr=/peer= for unix
    // sockets, laddr= lport= faddr= fport= for inet.
    n.local.address = r.netAddr.value_or(r.localAddr.value_or(""));
    n.peer.address = r.peerAddr.value_or(r.foreignAddr.value_or(""));
    n.peer.label = r.peer.value_or(r.peerProfile.value_or(""));
    if (r.localPort)
      n.local.port = static_cast<unsigned>(*r.localPort);
    if (r.foreignPort)
      n.peer.port = static_cast<unsigned>(*r.foreignPort);
    e.request = std::move(n);
  } else if (fileOperations().count(op) || cls == "file") {
    if (!need(r.name, "a name"))
      return std::nullopt;
    if (!mask) {
      why = fmt::format("{} record without a file mask", op);
      return std::nullopt;
    }
    bool creates = (mask & kCreate) && !(mask & ~kCreate);
    e.request = FileRequest{op, *r.name, mask, creates || owner};
  } else {
    why = fmt::format("operation '{}'{} is not simulated", op, cls.empty() ? "" : " (class " + cls + ")");
    return std::nullopt;
  }
  return e;
}

RecordedTrace readRecordedTrace(std::istream &in) {
  RecordedTrace out;
  TraceReader reader(in, TraceFormat::Audit);
  while (auto item = reader.next()) {
    if (item->problem)
      out.problems.push_back(std::move(*item->problem));
    else
      out.events.push_back(std::move(*item->event));
  }
  out.skipped = reader.skipped();
  return out;
}

} // namespace aasim::simulator

// One mediated request, in the kernel's terms: what a task asks for, by
// rule class. A trace event (recorded or synthetic) becomes one of these;
// the decision (decision.h) answers it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace aasim::simulator {

/// A file access by name: open, mkdir, unlink, chmod, mmap, ... The
/// operation only names the request in output; `mask` is what is checked.
struct FileRequest {
  std::string operation;  // e.g. "open", "mknod", "unlink"
  std::string path;       // as the kernel names it (directories end in /)
  uint32_t mask = 0;      // new-style permission bits (kernel_perms.h)
  bool owner = true;      // fsuid == the object's owner (always for creation)
  // An "open" asking create (O_CREAT) creates the file: the kernel checks
  // the creation (as mknod, `c`) before the open itself.
};

/// Hard link `path` -> `target` (kernel-semantics.md §8.5).
struct LinkRequest {
  std::string path, target;
  bool owner = true;
};

/// Rename (source and destination checks).
struct RenameRequest {
  std::string from, to;
  bool owner = true;
};

/// execve of `path`; the transition is part of the answer.
struct ExecRequest {
  std::string path;
  bool owner = true;
  /// xattrs of the executable that attachments may test (name, value).
  std::vector<std::pair<std::string, std::string>> xattrs;
};

struct CapabilityRequest {
  unsigned cap = 0;  // Linux capability number
};

/// One end of a socket, as far as a trace knows it. Policy for kernels
/// with fine-grained socket mediation (network/af_unix, network_v8/af_inet)
/// decides by these; coarse policy never looks at them.
struct SocketEnd {
  /// unix: "@name" (abstract), "/path" (a socket in the filesystem),
  /// "none" (unnamed); inet: an IPv4 or IPv6 address. Empty: not known.
  std::string address;
  std::optional<unsigned> port;  // inet only
  std::string label;             // the peer's label (peer end only)
};

/// socket() family/type/protocol and the operation's permission.
struct NetworkRequest {
  std::string operation;  // create, connect, bind, listen, accept, sendmsg, ...
  unsigned family = 0, type = 0, protocol = 0;
  uint32_t mask = 0;
  SocketEnd local, peer;
  unsigned backlog = 0;    // listen
  unsigned level = 0, option = 0;  // getopt/setopt: the option's level and name
};

struct SignalRequest {
  unsigned signal = 0;    // AppArmor's number (signalFromLinux; dfa::signalNumber for names)
  std::string peer;       // the other task's label
  bool send = true;       // the sender's check (else the receiver's)
};

struct PtraceRequest {
  bool trace = true;      // PTRACE_MODE_ATTACH (else read)
  std::string peer;
  bool tracer = true;     // this task traces the peer (else it is traced)
};

struct MountRequest {
  enum class Kind : uint8_t { Mount, Umount, PivotRoot } kind = Kind::Mount;
  std::string mountPoint;  // Umount: the path; PivotRoot: the new root
  std::string device;      // PivotRoot: the old root
  std::string fsType;
  uint32_t flags = 0;      // MS_* bits
  std::string data;
};

struct DbusRequest {
  std::string bus, name, peer, path, interface, member;
  uint32_t mask = 0;  // send 0x2, receive 0x4, bind 0x40, eavesdrop 0x20
};

struct ChangeProfileRequest {
  std::string target;
  bool onexec = false;
};

/// change_hat to HAT, a hat of the task's profile (or of its parent when
/// the task is in a hat already).
struct ChangeHatRequest {
  std::string hat;
};

/// Creating a user namespace (kernels with namespaces/mask/userns_create).
struct UsernsRequest {};

/// io_uring: an SQPOLL ring, or using another task's credentials (`label`).
struct IoUringRequest {
  bool sqpoll = false;  // else override_creds
  std::string label;    // override_creds: the credentials' label
};

/// A POSIX (name) or System V (key) message queue operation.
struct MqueueRequest {
  bool posix = true;
  std::string name;   // posix: "/name"; sysv: the key in decimal
  uint32_t mask = 0;  // read 0x4, write 0x2, create 0x10, delete 0x20, open 0x40, setattr 0x100, getattr 0x200
  std::string label;  // the queue's label, when known
};

using Request = std::variant<FileRequest, LinkRequest, RenameRequest, ExecRequest, CapabilityRequest, NetworkRequest,
                             SignalRequest, PtraceRequest, MountRequest, DbusRequest, ChangeProfileRequest,
                             ChangeHatRequest, UsernsRequest, IoUringRequest, MqueueRequest>;

/// The kernel's map_signal_num on x86: 0 ("exists") -> 35, 1..31 as they
/// are, SIGRTMIN+n (34+n) -> 128+n, anything else unknown (0).
unsigned signalFromLinux(unsigned linuxSignal);

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address in network order; nullopt
/// when `text` is neither.
std::optional<std::string> ipAddressBytes(const std::string &text);

/// The rule class name of a request ("file", "capability", ...).
const char *requestClass(const Request &r);

} // namespace aasim::simulator

// network rules: permissions, the family/type words, and the ip=, port=,
// interface= and label= conditionals (local and inside peer=(...)).
// apparmor_parser validates all of this while building the rule, before
// and independently of kernel support, so no feature gating here.
#include "glob_check.h"
#include "sema.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <string_view>

namespace aasim::frontend::sema {

using namespace ast;

namespace {

// Address families the parser has names for: the kernel's AF_* list,
// lowercased. AF_LOCAL (an alias of unix) and AF_MAX are not names.
constexpr std::array<std::string_view, 46> kFamilies = {
    "unspec", "unix", "inet", "ax25", "ipx", "appletalk", "netrom", "bridge", "atmpvc", "x25",
    "inet6", "rose", "decnet", "netbeui", "security", "key", "netlink", "packet", "ash", "econet",
    "atmsvc", "rds", "sna", "irda", "pppox", "wanpipe", "llc", "ib", "mpls", "can",
    "tipc", "bluetooth", "iucv", "rxrpc", "isdn", "phonet", "ieee802154", "caif", "alg", "nfc",
    "vsock", "kcm", "qipcrtr", "smc", "xdp", "mctp"};

// Socket types every family can be combined with.
constexpr std::array<std::string_view, 6> kGenericTypes = {"stream", "dgram", "seqpacket", "rdm", "raw", "packet"};

bool isFamily(std::string_view s) { return std::find(kFamilies.begin(), kFamilies.end(), s) != kFamilies.end(); }
bool isGenericType(std::string_view s) {
  return std::find(kGenericTypes.begin(), kGenericTypes.end(), s) != kGenericTypes.end();
}
bool isInet(std::string_view family) { return family == "inet" || family == "inet6"; }

// Protocol names that also stand for a socket type, per family: tcp and
// udp exist for inet and inet6, icmp only for inet.
bool isProtocolType(std::string_view family, std::string_view type) {
  if (type == "tcp" || type == "udp")
    return isInet(family);
  return type == "icmp" && family == "inet";
}

// A port number the way the parser reads it: strtoul in base 10, the whole
// string consumed, at most 65535. strtoul's own leniency (leading '+',
// "-0") is kept on purpose so the same strings are accepted.
bool parsePortNumber(const std::string &s, unsigned &out) {
  if (s.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  unsigned long v = std::strtoul(s.c_str(), &end, 10);
  if (end == s.c_str() || *end != '\0' || errno == ERANGE || v > 65535)
    return false;
  out = static_cast<unsigned>(v);
  return true;
}

// `P` or `P-Q` with P <= Q; the range is split at the first '-'.
bool validPort(const std::string &s) {
  unsigned from = 0, to = 0;
  if (auto dash = s.find('-'); dash != std::string::npos) {
    if (parsePortNumber(s.substr(0, dash), from) && parsePortNumber(s.substr(dash + 1), to) && from <= to)
      return true;
  }
  return parsePortNumber(s, from);
}

// `none`, or a single IPv6 or IPv4 address (no ranges, no prefixes).
bool validIp(const std::string &s) {
  if (s == "none")
    return true;
  unsigned char buf[16];
  return inet_pton(AF_INET6, s.c_str(), buf) == 1 || inet_pton(AF_INET, s.c_str(), buf) == 1;
}

/// One side (local or peer) of a network rule's conditionals.
struct IpConds {
  std::optional<std::string> ip, port, iface, label;
  bool hasAddress() const { return ip || port; }  // only ip/port restrict the family
};

// `label:=` (set the label) is accepted like `label=`; the lexer may hand
// the name over with the colon attached.
bool isLabelName(const std::string &n) { return n == "label" || n == "label:"; }

bool collect(const std::vector<Cond> &conds, IpConds &side, Context &cx) {
  for (const auto &c : conds) {
    const std::string &name = c.name.text;
    if (c.op != Cond::Op::Equals || c.values.empty()) {
      cx.error(c.name.loc, isLabelName(name) ? "unsupported operator in label conditional of network rules"
                                             : "unsupported operator used in conditions of network rules");
      return false;
    }
    // Only the first value of a list is used, like the parser does.
    const std::string &value = c.values.front().text;
    std::optional<std::string> *slot = nullptr;
    if (isLabelName(name))
      slot = &side.label;
    else if (name == "ip")
      slot = &side.ip;
    else if (name == "port")
      slot = &side.port;
    else if (name == "interface")
      slot = &side.iface;
    else {
      cx.error(c.name.loc, fmt::format("invalid network rule conditional \"{}\"", name));
      return false;
    }
    if (*slot) {
      cx.error(c.name.loc, fmt::format("network conditional \"{}\" can only be specified once", name));
      return false;
    }
    *slot = value;
    // Values are used verbatim: network rules do no variable expansion.
    if (name == "ip" && !validIp(value)) {
      cx.error(c.values.front().loc, fmt::format("network invalid ip='{}'", value));
      return false;
    }
    if (name == "port" && !validPort(value)) {
      cx.error(c.values.front().loc, fmt::format("network invalid port='{}'", value));
      return false;
    }
    if (name == "interface" && checkGlob(value)) {
      cx.error(c.values.front().loc, fmt::format("network invalid interface='{}'", value));
      return false;
    }
  }
  return true;
}

// Whether the family/type words name at least one entry of the parser's
// network table. With ip/port conditionals only inet and inet6 qualify.
bool checkFamilyType(const ClassRule &r, bool hasAddress, Context &cx) {
  if (r.ids.empty())
    return true;
  const std::string &first = r.ids[0].text;
  if (r.ids.size() == 1) {
    if (isFamily(first)) {
      if (hasAddress && !isInet(first)) {
        cx.error(r.ids[0].loc, "network family does not support local or peer conditionals");
        return false;
      }
      return true;
    }
    // A lone type or protocol stands for it in every family.
    if (isGenericType(first) || isProtocolType("inet", first))
      return true;
  } else {
    const std::string &second = r.ids[1].text;
    if (isFamily(first) && (isGenericType(second) || isProtocolType(first, second))) {
      if (hasAddress && !isInet(first)) {
        cx.error(r.ids[0].loc, "network family does not support local or peer conditionals");
        return false;
      }
      return true;
    }
  }
  cx.error(r.ids[0].loc, "Invalid network entry.");
  return false;
}

constexpr uint32_t kNetSend = 0x2, kNetReceive = 0x4, kNetCreate = 0x10, kNetShutdown = 0x20, kNetConnect = 0x40;
constexpr uint32_t kNetSetattr = 0x100, kNetGetattr = 0x200;
constexpr uint32_t kNetAccept = 0x100000, kNetBind = 0x200000, kNetListen = 0x400000;
constexpr uint32_t kNetSetopt = 0x1000000, kNetGetopt = 0x2000000;
// The accesses that make sense towards a peer; the rest are local only.
constexpr uint32_t kPeerSocketPerms = kNetSend | kNetReceive | kNetConnect | kNetAccept;

} // namespace

// Shared with unix.cpp (which declares it itself, sema.h being shared):
// the permission words of a network or unix rule as the parser's net
// permission bits; nullopt after reporting a bad mode character.
std::optional<uint32_t> parseSocketPerms(const ClassRule &r, Context &cx);

std::optional<uint32_t> parseSocketPerms(const ClassRule &r, Context &cx) {
  struct Named {
    std::string_view name;
    uint32_t bits;
  };
  static constexpr std::array<Named, 14> kNamed = {{{"create", kNetCreate},
                                                    {"bind", kNetBind},
                                                    {"listen", kNetListen},
                                                    {"accept", kNetAccept},
                                                    {"connect", kNetConnect},
                                                    {"shutdown", kNetShutdown},
                                                    {"getattr", kNetGetattr},
                                                    {"setattr", kNetSetattr},
                                                    {"getopt", kNetGetopt},
                                                    {"setopt", kNetSetopt},
                                                    {"send", kNetSend},
                                                    {"write", kNetSend},
                                                    {"receive", kNetReceive},
                                                    {"read", kNetReceive}}};
  uint32_t perms = 0;
  for (const auto &p : r.perms) {
    const std::string &t = p.word.text;
    auto named = std::find_if(kNamed.begin(), kNamed.end(), [&](const Named &n) { return n.name == t; });
    if (!p.isMode && named != kNamed.end()) {
      perms |= named->bits;
      continue;
    }
    // Anything else is a mode string: only r (receive) and w (send), any case.
    auto letters = parseRwLetters(p.word, p.isMode ? "unix" : "net", cx);
    if (!letters)
      return std::nullopt;
    perms |= (letters->read ? kNetReceive : 0u) | (letters->write ? kNetSend : 0u);
  }
  return perms;
}

void checkNetwork(const ClassRule &r, Context &cx) {
  // Network rules have no priority support; an explicit 0 is the default.
  if (r.prefix.priority && *r.prefix.priority != 0)
    return cx.error(r.prefix.loc, "priority prefix not allowed on network rules");
  if (r.prefix.owner != OwnerQual::Unspecified)
    return rejectOwnerPrefix(r, cx);

  auto perms = parseSocketPerms(r, cx);
  if (!perms)
    return;

  IpConds local, peer;
  if (!collect(r.conds, local, cx))
    return;
  if (r.condList && !collect(r.condList->conds, peer, cx))
    return;
  if (peer.iface)
    return cx.error(r.condList->name.loc, "interface cannot be set for peer in network rules");

  if (!checkFamilyType(r, local.hasAddress() || peer.hasAddress(), cx))
    return;

  // No permissions means all of them, which is never checked against peer.
  if (*perms && (*perms & ~kPeerSocketPerms) && peer.hasAddress())
    cx.error(r.loc, "network 'create', 'shutdown', 'setattr', 'getattr', 'bind', 'listen', 'setopt', and/or "
                    "'getopt' accesses cannot be used with peer socket conditionals");
}

} // namespace aasim::frontend::sema

// unix rules: permissions and the type=, protocol=, addr= and label=
// conditionals. Which conditional may appear on which side (local or
// peer=(...)) is fixed; values are checked as written, and addr/label
// are additionally checked as globs once variables are expanded, but only
// where the parser compiles them (kernel unix support, permissions that
// use them).
#include "glob_check.h"
#include "sema.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace aasim::frontend::sema {

using namespace ast;

// Defined in network.cpp: the permission words as the parser's net bits.
std::optional<uint32_t> parseSocketPerms(const ClassRule &r, Context &cx);

namespace {

// The bits of parseSocketPerms this file needs.
constexpr uint32_t kSend = 0x2, kReceive = 0x4, kCreate = 0x10, kConnect = 0x40;
constexpr uint32_t kAccept = 0x100000, kBind = 0x200000;
constexpr uint32_t kPeerPerms = kSend | kReceive | kConnect | kAccept;
constexpr uint32_t kAllPerms = 0x2 | 0x4 | 0x10 | 0x20 | 0x40 | 0x100 | 0x200 | 0x100000 | 0x200000 | 0x400000 |
                               0x1000000 | 0x2000000;
constexpr uint32_t kLocalPerms = kAllPerms & ~(kSend | kReceive | kConnect);

// Socket type names the parser maps to a number ("none" is type 0).
constexpr std::array<std::string_view, 8> kSockTypes = {"none", "stream", "dgram",     "raw",
                                                        "rdm",  "seqpacket", "dccp", "packet"};

enum class Side { Local, Peer };

/// The conditionals of one side, as written (Words keep their locations
/// for the later glob check).
struct UnixConds {
  std::optional<Word> addr, label, type;
};

bool validAddr(const std::string &a) { return (!a.empty() && a[0] == '@') || a == "none" || a == "auto"; }

bool collect(const std::vector<Cond> &conds, Side side, UnixConds &out, Context &cx) {
  const bool peer = side == Side::Peer;
  for (const auto &c : conds) {
    const std::string &name = c.name.text;
    // Where each known conditional may appear.
    bool known = name == "addr" || name == "type" || name == "protocol" || name == "label";
    if (!known) {
      cx.error(c.name.loc, fmt::format("unix rule: invalid {}conditional '{}'", peer ? "peer " : "", name));
      return false;
    }
    if (name == "protocol") {
      cx.error(c.name.loc, "unix rule: 'protocol' conditional is not currently supported");
      return false;
    }
    if (name == "label" && !peer) {
      cx.error(c.name.loc, "unix rule: 'label' conditional is only valid in the peer expression");
      return false;
    }
    if (name == "type" && peer) {
      cx.error(c.name.loc, "unix rule: 'type' conditional is not allowed in the peer expression");
      return false;
    }
    if (c.op != Cond::Op::Equals || c.values.empty()) {
      cx.error(c.name.loc, fmt::format("unix rule: keyword 'in' is not allowed in '{}' socket conditional", name));
      return false;
    }
    if (c.values.size() > 1) {
      cx.error(c.name.loc, fmt::format("unix rule: conditional '{}' only supports a single value", name));
      return false;
    }
    const Word &value = c.values.front();
    std::optional<Word> &slot = name == "addr" ? out.addr : name == "type" ? out.type : out.label;
    if (slot) {
      cx.error(c.name.loc, fmt::format("unix conditional \"{}\" can only be specified once", name));
      return false;
    }
    slot = value;
    if (name == "addr" && !validAddr(value.text)) {
      cx.error(value.loc, fmt::format("unix rule: invalid value for addr='{}'", value.text));
      return false;
    }
    if (name == "type" && std::find(kSockTypes.begin(), kSockTypes.end(), value.text) == kSockTypes.end()) {
      cx.error(value.loc, fmt::format("socket rule: invalid socket type '{}'", value.text));
      return false;
    }
  }
  return true;
}

// Expands a word and checks it as a glob; `skip` leading characters are
// not part of the pattern (the '@' of an abstract address).
bool checkPattern(const Word &w, size_t skip, Context &cx) {
  auto expanded = cx.expand(w);
  if (!expanded)
    return false;
  if (expanded->size() >= skip) {
    if (auto err = checkGlob(expanded->substr(skip))) {
      cx.error(w.loc, *err);
      return false;
    }
  }
  return true;
}

// An address is compiled only when it is abstract (`@...`); none and auto
// are fixed encodings.
bool checkAddrPattern(const std::optional<Word> &addr, Context &cx) {
  if (!addr)
    return true;
  auto expanded = cx.expand(*addr);
  if (!expanded)
    return false;
  if (*expanded == "none" || *expanded == "auto")
    return true;
  return checkPattern(*addr, 1, cx);
}

} // namespace

void checkUnix(const ClassRule &r, Context &cx) {
  rejectOwnerPrefix(r, cx);
  if (r.prefix.owner != OwnerQual::Unspecified)
    return;

  auto perms = parseSocketPerms(r, cx);
  if (!perms)
    return;

  UnixConds local, peer;
  if (!collect(r.conds, Side::Local, local, cx))
    return;
  if (r.condList && !collect(r.condList->conds, Side::Peer, peer, cx))
    return;
  const bool hasPeer = peer.addr || peer.label;

  if (*perms && (*perms & ~kPeerPerms) && hasPeer)
    return cx.error(r.loc, "unix socket 'create', 'shutdown', 'setattr', 'getattr', 'bind', 'listen', 'setopt', "
                           "and/or 'getopt' accesses cannot be used with peer socket conditionals");

  // Variables in addr/label are expanded whether or not the rule is
  // compiled, so undefined ones are always an error.
  for (const auto *w : {&local.addr, &peer.addr, &peer.label})
    if (*w && !cx.expand(**w))
      return;

  // Without kernel unix mediation the rule is downgraded to a plain
  // `network unix` rule and the patterns are never compiled.
  if (!cx.features().has("network/af_unix") && !cx.features().has("network_v9/af_unix"))
    return;

  // Follow which parts of the rule are compiled: create alone (without a
  // peer) and bind on an automatic address need no local address pattern.
  uint32_t mask = *perms ? *perms : kAllPerms;
  if ((mask & kCreate) && !hasPeer)
    mask &= ~kCreate;
  if ((mask & kBind) && local.addr && local.addr->text == "auto")
    mask &= ~kBind;
  if (mask && !checkAddrPattern(local.addr, cx))
    return;
  mask &= ~kLocalPerms | kAccept;
  if (mask & kPeerPerms) {
    if (!checkAddrPattern(peer.addr, cx))
      return;
    if (peer.label)
      checkPattern(*peer.label, 0, cx);
  }
}

} // namespace aasim::frontend::sema

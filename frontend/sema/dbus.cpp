// dbus rules: permission words, the bus/name/path/interface/member
// conditionals (subject side and peer=(...)), and which accesses may be
// combined with which conditionals, as apparmor_parser's dbus_rule checks.
#include "glob_check.h"
#include "sema.h"

#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <string>

namespace aasim::frontend::sema {

using namespace ast;

namespace {

// Bit values only need to be distinct here; they name the four accesses.
enum DbusPerm : unsigned {
  kSend = 1u << 0,
  kReceive = 1u << 1,
  kBind = 1u << 2,
  kEavesdrop = 1u << 3,
};

// A mode string ("rw") or an unrecognised list word is read letter by
// letter: r is receive, w is send (upper case only warns upstream); any
// other letter is an error.
std::optional<unsigned> modeLetters(const Word &w, Context &cx) {
  auto letters = parseRwLetters(w, "DBus", cx);
  if (!letters)
    return std::nullopt;
  return (letters->read ? kReceive : 0u) | (letters->write ? kSend : 0u);
}

std::optional<unsigned> permBits(const PermWord &p, Context &cx) {
  const std::string &t = p.word.text;
  if (!p.isMode) {
    if (t == "bind")
      return kBind;
    if (t == "send" || t == "write")
      return kSend;
    if (t == "receive" || t == "read")
      return kReceive;
    if (t == "eavesdrop")
      return kEavesdrop;
  }
  return modeLetters(p.word, cx);
}

// The conditionals of one rule; each may be given once, on either side.
struct DbusConds {
  std::optional<Word> bus, name, label, path, interface, member;
};

// Records one conditional; false after reporting an error.
bool takeCond(const Cond &c, DbusConds &out, Context &cx) {
  if (c.op != Cond::Op::Equals) {
    cx.error(c.name.loc, "keyword \"in\" is not allowed in dbus rules");
    return false;
  }
  if (c.values.size() != 1) {
    cx.error(c.name.loc, fmt::format("dbus conditional \"{}\" only supports a single value", c.name.text));
    return false;
  }
  const std::string &n = c.name.text;
  std::optional<Word> *slot = nullptr;
  if (n == "bus")
    slot = &out.bus;
  else if (n == "name")
    slot = &out.name;
  else if (n == "label")
    slot = &out.label;
  else if (n == "path")
    slot = &out.path;
  else if (n == "interface")
    slot = &out.interface;
  else if (n == "member")
    slot = &out.member;
  else {
    cx.error(c.name.loc, fmt::format("invalid dbus conditional \"{}\"", n));
    return false;
  }
  if (*slot) {
    cx.error(c.name.loc, fmt::format("dbus conditional \"{}\" can only be specified once", n));
    return false;
  }
  *slot = c.values.front();
  return true;
}

// Expands a conditional value; the result is turned into a regex only when
// the kernel mediates dbus, so only then is glob syntax an error.
bool checkValue(const std::optional<Word> &w, Context &cx) {
  if (!w)
    return true;
  auto text = cx.expand(*w);
  if (!text)
    return false;
  if (cx.features().has("dbus")) {
    if (auto err = checkGlob(*text)) {
      cx.error(w->loc, *err);
      return false;
    }
  }
  return true;
}

} // namespace

void checkDbus(const ClassRule &r, Context &cx) {
  rejectOwnerPrefix(r, cx);

  unsigned perms = 0;
  for (const auto &p : r.perms) {
    auto bits = permBits(p, cx);
    if (!bits)
      return;
    perms |= *bits;
  }

  DbusConds conds;
  for (const auto &c : r.conds)
    if (!takeCond(c, conds, cx))
      return;
  // label names the peer, so it is only meaningful inside peer=(...).
  if (conds.label)
    return cx.error(conds.label->loc,
                    "dbus \"label\" conditional can only be used inside of the \"peer=()\" grouping");
  bool nameIsSubject = conds.name.has_value();
  if (r.condList)
    for (const auto &c : r.condList->conds)
      if (!takeCond(c, conds, cx))
        return;

  // A subject name describes a service (bind); everything else describes
  // messages (send/receive). One rule cannot be both.
  bool messageRule = conds.path || conds.interface || conds.member || conds.label || (conds.name && !nameIsSubject);
  bool serviceRule = conds.name && nameIsSubject;
  if (messageRule && serviceRule)
    return cx.error(r.loc, "dbus rule contains message conditionals and service conditionals");
  if (perms) {
    if (messageRule && (perms & kBind))
      return cx.error(r.loc, "dbus \"bind\" access cannot be used with message rule conditionals");
    if (serviceRule && (perms & (kSend | kReceive)))
      return cx.error(r.loc,
                      "dbus \"send\" and/or \"receive\" accesses cannot be used with service rule conditionals");
    if ((perms & kEavesdrop) && (conds.path || conds.interface || conds.member || conds.label || conds.name))
      return cx.error(r.loc, "dbus \"eavesdrop\" access can only contain a bus conditional");
  }

  for (const auto *w : {&conds.bus, &conds.name, &conds.label, &conds.path, &conds.interface, &conds.member})
    if (!checkValue(*w, cx))
      return;
}

} // namespace aasim::frontend::sema

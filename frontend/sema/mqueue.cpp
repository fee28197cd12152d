// mqueue rules: permissions, type=posix|sysv, label= and the queue name,
// which must agree with the type (posix names start with '/', sysv keys
// are decimal numbers), as apparmor_parser's mqueue_rule checks.
#include "glob_check.h"
#include "sema.h"

#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <string>

namespace aasim::frontend::sema {

using namespace ast;

namespace {

enum class QueueType { Unspecified, Posix, Sysv };

constexpr const char *kPosixFeature = "ipc/posix_mqueue";
constexpr const char *kSysvFeature = "ipc/sysv_mqueue";

bool isKnownPerm(const std::string &t) {
  return t == "create" || t == "open" || t == "delete" || t == "getattr" || t == "setattr" || t == "write" ||
         t == "read";
}

// Mode strings and unrecognised list words: r and w only (any case). All
// mqueue permissions are valid for both queue types, so nothing else can
// be wrong with the permissions.
bool checkPerm(const PermWord &p, Context &cx) {
  if (!p.isMode && isKnownPerm(p.word.text))
    return true;
  return parseRwLetters(p.word, "mqueue", cx).has_value();
}

bool allDigits(const std::string &s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
  return true;
}

bool checkGlobIf(bool converted, const Word &w, const std::string &text, Context &cx) {
  if (!converted)
    return true;
  if (auto err = checkGlob(text)) {
    cx.error(w.loc, *err);
    return false;
  }
  return true;
}

} // namespace

void checkMqueue(const ClassRule &r, Context &cx) {
  rejectOwnerPrefix(r, cx);
  for (const auto &p : r.perms)
    if (!checkPerm(p, cx))
      return;

  QueueType type = QueueType::Unspecified;
  std::optional<Word> label;
  // apparmor_parser keeps conditionals in reverse order, so with repeated
  // type= the first one written is the one that sticks.
  for (auto it = r.conds.rbegin(); it != r.conds.rend(); ++it) {
    const Cond &c = *it;
    if (c.op != Cond::Op::Equals)
      return cx.error(c.name.loc, "keyword \"in\" is not allowed in mqueue rules");
    if (c.values.empty())
      return cx.error(c.name.loc, fmt::format("mqueue conditional \"{}\" needs a value", c.name.text));
    if (c.name.text == "label") {
      if (label)
        return cx.error(c.name.loc, "mqueue conditional \"label\" can only be specified once");
      label = c.values.front();  // extra list values are ignored
    } else if (c.name.text == "type") {
      const std::string &v = c.values.front().text;
      if (v == "posix")
        type = QueueType::Posix;
      else if (v == "sysv")
        type = QueueType::Sysv;
      else
        return cx.error(c.values.front().loc, fmt::format("mqueue invalid type='{}'", v));
    } else {
      return cx.error(c.name.loc, fmt::format("invalid mqueue rule conditional \"{}\"", c.name.text));
    }
  }

  // The name is checked as written, before variable expansion, and
  // implies the queue type.
  const Word *name = r.ids.empty() ? nullptr : &r.ids.front();
  if (name) {
    const std::string &q = name->text;
    if (!q.empty() && q[0] == '/') {
      if (type == QueueType::Sysv)
        return cx.error(name->loc, fmt::format("mqueue type=sysv invalid name '{}', sysv message queues must be "
                                               "identified by a positive integer.",
                                               q));
      type = QueueType::Posix;
    } else if (allDigits(q)) {
      if (type == QueueType::Posix)
        return cx.error(name->loc, fmt::format("mqueue type=posix invalid name '{}', posix message queues names "
                                               "must begin with a /",
                                               q));
      type = QueueType::Sysv;
    } else {
      return cx.error(name->loc, fmt::format("mqueue invalid name '{}', message queue names must begin with a / or "
                                             "be a positive integer.",
                                             q));
    }
  }

  std::optional<std::string> nameText, labelText;
  if (name && !(nameText = cx.expand(*name)))
    return;
  if (label && !(labelText = cx.expand(*label)))
    return;

  // Regexes are built only for queue types the kernel mediates; a sysv
  // key is encoded as bytes, never as a regex.
  bool posix = cx.features().has(kPosixFeature);
  bool sysv = cx.features().has(kSysvFeature);
  bool enforced = type == QueueType::Posix ? posix : type == QueueType::Sysv ? sysv : (posix || sysv);
  if (name && !checkGlobIf(enforced && type == QueueType::Posix, *name, *nameText, cx))
    return;
  if (label)
    checkGlobIf(enforced, *label, *labelText, cx);
}

} // namespace aasim::frontend::sema

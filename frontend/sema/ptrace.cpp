// ptrace rules: trace/read/tracedby/readby permissions and a single peer=
// label, as apparmor_parser's ptrace_rule checks.
#include "glob_check.h"
#include "sema.h"

#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <string>

namespace aasim::frontend::sema {

using namespace ast;

namespace {


bool checkPerm(const PermWord &p, Context &cx) {
  const std::string &t = p.word.text;
  if (!p.isMode && (t == "trace" || t == "write" || t == "read" || t == "tracedby" || t == "readby"))
    return true;
  return parseRwLetters(p.word, "ptrace", cx).has_value();
}

} // namespace

void checkPtrace(const ClassRule &r, Context &cx) {
  rejectOwnerPrefix(r, cx);
  for (const auto &p : r.perms)
    if (!checkPerm(p, cx))
      return;

  std::optional<Word> peer;
  for (const auto &c : r.conds) {
    if (c.op != Cond::Op::Equals)
      return cx.error(c.name.loc, "keyword \"in\" is not allowed in ptrace rules");
    if (c.name.text != "peer")
      return cx.error(c.name.loc, fmt::format("invalid ptrace rule conditional \"{}\"", c.name.text));
    if (peer)
      return cx.error(c.name.loc, "ptrace conditional \"peer\" can only be specified once");
    // Only the first value of a list is used; the rest are ignored.
    if (!c.values.empty())
      peer = c.values.front();
  }

  if (peer) {
    auto label = cx.expand(*peer);
    if (!label)
      return;
    // The label becomes a regex only when the kernel mediates ptrace.
    if (cx.features().has("ptrace"))
      if (auto err = checkGlob(*label))
        return cx.error(peer->loc, *err);
  }
}

} // namespace aasim::frontend::sema

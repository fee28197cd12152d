// signal rules: send/receive permissions, the set=(...) signal names and
// a single peer= label, as apparmor_parser's signal_rule checks.
#include "glob_check.h"
#include "sema.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace aasim::frontend::sema {

using namespace ast;

namespace {

// Every name the parser maps to a signal number ("stp" and "poll" are
// older aliases it still accepts).
constexpr std::array<std::string_view, 35> kSignalNames = {
    "hup",  "int",  "quit", "ill",  "trap", "abrt", "bus",  "fpe",    "kill", "usr1", "segv",   "usr2",
    "pipe", "alrm", "term", "stkflt", "chld", "cont", "stop", "stp",  "tstp", "ttin", "ttou",   "urg",
    "xcpu", "xfsz", "vtalrm", "prof", "winch", "io",  "poll", "pwr",  "sys",  "emt",  "exists"};

// Real-time signals above rtmin: the parser reads the number with
// strtoul and only rejects values above 32, so "rtmin+" alone or with
// trailing junk is accepted; strtoul is used here to match that exactly.
constexpr unsigned long kMaxRtOffset = 32;

bool isSignalName(const std::string &s) {
  if (s.rfind("rtmin+", 0) == 0) {
    char *end = nullptr;
    unsigned long n = std::strtoul(s.c_str() + 6, &end, 10);
    return n <= kMaxRtOffset;
  }
  for (auto name : kSignalNames)
    if (s == name)
      return true;
  return false;
}


bool checkPerm(const PermWord &p, Context &cx) {
  const std::string &t = p.word.text;
  if (!p.isMode && (t == "send" || t == "write" || t == "receive" || t == "read"))
    return true;
  return parseRwLetters(p.word, "signal", cx).has_value();
}

} // namespace

void checkSignal(const ClassRule &r, Context &cx) {
  rejectOwnerPrefix(r, cx);
  for (const auto &p : r.perms)
    if (!checkPerm(p, cx))
      return;

  std::optional<Word> peer;
  for (const auto &c : r.conds) {
    if (c.op != Cond::Op::Equals)
      return cx.error(c.name.loc, "keyword \"in\" is not allowed in signal rules");
    if (c.name.text == "set") {
      // set= may repeat; each value must name a signal.
      for (const auto &v : c.values)
        if (!isSignalName(v.text))
          return cx.error(v.loc, fmt::format("unknown signal \"{}\"", v.text));
    } else if (c.name.text == "peer") {
      if (peer)
        return cx.error(c.name.loc, "signal conditional \"peer\" can only be specified once");
      // Only the first value of a list is used; the rest are ignored.
      if (!c.values.empty())
        peer = c.values.front();
    } else {
      return cx.error(c.name.loc, fmt::format("invalid signal rule conditional \"{}\"", c.name.text));
    }
  }

  if (peer) {
    auto label = cx.expand(*peer);
    if (!label)
      return;
    // The label becomes a regex only when the kernel mediates signals.
    if (cx.features().has("signal"))
      if (auto err = checkGlob(*label))
        return cx.error(peer->loc, *err);
  }
}

} // namespace aasim::frontend::sema

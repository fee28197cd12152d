// io_uring rules: sqpoll/override_creds and a single label=, which may
// be given directly or inside a conditional group, as apparmor_parser's
// io_uring_rule checks.
#include "glob_check.h"
#include "sema.h"

#include <fmt/format.h>

#include <optional>

namespace aasim::frontend::sema {

using namespace ast;

namespace {

// Records a label= conditional; false after reporting an error.
bool takeCond(const Cond &c, std::optional<Word> &label, Context &cx) {
  if (c.op != Cond::Op::Equals) {
    cx.error(c.name.loc, "only \"=\" allowed in conditions of io_uring rules");
    return false;
  }
  if (c.values.size() != 1) {
    cx.error(c.name.loc, fmt::format("io_uring conditional \"{}\" only supports a single value", c.name.text));
    return false;
  }
  if (c.name.text != "label") {
    cx.error(c.name.loc, fmt::format("invalid io_uring conditional \"{}\"", c.name.text));
    return false;
  }
  if (label) {
    cx.error(c.name.loc, "io_uring conditional \"label\" can only be specified once");
    return false;
  }
  label = c.values.front();
  return true;
}

} // namespace

void checkIoUring(const ClassRule &r, Context &cx) {
  rejectOwnerPrefix(r, cx);
  // Permission words other than sqpoll/override_creds are ignored by the
  // parser (they add no permission), so there is nothing to check there.

  std::optional<Word> label;
  for (const auto &c : r.conds)
    if (!takeCond(c, label, cx))
      return;
  // The group's name is not checked; only its conditionals are.
  if (r.condList)
    for (const auto &c : r.condList->conds)
      if (!takeCond(c, label, cx))
        return;

  // apparmor_parser does not expand variables in the label; it turns the
  // text as written into a regex, and only when io_uring is mediated.
  if (label && cx.features().has("io_uring"))
    if (auto err = checkGlob(label->text))
      cx.error(label->loc, *err);
}

} // namespace aasim::frontend::sema

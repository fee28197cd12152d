// userns rules: the only permission is create, and no conditionals are
// accepted, as apparmor_parser's userns_rule checks.
#include "sema.h"

#include <fmt/format.h>

namespace aasim::frontend::sema {

using namespace ast;

void checkUserns(const ClassRule &r, Context &cx) {
  rejectOwnerPrefix(r, cx);
  // The only permission is create (parser-tests namespaces/bad_userns_02:
  // `userns (read create)` is rejected).
  for (const auto &p : r.perms)
    if (p.word.text != "create")
      return cx.error(p.word.loc, fmt::format("invalid userns permission '{}'", p.word.text));
  if (r.conds.empty())
    return;
  const Cond &c = r.conds.front();
  if (c.op != Cond::Op::Equals)
    return cx.error(c.name.loc, "only \"=\" allowed in conditions of userns rules");
  cx.error(c.name.loc, fmt::format("invalid userns rule conditional \"{}\"", c.name.text));
}

} // namespace aasim::frontend::sema

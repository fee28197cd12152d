// userns rules. TODO(sema): class-specific validation.
#include "sema.h"

namespace aasim::frontend::sema {

void checkUserns(const ast::ClassRule &r, Context &cx) {
  rejectOwnerPrefix(r, cx);
  for (const auto &w : r.ids)
    cx.expand(w);
}

} // namespace aasim::frontend::sema

// apparmor_parser stops at the first error it meets. Inside the frontend we
// unwind to the public entry point with this type; no exception ever leaves
// the library: the entry point turns it into a Diagnostic value.
#pragma once

#include "source_manager.h"

#include <string>

namespace aasim::frontend {

struct FatalError {
  SourceLoc loc;
  std::string message;
};

[[noreturn]] inline void fail(SourceLoc loc, std::string message) { throw FatalError{loc, std::move(message)}; }

} // namespace aasim::frontend

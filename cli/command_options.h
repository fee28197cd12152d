// What every command that reads policy takes from the command line: the
// frontend's options (-I, -b, -M, --language, warnings), the compiler's,
// -q, and how decisions are made (--audit-mode).
#pragma once

#include "dfa/policy_compiler.h"
#include "frontend/frontend.h"
#include "simulator/decision.h"

namespace aasim::cli {

struct CommandOptions {
  frontend::FrontendOptions frontend;
  dfa::CompileOptions compile;
  bool quiet = false;  // no warnings on stderr (test: failures only)
  simulator::DecideOptions decide;
};

} // namespace aasim::cli

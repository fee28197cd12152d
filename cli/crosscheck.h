// `aasim crosscheck`: compile a policy file with aasim and with the
// installed apparmor_parser, then prove each profile's file automaton
// equal to the parser's (or show a shortest path where they differ).
#pragma once

#include "dfa/policy_compiler.h"
#include "frontend/frontend.h"

#include <string>

namespace aasim::cli {

struct CrosscheckOptions {
  frontend::FrontendOptions frontend;
  dfa::CompileOptions compile;
  std::string parser = "apparmor_parser";
};

/// Exit status: 0 all equal, 1 some difference or a rejected policy, 2 when
/// the oracle cannot be run or its output cannot be read.
int crosscheck(const std::string &file, const CrosscheckOptions &options);

} // namespace aasim::cli

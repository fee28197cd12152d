// libFuzzer harness for the frontend: any byte string is a policy file.
// Invariant: the frontend returns (accept or a located error); never a crash,
// hang or sanitizer report.
#include "frontend/frontend.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  aasim::frontend::FrontendOptions opts;
  opts.paths.baseDir = "/nonexistent-aasim-fuzz-base";
  auto fe = aasim::frontend::Frontend::create(opts, error);
  auto f = fe->load("fuzz.sd", std::string(reinterpret_cast<const char *>(data), size));
  if (!f.accepted && f.firstDiagnostic == f.endDiagnostic)
    std::abort();  // a rejection must always say why
  return 0;
}

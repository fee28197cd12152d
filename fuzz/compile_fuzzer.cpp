// libFuzzer harness for the whole compiler: any byte string is a policy
// file, compiled as `aasim compile -S -M FEATURES` does (records and
// automata) with a small state limit. Invariants: never a crash, hang or
// sanitizer report; a rejection says why; and every policy aasim writes is
// read back by aasim's own reader, with the kernel's table checks.
#include "dfa/policy_blob.h"
#include "dfa/policy_compiler.h"
#include "dfa/policy_records.h"
#include "dfa/policy_writer.h"
#include "frontend/frontend.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

// A feature set with every class the 3.0.8 encodings know, so that every
// lowering runs (the fuzzer cannot rely on a corpus directory).
constexpr const char *kFeatures =
    "caps {mask {chown dac_override kill setuid sys_admin\n}\n}\n"
    "domain {change_profile {yes\n}\nstack {yes\n}\n}\n"
    "policy {versions {v7 {yes\n}\n}\n}\n"
    "network {af_mask {unix inet inet6\n}\n}\nnetwork_v8 {af_mask {unix inet inet6\n}\n}\n"
    "signal {mask {hup int quit\n}\n}\nptrace {mask {read trace\n}\n}\n"
    "dbus {mask {acquire send receive\n}\n}\nmount {mask {mount umount pivot_root\n}\n}\n";

std::string featuresFile() {
  static const std::string path = [] {
    std::string p = "/tmp/aasim-compile-fuzzer-features";
    if (FILE *f = std::fopen(p.c_str(), "w")) {
      std::fputs(kFeatures, f);
      std::fclose(f);
    }
    return p;
  }();
  return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  aasim::frontend::FrontendOptions opts;
  opts.paths.baseDir = "/nonexistent-aasim-fuzz-base";
  opts.featuresFile = featuresFile();
  auto fe = aasim::frontend::Frontend::create(opts, error);
  if (!fe)
    std::abort();  // the fixed feature set must load
  auto f = fe->load("fuzz.sd", std::string(reinterpret_cast<const char *>(data), size));
  if (!f.accepted) {
    if (f.firstDiagnostic == f.endDiagnostic)
      std::abort();  // a rejection must always say why
    return 0;
  }
  aasim::dfa::CompileOptions o;
  o.stateLimit = 20000;  // bounded work per input
  o.records = true;
  o.features = aasim::dfa::PolicyFeatures::from(fe->features());
  o.recordFeatures = aasim::dfa::RecordFeatures::from(fe->features());
  o.kernelStacks = true;
  aasim::frontend::Diagnostics diags;
  auto compiled = aasim::dfa::compilePolicy(*f.policy, f.vars, diags, o);
  auto records = aasim::dfa::policyRecords(compiled);
  if (records.empty())
    return 0;  // no profile: nothing is written
  std::string blob = aasim::dfa::writePolicyBlob(records);
  auto back = aasim::dfa::readPolicyBlob(blob);
  if (back.error) {
    std::fprintf(stderr, "aasim's reader refuses aasim's output at byte %zu: %s\n", back.error->offset,
                 back.error->message.c_str());
    std::abort();
  }
  return 0;
}

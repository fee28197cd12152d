// libFuzzer harness for spec files (`aasim test`): any bytes must parse
// into assertions and located problems, never a crash or a hang; every
// assertion is then checked against a small fixed policy (globs of
// `never` lines become automata and are walked with the profiles'), and
// the policy is diffed against itself with one more rule (the product
// walk of `aasim diff`).
#include "dfa/policy_compiler.h"
#include "frontend/frontend.h"
#include "simulator/compiled_policy.h"
#include "simulator/policy_diff.h"
#include "simulator/spec.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

aasim::simulator::LoadedPolicy compiled(const std::string &text) {
  using namespace aasim;
  frontend::FrontendOptions fo;
  std::string error;
  auto fe = frontend::Frontend::create(fo, error);
  auto f = fe->load("fuzz.sd", text);
  dfa::CompileOptions o;
  o.records = true;
  frontend::Diagnostics diags;
  simulator::LoadedPolicy policy;
  if (f.policy)
    simulator::addCompiledProfiles(dfa::compilePolicy(*f.policy, f.vars, diags, o), policy);
  return policy;
}

const char *kPolicy = "profile web /usr/sbin/web* {\n"
                      "  /etc/** r, deny /etc/shadow w, audit /tmp/** rw, owner /home/** rwl,\n"
                      "  /usr/bin/gzip Px, /bin/* ix, /usr/bin/k cx -> kid, /opt/** pux, /usr/bin/sh ux,\n"
                      "  capability net_bind_service, change_profile -> other,\n"
                      "  ^hat { /a r, }\n  profile kid { }\n}\n"
                      "profile gzip /usr/bin/gzip flags=(complain) { }\nprofile other { }\n";

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const aasim::simulator::LoadedPolicy policy = compiled(kPolicy);
  static const aasim::simulator::LoadedPolicy wider = compiled(std::string(kPolicy) + "profile more { /** r, }\n");
  std::string bytes(reinterpret_cast<const char *>(data), size);
  std::vector<aasim::simulator::SpecProblem> problems;
  aasim::simulator::SpecFile spec = aasim::simulator::parseSpec("fuzz.spec", bytes, problems);
  for (const auto &a : spec.assertions)
    (void)aasim::simulator::checkAssertion(policy, a);
  if (size == 0)
    (void)aasim::simulator::diffPolicies(policy, wider);
  return 0;
}

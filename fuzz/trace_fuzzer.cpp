// libFuzzer harness for trace input: any bytes, read as a recorded audit
// log and as a synthetic trace, must give events, skipped lines or located
// problems, never a crash or a hang; every event is then replayed against
// a small fixed policy.
#include "dfa/policy_compiler.h"
#include "frontend/frontend.h"
#include "simulator/compiled_policy.h"
#include "simulator/recorded_trace.h"
#include "simulator/replay.h"
#include "simulator/synthetic_trace.h"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

namespace {

aasim::simulator::LoadedPolicy fixedPolicy() {
  using namespace aasim;
  frontend::FrontendOptions fo;
  std::string error;
  auto fe = frontend::Frontend::create(fo, error);
  auto f = fe->load("fuzz.sd", "profile web /usr/sbin/web* flags=(attach_disconnected) {\n"
                               "  /etc/** r, deny /etc/shadow w, audit /tmp/** rw, owner /home/** rwl,\n"
                               "  /usr/bin/gzip Px, /bin/* ix, /usr/bin/k cx -> kid, /opt/** pux,\n"
                               "  capability net_bind_service, change_profile -> other,\n"
                               "  ^hat { /a r, }\n  profile kid { }\n}\n"
                               "profile gzip /usr/bin/gzip flags=(complain) { }\nprofile other { }\n");
  dfa::CompileOptions o;
  o.records = true;
  frontend::Diagnostics diags;
  simulator::LoadedPolicy policy;
  simulator::addCompiledProfiles(dfa::compilePolicy(*f.policy, f.vars, diags, o), policy);
  return policy;
}

void replay(const aasim::simulator::LoadedPolicy &policy, const std::vector<aasim::simulator::TraceEvent> &events) {
  aasim::simulator::Replayer r(policy, {});
  for (const auto &e : events)
    if (!e.notDecided)
      (void)r.step(e);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const aasim::simulator::LoadedPolicy policy = fixedPolicy();
  std::string bytes(reinterpret_cast<const char *>(data), size);
  {
    std::istringstream in(bytes);
    replay(policy, aasim::simulator::readRecordedTrace(in).events);
  }
  {
    std::istringstream in(bytes);
    replay(policy, aasim::simulator::readSyntheticTrace(in).events);
  }
  return 0;
}

// libFuzzer harness for the binary policy reader: any bytes must give
// profiles or an error, never a crash, a hang or an out-of-bounds read; and
// every table it accepts must be safe to walk and to decide from (the
// simulator trusts what the reader accepted, as the kernel trusts its
// verifier).
#include "dfa/policy_blob.h"
#include "simulator/decision.h"
#include "simulator/loaded_policy.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace aasim::simulator;
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  auto r = aasim::dfa::readPolicyBlob(bytes);
  if (r.error)
    return 0;
  LoadedPolicy policy;
  for (const auto &p : r.profiles) {
    for (const auto *d : {p.file ? &*p.file : nullptr, p.policydb ? &*p.policydb : nullptr,
                          p.xmatch ? &*p.xmatch : nullptr})
      if (d)
        (void)d->walk(bytes.substr(0, 64));
    policy.add(loadProfile(p));
  }
  std::string path(bytes.substr(0, 32));
  // Sockets with both ends named, so that fine-grained unix and inet
  // tables are walked past family and type.
  auto socket = [&](unsigned family, const char *operation, uint32_t mask) {
    NetworkRequest n;
    n.operation = operation;
    n.family = family;
    n.type = 1;
    n.mask = mask;
    n.local.address = family == 1 ? "@" + path : "127.0.0.1";
    n.peer.address = family == 1 ? "@" + path : "::1";
    n.local.port = 80;
    n.peer.label = path;
    return n;
  };
  const Request requests[] = {FileRequest{"open", "/" + path, 0x6, true}, ExecRequest{"/" + path, false, {}},
                              LinkRequest{"/a", "/" + path, true},        CapabilityRequest{21},
                              socket(2, "create", 0x10), socket(1, "connect", 0x40), socket(2, "bind", 0x200000), socket(10, "connect", 0x40),    SignalRequest{15, path, true},
                              PtraceRequest{true, path, true},            MountRequest{},
                              ChangeHatRequest{path}};
  for (const auto &p : policy.profiles())
    for (const auto &q : requests)
      (void)decide(policy, p.name, q);
  (void)decide(policy, "unconfined", ExecRequest{"/" + path, true, {{"user.x", path}}});
  return 0;
}

// libFuzzer harness for the binary policy reader: any bytes must give
// profiles or an error, never a crash, a hang or an out-of-bounds read; and
// every table it accepts must be safe to walk.
#include "dfa/policy_blob.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  auto r = aasim::dfa::readPolicyBlob(bytes);
  if (r.error)
    return 0;
  for (const auto &p : r.profiles)
    for (const auto *d : {p.file ? &*p.file : nullptr, p.policydb ? &*p.policydb : nullptr,
                          p.xmatch ? &*p.xmatch : nullptr})
      if (d)
        (void)d->walk(bytes.substr(0, 64));
  return 0;
}

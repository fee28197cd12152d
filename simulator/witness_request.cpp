#include "witness_request.h"

#include "kernel_perms.h"

#include "dfa/equivalence.h"
#include "dfa/network_table.h"

#include <fmt/format.h>

namespace aasim::simulator {

std::string policyClassName(uint8_t cls) {
  using namespace policy_class;
  switch (cls) {
  case kFile: return "file";
  case kCapability: return "capability";
  case kUnixV7: return "unix";
  case kMount: return "mount";
  case kPtrace: return "ptrace";
  case kSignal: return "signal";
  case kNet: return "network";
  case kLabel: return "ptrace";  // the label class holds ptrace's peer strings
  case kPosixMqueue: return "mqueue";
  case kSysvMqueue: return "mqueue";
  case kNs: return "userns";
  case kIoUring: return "io_uring";
  case kDbus: return "dbus";
  default: return fmt::format("class {}", cls);
  }
}

std::vector<std::string> fileWitnessWords(const std::string &input, uint32_t bits, bool owner) {
  std::vector<std::string> words;
  size_t nul = input.find('\0');
  if (nul != std::string::npos) {
    // Only a link check walks past a separator in the file automaton.
    if (bits & perm::kLink)
      words = {"link", input.substr(0, nul), input.substr(nul + 1)};
  } else if (bits & perm::kChangeProfile) {
    return {"change_profile", input};
  } else if (bits & perm::kOnexec) {
    return {"change_onexec", input};
  } else if (bits & perm::kExec) {
    words = {"exec", input};
  } else {
    static constexpr std::pair<uint32_t, char> kLetters[] = {
        {perm::kRead, 'r'},     {perm::kWrite, 'w'},  {perm::kAppend, 'a'}, {perm::kExecMmap, 'm'},
        {perm::kLock, 'k'},     {perm::kLink, 'l'},   {perm::kCreate, 'c'}, {perm::kDelete, 'd'}};
    std::string letters;
    for (auto [bit, letter] : kLetters)
      if (bits & bit)
        letters += letter;
    if (!letters.empty())
      words = {"access", input, letters};
    else if (bits & perm::kChmod)
      words = {"chmod", input};
    else if (bits & perm::kChown)
      words = {"chown", input};
    else if (bits & perm::kSetattr)
      words = {"setattr", input};
  }
  if (!words.empty() && !owner)
    words.push_back("other");
  return words;
}

namespace {

std::string networkOperationWord(uint32_t bits) {
  static constexpr std::pair<uint32_t, const char *> kOps[] = {
      {perm::kNetCreate, "create"},   {perm::kNetConnect, "connect"}, {perm::kNetBind, "bind"},
      {perm::kNetListen, "listen"},   {perm::kNetAccept, "accept"},   {perm::kNetSend, "send"},
      {perm::kNetReceive, "receive"}, {perm::kNetShutdown, "shutdown"}, {perm::kNetGetattr, "getattr"},
      {perm::kNetSetattr, "setattr"}, {perm::kNetGetopt, "getopt"},   {perm::kNetSetopt, "setopt"}};
  for (auto [bit, word] : kOps)
    if (bits & bit)
      return word;
  return {};
}

// AppArmor's signal numbers back to Linux's (operation_syntax reads Linux
// numbers): 35 is "exists" (0), 128+n is SIGRTMIN+n.
std::optional<unsigned> linuxSignal(uint8_t aa) {
  if (aa >= 1 && aa <= 31)
    return aa;
  if (aa == 35)
    return 0;
  if (aa >= 128 && aa <= 128 + 30)
    return 34u + (aa - 128u);
  return std::nullopt;
}

} // namespace

std::vector<std::string> policyWitnessWords(const std::string &input, uint32_t bits) {
  using namespace policy_class;
  if (input.empty())
    return {};
  const uint8_t cls = static_cast<uint8_t>(input[0]);
  const std::string rest = input.substr(1);
  switch (cls) {
  case kNet:
    if (rest.size() == 4) {
      std::string op = networkOperationWord(bits);
      if (op.empty())
        return {};
      unsigned family = (static_cast<uint8_t>(rest[0]) << 8) | static_cast<uint8_t>(rest[1]);
      unsigned type = (static_cast<uint8_t>(rest[2]) << 8) | static_cast<uint8_t>(rest[3]);
      return {"network", op, dfa::networkFamilyName(family), dfa::socketTypeName(type)};
    }
    return {};
  case kSignal:
    if (!rest.empty() && (bits & 0x6) && rest.find('\0') == std::string::npos) {
      if (auto sig = linuxSignal(static_cast<uint8_t>(rest[0])))
        return {"signal", std::to_string(*sig), rest.substr(1), (bits & 0x2) ? "send" : "receive"};
    }
    return {};
  case kLabel:
    if (!rest.empty() && rest[0] == kPtrace && rest.find('\0') == std::string::npos) {
      std::string peer = rest.substr(1);
      if (bits & 0x6)
        return {"ptrace", (bits & 0x2) ? "trace" : "read", peer, "tracer"};
      if (bits & 0x18)
        return {"ptrace", (bits & 0x8) ? "trace" : "read", peer, "tracee"};
    }
    return {};
  case kNs:
    if (rest.empty() && (bits & 0x8))
      return {"userns", "create"};
    return {};
  default:
    return {};
  }
}

std::string joinWords(const std::vector<std::string> &words) {
  std::string out;
  for (const std::string &w : words) {
    if (!out.empty())
      out += ' ';
    bool plain = !w.empty() && w.find_first_of(" \t\"\\") == std::string::npos;
    std::string shown = dfa::showBytes(w);
    out += plain ? shown : "\"" + shown + "\"";
  }
  return out;
}

} // namespace aasim::simulator

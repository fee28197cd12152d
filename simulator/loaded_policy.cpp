#include "loaded_policy.h"

namespace aasim::simulator {

namespace {

ProfileMode modeOf(uint32_t word) {
  switch (word) {
  case 1: return ProfileMode::Complain;
  case 2: return ProfileMode::Kill;
  case 3: return ProfileMode::Unconfined;
  default: return ProfileMode::Enforce;
  }
}

} // namespace

std::string_view LoadedProfile::localName() const {
  std::string_view n = name;
  size_t at = n.rfind("//");
  return at == std::string_view::npos ? n : n.substr(at + 2);
}

std::string_view LoadedProfile::parentName() const {
  std::string_view n = name;
  size_t at = n.rfind("//");
  return at == std::string_view::npos ? std::string_view() : n.substr(0, at);
}

uint32_t LoadedProfile::classStart(uint8_t cls) const {
  if (!policydb)
    return 0;
  return policydb->step(dfa::KernelDfa::kStart, cls);
}

LoadedProfile loadProfile(const dfa::BlobProfile &r) {
  LoadedProfile p;
  p.ns = r.ns;
  p.name = r.name;
  p.hat = r.hat != 0;
  p.mode = modeOf(r.mode);
  p.auditAll = r.audit != 0;
  p.pathFlags = r.pathFlags.value_or(0);
  p.abi = r.version & 0xff;
  auto word = [&](int i) { return uint64_t{r.caps[i]} | (uint64_t{r.caps64[i]} << 32); };
  p.capsAllow = word(0);
  p.capsAudit = word(1);
  p.capsQuiet = word(2);
  p.capsKill = word(3);
  p.xmatch = r.xmatch;
  p.xmatchLen = r.xmatchLen;
  if (r.xattrs)
    p.xattrs = *r.xattrs;
  p.policydb = r.policydb;
  if (p.policydb) {
    // The sub-marker: the unix family after class 4 (3.0.8 writes an
    // ASCII '4' for the class).
    constexpr std::string_view kUnixMarker("\x04\x00" "1", 3), kUnixMarker308("4\x00" "1", 3);
    p.unixByAddress = p.policydb->accept[p.policydb->walk(kUnixMarker)] != 0 ||
                      p.policydb->accept[p.policydb->walk(kUnixMarker308)] != 0;
  }
  p.file = r.file;
  p.xtable = r.xtable;
  p.netAllowedAf = r.netAllowedAf;
  return p;
}

const LoadedProfile *LoadedPolicy::find(std::string_view name, const std::optional<std::string> &ns) const {
  auto it = byName_.find(llvm::StringRef(name.data(), name.size()));
  if (it == byName_.end())
    return nullptr;
  for (size_t i : it->second)
    if (profiles_[i].ns == ns)
      return &profiles_[i];
  // Children are written without a namespace; they belong to their
  // top-level profile's.
  if (ns)
    for (size_t i : it->second)
      if (!profiles_[i].ns && !profiles_[i].parentName().empty())
        return &profiles_[i];
  return nullptr;
}

std::vector<const LoadedProfile *> LoadedPolicy::topLevel(const std::optional<std::string> &ns) const {
  std::vector<const LoadedProfile *> out;
  for (const auto &p : profiles_)
    if (p.ns == ns && p.parentName().empty())
      out.push_back(&p);
  return out;
}

std::vector<const LoadedProfile *> LoadedPolicy::children(const LoadedProfile &parent) const {
  std::vector<const LoadedProfile *> out;
  for (const auto &p : profiles_)
    if (p.parentName() == parent.name)
      out.push_back(&p);
  return out;
}

} // namespace aasim::simulator

#include "compiled_policy.h"

#include "dfa/policy_records.h"

#include <memory>

namespace aasim::simulator {

void addCompiledProfiles(std::vector<dfa::CompiledProfile> compiled, LoadedPolicy &out) {
  std::vector<dfa::BlobProfile> records = dfa::policyRecords(compiled);
  std::vector<size_t> order = dfa::recordOrder(compiled);
  for (size_t i = 0; i < order.size(); ++i) {
    dfa::CompiledProfile &cp = compiled[order[i]];
    LoadedProfile p = loadProfile(records[i]);
    p.name = cp.name;  // the full hierarchical name, whatever 3.0.8 writes for grandchildren
    auto sources = std::make_shared<RuleSources>();
    sources->fileRules = std::move(cp.fileRules);
    sources->policyRules = std::move(cp.policyRules);
    if (!sources->fileRules.rules.empty())
      sources->fileDfa = std::move(cp.fileDfa);
    sources->policyDfa = std::move(cp.policyDfa);
    p.sources = std::move(sources);
    out.add(std::move(p));
  }
}

} // namespace aasim::simulator

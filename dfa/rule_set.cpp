#include "rule_set.h"

#include <fmt/format.h>

namespace aasim::dfa {

bool RuleSetWriter::add(const std::string &regex, RuleFlag flag, const RuleOrigin &origin, bool computeExact,
                        bool v6Exactness) {
  RegexError rerr;
  auto root = parseRegex(regex, out_.arena, rerr);
  if (!root) {
    diags_.error(origin.loc, fmt::format("internal regex '{}': {}", regex, rerr.message));
    return false;
  }
  flag.exact = computeExact && out_.arena.isExact(*root, v6Exactness);
  auto [it, inserted] = flagIndex_.emplace(flag, static_cast<uint32_t>(out_.flags.size()));
  if (inserted)
    out_.flags.push_back(flag);
  out_.rules.push_back({*root, it->second});
  out_.origins.push_back(origin);
  out_.regexes.push_back(regex);
  return true;
}

} // namespace aasim::dfa

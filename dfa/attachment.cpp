#include "attachment.h"

#include "builder.h"
#include "minimize.h"
#include "xmatch_length.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace aasim::dfa {

namespace {

constexpr uint32_t kMayExec = 0x1;

} // namespace

std::optional<Attachment> buildAttachment(const std::string &regex, uint32_t stateLimit, std::string &error) {
  RegexArena arena;
  RegexError rerr;
  auto root = parseRegex(regex, arena, rerr);
  if (!root) {
    error = "attachment regex '" + regex + "': " + rerr.message;
    return std::nullopt;
  }
  Attachment out;
  out.xmatchLen = xmatchLength(arena, *root);
  BuildOptions bo;
  bo.kind = DfaKind::Policy;
  bo.stateLimit = stateLimit;
  BuildResult built = buildDfa(arena, {{*root, 0}}, {RuleFlag{0, FlagMode::Allow, false, kMayExec, 0}}, bo);
  if (!built.dfa) {
    error = built.error ? built.error->message : "attachment automaton not built";
    return std::nullopt;
  }
  out.dfa = minimize(*built.dfa);
  return out;
}

} // namespace aasim::dfa

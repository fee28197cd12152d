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

std::optional<Attachment> buildAttachment(const std::string &regex, const std::vector<std::string> &xattrValues,
                                          uint32_t stateLimit, std::string &error) {
  RegexArena arena;
  RegexError rerr;
  auto root = parseRegex(regex, arena, rerr);
  if (!root) {
    error = "attachment regex '" + regex + "': " + rerr.message;
    return std::nullopt;
  }
  // 3.0.8's tree (append_rule with its permission): path (F | \-1 \0 v1)
  // (F | \-1 \0 v2) ... F, the one accept node F shared by every use.
  NodeId expr = *root;
  const NodeId accept = arena.accept(0);
  for (const std::string &value : xattrValues) {
    auto valueTree = parseRegex("\\x00" + value, arena, rerr);
    if (!valueTree) {
      error = "xattr value regex '" + value + "': " + rerr.message;
      return std::nullopt;
    }
    expr = arena.cat(expr, arena.alt(accept, arena.cat(arena.outOfBand(), *valueTree)));
  }
  Attachment out;
  out.xmatchLen = xmatchLength(arena, expr);
  BuildOptions bo;
  bo.kind = DfaKind::Policy;
  bo.stateLimit = stateLimit;
  BuildResult built = buildDfa(arena, {{expr, 0}}, {RuleFlag{0, FlagMode::Allow, false, kMayExec, 0}}, bo);
  if (!built.dfa) {
    error = built.error ? built.error->message : "attachment automaton not built";
    return std::nullopt;
  }
  out.dfa = minimize(*built.dfa);
  return out;
}

} // namespace aasim::dfa

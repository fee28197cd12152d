// File, link, change_profile and `all` rules: permission strings, exec
// qualifiers and the combinations apparmor_parser rejects.
#include "file_modes.h"
#include "glob_check.h"
#include "sema.h"

#include <fmt/format.h>

namespace aasim::frontend::sema {

using namespace ast;

namespace {

bool checkPathWord(const Word &w, Context &cx) {
  auto expanded = cx.expand(w);
  if (!expanded)
    return false;
  if (auto err = checkGlob(*expanded)) {
    cx.error(w.loc, *err);
    return false;
  }
  return true;
}

bool labelHasNamespace(const std::string &s) { return !s.empty() && s[0] == ':'; }

} // namespace

void checkFileRule(const FileRule &r, Context &cx) {
  if (r.bare) {
    if (r.prefix.mode == RuleMode::Deny)
      cx.error(r.loc, "Invalid perms, in deny rules 'x' must not be preceded by exec qualifier 'i', 'p', or 'u'");
    return;
  }
  std::string error;
  auto perms = parseFileModes(r.modes.text, error);
  if (!perms) {
    cx.error(r.modes.loc, error);
    return;
  }
  uint32_t p = *perms;
  // Only the leading-permission form (`l /link -> /target,`) names a link
  // target; in the trailing form `->` is always an exec transition.
  if (r.leadingModes) {
    if (r.subset && (p & ~kLinkBits))
      return cx.error(r.loc, "subset can only be used with link rules.");
    if (r.target && (p & kLinkBits) && (p & kExecBits))
      return cx.error(r.loc, "link and exec perms conflict on a file rule using ->");
    if (r.target && labelHasNamespace(r.target->text) && (p & kLinkBits))
      return cx.error(r.loc, "link perms are not allowed on a named profile transition.");
  }
  if (r.safety != ExecSafety::Unspecified && !(p & kExecBits))
    return cx.error(r.loc, "unsafe rule missing exec permissions");
  if (r.safety == ExecSafety::Unsafe)
    p |= (p & kExecBits) << 8 & kAllExecUnsafe;
  else if (r.safety == ExecSafety::Safe)
    p &= ~kAllExecUnsafe;
  if (p & kExecBits) {
    bool deny = r.prefix.mode == RuleMode::Deny;
    if (deny && (p & kAllExecType))
      return cx.error(r.modes.loc,
                      "Invalid perms, in deny rules 'x' must not be preceded by exec qualifier 'i', 'p', or 'u'");
    if (!deny && !(p & kAllExecType))
      return cx.error(r.modes.loc, "Invalid perms, 'x' must be preceded by exec qualifier 'i', 'p', or 'u'");
  }
  if (!checkPathWord(r.path, cx))
    return;
  if (r.target && !(r.leadingModes && (p & kLinkBits))) {
    // exec transition target: a profile name, variables allowed
    cx.expand(*r.target);
  } else if (r.target) {
    checkPathWord(*r.target, cx);
  }
}

void checkLinkRule(const LinkRule &r, Context &cx) {
  if (!checkPathWord(r.link, cx))
    return;
  checkPathWord(r.target, cx);
}

void checkChangeProfile(const ChangeProfileRule &r, Context &cx) {
  if (r.prefix.owner != OwnerQual::Unspecified)
    return cx.error(r.prefix.loc, "owner conditional not allowed on change_profile rules");
  if (r.exec && !checkPathWord(*r.exec, cx))
    return;
  if (r.target)
    cx.expand(*r.target);
}

void checkAllRule(const AllRule &r, Context &cx) {
  if (r.prefix.priority)
    return cx.error(r.prefix.loc, "priority prefix not allowed on all rules");
  if (r.prefix.owner != OwnerQual::Unspecified)
    return cx.error(r.prefix.loc, "owner prefix not allowed on all rules");
}

} // namespace aasim::frontend::sema

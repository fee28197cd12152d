#include "sema.h"

#include "rule_merge.h"

#include <fmt/format.h>

namespace aasim::frontend::sema {

using namespace ast;

std::optional<std::string> Context::expand(const Word &w) {
  ExpandError err;
  auto out = vars_.expandWord(w.text, err, &automatic_);
  if (!out)
    error(w.loc, err.message);
  return out;
}

std::optional<std::set<std::string>> Context::expandToSet(const Word &w) {
  auto one = expand(w);
  if (!one)
    return std::nullopt;
  ExpandError err;
  auto out = vars_.expandToSet(w.text, err);
  if (!out) {
    // Automatic variables are not in the table; fall back to the single glob.
    return std::set<std::string>{*one};
  }
  return out;
}

void Context::setProfile(ProfileScope scope) {
  profile_ = std::move(scope);
  automatic_ = automaticVariables(profile_.fullName, profile_.attachPath);
}

void rejectOwnerPrefix(const ClassRule &r, Context &cx) {
  if (r.prefix.owner != OwnerQual::Unspecified)
    cx.error(r.prefix.loc, fmt::format("owner prefix not allowed on {} rules", ruleClassName(r.cls)));
}

std::optional<RwLetters> parseRwLetters(const Word &w, const char *className, Context &cx) {
  RwLetters out;
  for (char c : w.text) {
    if (c == 'r' || c == 'R')
      out.read = true;
    else if (c == 'w' || c == 'W')
      out.write = true;
    else {
      cx.error(w.loc, fmt::format("Internal: unexpected {} perms character '{}' in input", className, c));
      return std::nullopt;
    }
  }
  return out;
}

namespace {

class Walker {
public:
  Walker(Context &cx) : cx_(cx) {}

  void profile(const Profile &p, const std::string &parentName) {
    // The namespace is not part of @{profile_name}.
    std::string name = nameWithoutNamespace(p.name.text);
    std::string full = parentName.empty() ? name : parentName + "//" + name;
    ProfileScope scope;
    scope.fullName = full;
    scope.isHat = p.kind == ProfileKind::Hat;
    if (p.attachment) {
      ExpandError err;
      auto a = cx_.vars().expandWord(p.attachment->text, err);
      if (!a) {
        cx_.error(p.attachment->loc, err.message);
      } else {
        scope.attachPath = *a;
      }
    } else if (!name.empty() && name[0] == '/') {
      scope.attachPath = name;
    }
    ProfileScope saved = cx_.profile();
    std::set<std::string> savedWarned = std::move(warnedClasses_);
    warnedClasses_.clear();
    cx_.setProfile(scope);
    checkProfileName(p);
    checkProfileHeader(p, cx_);
    // Top-level profiles named by a path (no `profile NAME PATH`) are
    // deprecated in the 3.0 language; apparmor_parser reports it at the end
    // of the profile.
    if (parentName.empty() && !name.empty() && name[0] == '/')
      cx_.fileWarning(p.closeLoc, WarningFlag::Deprecated,
                      "The use of file paths as profile names is deprecated. See man apparmor.d for more information");
    body(p.body, full);
    checkMergedRules(p.body, cx_);
    checkDuplicateChildren(p.body, cx_);
    cx_.setProfile(saved);
    warnedClasses_ = std::move(savedWarned);
  }

  void body(const std::vector<Stmt> &stmts, const std::string &profileName) {
    for (const auto &s : stmts)
      std::visit([&](const auto &node) { visit(node, profileName); }, s.node);
  }

private:
  // Names: `:ns:name` or `:ns://name` carry a namespace; variables may be
  // used, but not the automatic ones, which the name itself defines.
  void checkProfileName(const Profile &p) {
    ExpandError err;
    auto name = cx_.vars().expandWord(p.name.text, err);
    if (!name)
      return cx_.error(p.name.loc, err.message);
    if (!name->empty() && (*name)[0] == ':') {
      size_t end = name->find(':', 1);
      if (end == std::string::npos)
        return cx_.error(p.name.loc, fmt::format("Namespace not terminated: {}", *name));
      std::string rest = name->substr(end + 1);
      if (rest.rfind("//", 0) == 0)
        rest = rest.substr(2);
      if (end == 1)
        return cx_.error(p.name.loc, fmt::format("Namespace is empty: {}", *name));
      if (rest.empty())
        return cx_.error(p.name.loc, fmt::format("Profile name is empty after namespace: {}", *name));
    }
  }

  void visit(const FileRule &r, const std::string &) { checkFileRule(r, cx_); }
  void visit(const LinkRule &r, const std::string &) { checkLinkRule(r, cx_); }
  void visit(const CapabilityRule &r, const std::string &) { checkCapability(r, cx_); }
  void visit(const ChangeProfileRule &r, const std::string &) { checkChangeProfile(r, cx_); }
  void visit(const RlimitRule &r, const std::string &) { checkRlimit(r, cx_); }
  void visit(const AllRule &r, const std::string &) {
    checkAllRule(r, cx_);
    // Each class `all` stands for that the kernel lacks draws its own
    // "not enforced" warning, as in apparmor_parser.
    for (const Stmt &s : expandAll(r))
      if (auto *c = std::get_if<ClassRule>(&s.node))
        checkFeatureSupport(*c, cx_, warnedClasses_);
  }
  void visit(const AbiRule &, const std::string &) {}
  void visit(const PrefixBlock &b, const std::string &name) { body(b.body, name); }
  void visit(const Conditional &c, const std::string &name) { body(c.body, name); }
  void visit(const Profile &p, const std::string &name) { profile(p, name); }
  void visit(const ClassRule &r, const std::string &) {
    checkFeatureSupport(r, cx_, warnedClasses_);
    switch (r.cls) {
    case RuleClass::Network: checkNetwork(r, cx_); break;
    case RuleClass::Unix: checkUnix(r, cx_); break;
    case RuleClass::Dbus: checkDbus(r, cx_); break;
    case RuleClass::Signal: checkSignal(r, cx_); break;
    case RuleClass::Ptrace: checkPtrace(r, cx_); break;
    case RuleClass::Mount: case RuleClass::Remount: case RuleClass::Umount: case RuleClass::PivotRoot:
      checkMount(r, cx_);
      break;
    case RuleClass::Userns: checkUserns(r, cx_); break;
    case RuleClass::Mqueue: checkMqueue(r, cx_); break;
    case RuleClass::IoUring: checkIoUring(r, cx_); break;
    }
  }

  Context &cx_;
  std::set<std::string> warnedClasses_;  // rule classes reported unsupported in this profile
};

} // namespace

void analyze(const Policy &policy, const VariableTable &vars, const Features &features, Diagnostics &diags) {
  Context cx(vars, features, diags);
  Walker w(cx);
  std::set<std::string> names;
  for (const auto &p : policy.profiles) {
    w.profile(p, "");
    if (!names.insert(p.name.text).second)
      diags.error(p.loc, fmt::format("Profile {} already exists", p.name.text));
  }
}

} // namespace aasim::frontend::sema

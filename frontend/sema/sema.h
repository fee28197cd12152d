// Semantic checks: everything that makes apparmor_parser reject a profile
// after it has parsed, one rule class per file. The walker in sema.cpp
// visits each profile with its automatic variables and calls the checks.
#pragma once

#include "../ast.h"
#include "../diagnostics.h"
#include "../features.h"
#include "../variables.h"

#include <map>
#include <optional>
#include <set>
#include <string>

namespace aasim::frontend::sema {

struct ProfileScope {
  std::string fullName;                  // parent//child, no namespace
  std::optional<std::string> attachPath; // expanded attachment
  bool isHat = false;
};

class Context {
public:
  Context(const VariableTable &vars, const Features &features, Diagnostics &diags)
      : vars_(vars), features_(features), diags_(diags) {}

  /// Variable-expanded text of a word; reports the error and returns
  /// nullopt when a variable is undefined or recursive.
  std::optional<std::string> expand(const ast::Word &w);
  /// The set of strings a word denotes (each variable value separately).
  std::optional<std::set<std::string>> expandToSet(const ast::Word &w);

  void error(SourceLoc loc, std::string message) { diags_.error(loc, std::move(message)); }
  /// A warning about the current profile (apparmor_parser names the profile).
  void warning(SourceLoc loc, WarningFlag flag, std::string message) {
    diags_.warning(loc, flag, std::move(message), profile_.fullName);
  }
  /// A warning about the file position only.
  void fileWarning(SourceLoc loc, WarningFlag flag, std::string message) {
    diags_.warning(loc, flag, std::move(message));
  }

  const Features &features() const { return features_; }
  const VariableTable &vars() const { return vars_; }
  const ProfileScope &profile() const { return profile_; }
  void setProfile(ProfileScope scope);

private:
  const VariableTable &vars_;
  const Features &features_;
  Diagnostics &diags_;
  ProfileScope profile_;
  std::map<std::string, std::set<std::string>> automatic_;
};

void checkFileRule(const ast::FileRule &r, Context &cx);
void checkLinkRule(const ast::LinkRule &r, Context &cx);
void checkCapability(const ast::CapabilityRule &r, Context &cx);
void checkChangeProfile(const ast::ChangeProfileRule &r, Context &cx);
void checkRlimit(const ast::RlimitRule &r, Context &cx);
void checkAllRule(const ast::AllRule &r, Context &cx);
void checkProfileHeader(const ast::Profile &p, Context &cx);

void checkNetwork(const ast::ClassRule &r, Context &cx);
void checkUnix(const ast::ClassRule &r, Context &cx);
void checkDbus(const ast::ClassRule &r, Context &cx);
void checkSignal(const ast::ClassRule &r, Context &cx);
void checkPtrace(const ast::ClassRule &r, Context &cx);
void checkMount(const ast::ClassRule &r, Context &cx);  // mount, remount, umount, pivot_root
void checkUserns(const ast::ClassRule &r, Context &cx);
void checkMqueue(const ast::ClassRule &r, Context &cx);
void checkIoUring(const ast::ClassRule &r, Context &cx);

/// Letters of a mode string (`rw`, `R`) in the rule classes whose modes
/// are only read and write; anything else is an error naming the class.
struct RwLetters {
  bool read = false;
  bool write = false;
};
std::optional<RwLetters> parseRwLetters(const ast::Word &w, const char *className, Context &cx);

/// Shared prefix rule for class rules: `owner`/`other` is not allowed.
void rejectOwnerPrefix(const ast::ClassRule &r, Context &cx);

/// Warns once per profile and rule class when the target kernel's feature
/// set (-M) cannot enforce the rule (apparmor_parser's rule-not-enforced and
/// rule-downgraded warnings). `warned` collects the classes already reported.
void checkFeatureSupport(const ast::ClassRule &r, Context &cx, std::set<std::string> &warned);

/// The bit number of a capability name: the built-in table, then the
/// feature set's caps/mask; -1 when neither knows it.
int capabilityNumber(const std::string &name, const Features &features);
/// The built-in name of a capability number (the number itself beyond the table).
std::string capabilityName(unsigned number);

/// Runs every check over a parsed policy.
void analyze(const ast::Policy &policy, const VariableTable &vars, const Features &features, Diagnostics &diags);

} // namespace aasim::frontend::sema

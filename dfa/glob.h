// AppArmor globs to the internal regex dialect, as apparmor_parser converts
// them (kernel-semantics.md §1.2-1.3): `*` stays inside one path component,
// `**` crosses `/`, neither matches NUL; a star run that is a whole
// component must match at least one byte; `{a,b}` becomes `(a|b)`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace aasim::dfa {

/// Collapses runs of `/` to one, except a leading `//` followed by another
/// byte (apparmor_parser's filter_slashes). Trailing slashes are kept.
std::string filterSlashes(std::string_view path);

enum class PatternType { Basic, TailGlob, Regex };

struct ConvertedGlob {
  std::string regex;
  PatternType type = PatternType::Basic;
};

/// Which conversion table: paths, names and labels (`Default`), or xattr
/// values and abstract unix addresses (`AllowNul`), where `*`, `**` and `?`
/// may match NUL.
enum class GlobDialect { Default, AllowNul };

/// Converts an expanded glob; nullopt with `error` for unbalanced `{`/`[`
/// or a trailing backslash (the frontend reports these first).
std::optional<ConvertedGlob> globToRegex(std::string_view glob, std::string &error,
                                         GlobDialect dialect = GlobDialect::Default);

} // namespace aasim::dfa

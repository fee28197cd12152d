#include "glob_check.h"

#include <vector>

namespace aasim::frontend::sema {

std::optional<std::string> checkGlob(const std::string &g) {
  constexpr size_t kMaxBraceDepth = 49;
  std::vector<bool> braceHasComma;  // one entry per open '{'
  bool inClass = false;
  for (size_t i = 0; i < g.size(); ++i) {
    char c = g[i];
    if (c == '\\') {
      if (i + 1 >= g.size())
        return "Found incomplete escape sequence at end of pattern";
      ++i;
      continue;
    }
    if (inClass) {
      if (c == ']')
        inClass = false;
      continue;
    }
    switch (c) {
    case '[':
      // apparmor_parser closes a class at the first unescaped ']', so `[]`
      // is an empty class, which it rejects.
      inClass = true;
      if (i + 1 < g.size() && g[i + 1] == ']')
        return "Invalid empty character class []";
      break;
    case ']':
      return "Invalid close ], no matching open [ detected";
    case '{':
      braceHasComma.push_back(false);
      if (braceHasComma.size() > kMaxBraceDepth)
        return "Exceeded maximum nesting of {}";
      break;
    case ',':
      if (!braceHasComma.empty())
        braceHasComma.back() = true;
      break;
    case '}':
      if (braceHasComma.empty())
        return "Invalid close }, no matching open { detected";
      if (!braceHasComma.back())
        return "Invalid alternation '{}' ({} with no comma) in pattern";
      braceHasComma.pop_back();
      break;
    default:
      break;
    }
  }
  if (inClass)
    return "Invalid open [, no matching close ] detected";
  if (!braceHasComma.empty())
    return "Invalid open {, no matching close } detected";
  return std::nullopt;
}

} // namespace aasim::frontend::sema

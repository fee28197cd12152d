#include "glob.h"

namespace aasim::dfa {

std::string filterSlashes(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  size_t i = 0;
  // A leading "//x" is kept as is (apparmor_parser leaves it for namespaces).
  if (path.size() >= 3 && path[0] == '/' && path[1] == '/' && path[2] != '/') {
    out = "//";
    i = 2;
  }
  for (; i < path.size(); ++i) {
    if (path[i] == '/' && !out.empty() && out.back() == '/')
      continue;
    out += path[i];
  }
  return out;
}

namespace {

bool regexSpecial(char c) {
  switch (c) {
  case '.': case '+': case '|': case '(': case ')': case '^': case '$': case '*': case '[': case ']':
  case '\\':
    return true;
  default:
    return false;
  }
}

void literal(std::string &out, char c) {
  if (regexSpecial(c))
    out += '\\';
  out += c;
}

} // namespace

std::optional<ConvertedGlob> globToRegex(std::string_view g, std::string &error, GlobDialect dialect) {
  const bool nul = dialect == GlobDialect::AllowNul;
  const char *oneChar = nul ? "[^/]" : "[^/\\x00]";
  const char *anyInComponent = nul ? "[^/]*" : "[^/\\x00]*";
  const char *anyAcross = nul ? ".*" : "[^\\x00]*";
  ConvertedGlob out;
  std::string &r = out.regex;
  int braceDepth = 0;
  bool sawGlob = false;
  for (size_t i = 0; i < g.size(); ++i) {
    char c = g[i];
    switch (c) {
    case '\\': {
      if (i + 1 >= g.size()) {
        error = "trailing backslash";
        return std::nullopt;
      }
      char n = g[++i];
      if (n == '*' || n == '[' || n == ']' || n == '{' || n == '}' || n == '\\') {
        r += '\\';
        r += n;
      } else if ((n == 'x' || n == 'd' || (n >= '0' && n <= '7'))) {
        r += '\\';  // numeric escape: the regex parser reads it
        r += n;
      } else {
        literal(r, n);
      }
      break;
    }
    case '*': {
      size_t run = 1;
      while (i + run < g.size() && g[i + run] == '*')
        ++run;
      bool afterSlash = !r.empty() && r.back() == '/';
      size_t next = i + run;
      bool wholeComponent = afterSlash && (next >= g.size() || g[next] == '/');
      if (!sawGlob)
        out.type = run >= 2 && next >= g.size() ? PatternType::TailGlob : PatternType::Regex;
      sawGlob = true;
      if (wholeComponent)
        r += oneChar;
      r += run >= 2 ? anyAcross : anyInComponent;
      i = next - 1;
      break;
    }
    case '?':
      if (!sawGlob)
        out.type = PatternType::Regex;
      sawGlob = true;
      r += oneChar;
      break;
    case '[': {
      if (!sawGlob)
        out.type = PatternType::Regex;
      sawGlob = true;
      // Copied verbatim up to the closing bracket; `{`, `}`, `,` are literal
      // inside. A `]` right after `[` or `[^` is a member.
      size_t j = i + 1;
      r += '[';
      if (j < g.size() && g[j] == '^') {
        r += '^';
        ++j;
      }
      bool first = true;
      for (;; ++j) {
        if (j >= g.size()) {
          error = "unbalanced '['";
          return std::nullopt;
        }
        char k = g[j];
        if (k == ']' && !first)
          break;
        first = false;
        if (k == '\\' && j + 1 < g.size()) {
          r += k;
          r += g[++j];
          continue;
        }
        r += k;
      }
      r += ']';
      i = j;
      break;
    }
    case '{':
      if (!sawGlob)
        out.type = PatternType::Regex;
      sawGlob = true;
      ++braceDepth;
      r += '(';
      break;
    case '}':
      if (braceDepth == 0) {
        error = "unbalanced '}'";
        return std::nullopt;
      }
      --braceDepth;
      r += ')';
      break;
    case ',':
      if (braceDepth > 0)
        r += '|';
      else
        r += ',';
      break;
    default:
      literal(r, c);
    }
  }
  if (braceDepth != 0) {
    error = "unbalanced '{'";
    return std::nullopt;
  }
  return out;
}

} // namespace aasim::dfa

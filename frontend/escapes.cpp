#include "escapes.h"

#include <cstring>

namespace aasim::frontend {
namespace {

int digitValue(char c, int base) {
  int v;
  if (c >= '0' && c <= '9')
    v = c - '0';
  else if (c >= 'a' && c <= 'z')
    v = c - 'a' + 10;
  else if (c >= 'A' && c <= 'Z')
    v = c - 'A' + 10;
  else
    return -1;
  return v < base ? v : -1;
}

// Reads up to maxDigits digits of `base` from s[i..], keeping the value <= 255.
long readNumber(std::string_view s, size_t &i, int base, size_t maxDigits) {
  long val = 0;
  for (size_t n = 0; n < maxDigits && i < s.size(); ++n) {
    int d = digitValue(s[i], base);
    if (d < 0 || val * base + d > 255)
      break;
    val = val * base + d;
    ++i;
  }
  return val;
}

// Decodes the escape whose first character (after '\') is s[i]. Returns the
// byte, or -1 when the sequence is not a recognised escape; `i` moves past it.
int decodeEscape(std::string_view s, size_t &i) {
  if (i >= s.size())
    return -1;
  char c = s[i];
  if (c >= '0' && c <= '7')
    return static_cast<int>(readNumber(s, i, 8, 3));
  size_t start = i;
  ++i;
  switch (c) {
  case '\\': return '\\';
  case '"': return '"';
  case 'd': case 'x': {
    size_t before = i;
    long v = readNumber(s, i, c == 'd' ? 10 : 16, c == 'd' ? 3 : 2);
    if (i == before) {
      i = start;
      return -1;
    }
    return static_cast<int>(v);
  }
  case 'a': return '\a';
  case 'e': return 033;
  case 'f': return '\f';
  case 'n': return '\n';
  case 'r': return '\r';
  case 't': return '\t';
  }
  i = start;
  return -1;
}

} // namespace

std::string processUnquoted(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  size_t i = 0;
  while (i < raw.size()) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      size_t pos = i + 1;
      int c = decodeEscape(raw, pos);
      if (c != -1) {
        if (c == 0) {
          out.append(raw.substr(i, pos - i));  // keep \0 sequences verbatim
        } else if (std::strchr("*?[]{}^,\\", c) != nullptr) {
          out += '\\';
          out += static_cast<char>(c);
        } else {
          out += static_cast<char>(c);
        }
        i = pos;
        continue;
      }
    }
    out += raw[i++];
  }
  return out;
}

std::string processId(std::string_view raw) {
  if (!raw.empty() && raw.front() == '"') {
    if (raw.size() >= 2 && raw.back() == '"')
      return processUnquoted(raw.substr(1, raw.size() - 2));
    return processUnquoted(raw.substr(1));
  }
  return processUnquoted(raw);
}

} // namespace aasim::frontend

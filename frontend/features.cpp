#include "features.h"

#include <cctype>

namespace aasim::frontend {

std::optional<Features> Features::parse(const std::string &text, std::string &error) {
  Features f;
  std::vector<std::string> stack;
  size_t i = 0, n = text.size();
  auto skipSpace = [&] {
    while (i < n && std::isspace(static_cast<unsigned char>(text[i])))
      ++i;
  };
  while (true) {
    skipSpace();
    if (i >= n)
      break;
    if (text[i] == '}') {
      if (stack.empty()) {
        error = "unbalanced '}' in features file";
        return std::nullopt;
      }
      stack.pop_back();
      ++i;
      continue;
    }
    size_t start = i;
    while (i < n && text[i] != '{' && text[i] != '}' && !std::isspace(static_cast<unsigned char>(text[i])))
      ++i;
    std::string name = text.substr(start, i - start);
    skipSpace();
    if (i >= n || text[i] != '{') {
      error = "expected '{' after feature name '" + name + "'";
      return std::nullopt;
    }
    ++i;
    std::string path;
    for (const auto &s : stack)
      path += s + "/";
    path += name;
    // A value block holds text up to the matching '}' with no nested '{'.
    size_t j = i;
    while (j < n && text[j] != '{' && text[j] != '}')
      ++j;
    if (j < n && text[j] == '}') {
      f.entries_[path] = text.substr(i, j - i);
      i = j + 1;
    } else {
      f.entries_[path] = "";
      stack.push_back(name);
    }
    if (stack.size() > 64) {
      error = "features file nested too deeply";
      return std::nullopt;
    }
  }
  if (!stack.empty()) {
    error = "unterminated block '" + stack.back() + "' in features file";
    return std::nullopt;
  }
  return f;
}

Features Features::allSupported() {
  Features f;
  f.all_ = true;
  return f;
}

bool Features::has(const std::string &path) const {
  if (all_)
    return true;
  if (entries_.count(path))
    return true;
  std::string prefix = path + "/";
  auto it = entries_.lower_bound(prefix);
  return it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> Features::words(const std::string &path) const {
  std::vector<std::string> out;
  auto it = entries_.find(path);
  if (it == entries_.end())
    return out;
  const std::string &v = it->second;
  size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && std::isspace(static_cast<unsigned char>(v[i])))
      ++i;
    size_t s = i;
    while (i < v.size() && !std::isspace(static_cast<unsigned char>(v[i])))
      ++i;
    if (i > s)
      out.push_back(v.substr(s, i - s));
  }
  return out;
}

} // namespace aasim::frontend

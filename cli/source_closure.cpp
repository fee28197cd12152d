#include "source_closure.h"

#include <cctype>

namespace aasim::cli {

namespace {

bool isWordByte(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

size_t skipBlanks(const std::string &t, size_t i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t'))
    ++i;
  return i;
}

bool wordAt(const std::string &t, size_t i, std::string_view w) {
  return t.compare(i, w.size(), w) == 0 && (i + w.size() >= t.size() || !isWordByte(t[i + w.size()]));
}

} // namespace

std::vector<std::pair<std::string, bool>> includedNames(const std::string &text) {
  std::vector<std::pair<std::string, bool>> out;
  for (std::string_view keyword : {std::string_view("include"), std::string_view("abi")}) {
    for (size_t at = text.find(keyword); at != std::string::npos; at = text.find(keyword, at + 1)) {
      if (at > 0 && isWordByte(text[at - 1]))
        continue;
      if (!wordAt(text, at, keyword))
        continue;
      size_t i = skipBlanks(text, at + keyword.size());
      if (keyword == "include" && wordAt(text, i, "if")) {
        i = skipBlanks(text, i + 2);
        if (!wordAt(text, i, "exists"))
          continue;
        i = skipBlanks(text, i + 6);
      }
      if (i >= text.size())
        continue;
      char open = text[i];
      if (open == '<' || open == '"') {
        size_t end = text.find(open == '<' ? '>' : '"', i + 1);
        if (end != std::string::npos && text.find('\n', i) > end)
          out.emplace_back(text.substr(i + 1, end - i - 1), open == '<');
      } else {
        size_t end = i;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != ',')
          ++end;
        if (end > i)
          out.emplace_back(text.substr(i, end - i), false);
      }
    }
  }
  return out;
}

std::string SourceClosure::keyOf(const std::string &path) const {
  for (size_t i = 0; i < tree_.roots.size(); ++i) {
    const std::string &root = tree_.roots[i];
    if (!root.empty() && path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
        (root.back() == '/' || path[root.size()] == '/'))
      return "@" + std::to_string(i) + "/" + path.substr(root.size() + (root.back() == '/' ? 0 : 1));
  }
  return path;
}

const SourceClosure::Node &SourceClosure::node(const std::string &path) {
  auto it = nodes_.find(path);
  if (it != nodes_.end())
    return it->second;
  Node n;
  if (path.rfind("missing:", 0) == 0) {
    n.key = path;
    n.bytes = std::make_shared<const std::string>();
    return nodes_.emplace(path, std::move(n)).first->second;
  }
  if (resolver_.kind(path) == frontend::PathKind::Directory) {
    n.key = "dir:" + keyOf(path);
    std::vector<std::string> notices;
    std::string listing;
    for (const std::string &entry : resolver_.directoryEntries(path, notices)) {
      listing += entry.substr(entry.rfind('/') + 1) + '\n';  // names: the directory's own path differs
      n.reads.push_back(entry);
    }
    n.bytes = std::make_shared<const std::string>(std::move(listing));
    return nodes_.emplace(path, std::move(n)).first->second;
  }
  n.key = keyOf(path);
  std::string error;
  n.bytes = resolver_.read(path, error);
  if (!n.bytes)  // unreadable: its error, the same or not, is the content
    n.bytes = std::make_shared<const std::string>("unreadable: " + error);
  for (auto &[name, magic] : includedNames(*n.bytes)) {
    std::optional<std::string> found = magic ? resolver_.search(name)
                                             : (resolver_.kind(name) == frontend::PathKind::Missing
                                                    ? std::nullopt
                                                    : std::optional<std::string>(name));
    n.reads.push_back(found ? *found : "missing:" + name);
  }
  return nodes_.emplace(path, std::move(n)).first->second;
}

SourceClosure::Sources SourceClosure::closure(const std::string &file) {
  Sources out;
  std::vector<std::string> todo{file};
  std::map<std::string, bool> seen;
  while (!todo.empty()) {
    std::string path = std::move(todo.back());
    todo.pop_back();
    if (!seen.emplace(path, true).second)
      continue;
    const Node &n = node(path);
    out.emplace(n.key, n.bytes);
    for (const std::string &next : n.reads)
      todo.push_back(next);
  }
  return out;
}

std::optional<std::string> firstDifferentSource(const SourceClosure::Sources &a, const SourceClosure::Sources &b) {
  auto ia = a.begin(), ib = b.begin();
  for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
    if (ia->first != ib->first)
      return std::min(ia->first, ib->first);
    if (ia->second != ib->second && *ia->second != *ib->second)
      return ia->first;
  }
  if (ia != a.end())
    return ia->first;
  if (ib != b.end())
    return ib->first;
  return std::nullopt;
}

} // namespace aasim::cli

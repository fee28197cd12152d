#include "variables.h"

#include <fmt/format.h>

#include <algorithm>

namespace aasim::frontend {

std::string variableBaseName(const std::string &token) {
  std::string s = token;
  if (!s.empty() && (s[0] == '@' || s[0] == '$'))
    s.erase(0, 1);
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}')
    s = s.substr(1, s.size() - 2);
  return s;
}

static bool isNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool isNameChar(char c) { return isNameStart(c) || (c >= '0' && c <= '9') || c == '_'; }

size_t findVariableRef(const std::string &text, size_t from, size_t &len, std::string &name) {
  for (size_t i = from; i + 1 < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;  // skip the escaped character (\@ is a literal @)
      continue;
    }
    if (text[i] != '@' || text[i + 1] != '{')
      continue;
    size_t j = i + 2;
    if (j >= text.size() || !isNameStart(text[j]))
      continue;
    while (j < text.size() && isNameChar(text[j]))
      ++j;
    if (j < text.size() && text[j] == '}') {
      len = j + 1 - i;
      name = text.substr(i + 2, j - i - 2);
      return i;
    }
  }
  return std::string::npos;
}

const VariableTable::SetVar *VariableTable::findSet(const std::string &name) const {
  auto it = sets_.find(name);
  return it == sets_.end() ? nullptr : &it->second;
}

std::optional<bool> VariableTable::findBool(const std::string &name) const {
  auto it = bools_.find(name);
  if (it == bools_.end())
    return std::nullopt;
  return it->second;
}

void VariableTable::defineSet(const std::string &name, std::vector<std::string> values, SourceLoc loc) {
  SetVar v;
  v.values.insert(values.begin(), values.end());
  v.loc = loc;
  sets_[name] = std::move(v);
}

void VariableTable::addToSet(const std::string &name, const std::vector<std::string> &values) {
  sets_[name].values.insert(values.begin(), values.end());
}

void VariableTable::defineBool(const std::string &name, bool value) { bools_[name] = value; }

void VariableTable::remove(const std::string &name) {
  sets_.erase(name);
  bools_.erase(name);
}

bool VariableTable::expandStringInto(const std::string &text, std::set<std::string> &out,
                                     std::vector<std::string> &stack, ExpandError &err) const {
  size_t len = 0;
  std::string name;
  size_t pos = findVariableRef(text, 0, len, name);
  if (pos == std::string::npos) {
    out.insert(text);
    return true;
  }
  std::set<std::string> values;
  if (!expandInto(name, values, stack, err))
    return false;
  std::string prefix = text.substr(0, pos);
  std::string suffix = text.substr(pos + len);
  for (const auto &v : values)
    if (!expandStringInto(prefix + v + suffix, out, stack, err))
      return false;
  return true;
}

bool VariableTable::expandInto(const std::string &name, std::set<std::string> &out, std::vector<std::string> &stack,
                               ExpandError &err) const {
  if (std::find(stack.begin(), stack.end(), name) != stack.end()) {
    err.message = fmt::format("Variable @{{{}}} is referenced recursively (by @{{{}}})", name, stack.back());
    return false;
  }
  const SetVar *var = findSet(name);
  if (!var) {
    err.message = fmt::format("Failed to find declaration for: @{{{}}}", name);
    return false;
  }
  stack.push_back(name);
  for (const auto &value : var->values)
    if (!expandStringInto(value, out, stack, err))
      return false;
  stack.pop_back();
  return true;
}

std::optional<std::set<std::string>> VariableTable::expandSet(const std::string &name, ExpandError &err) const {
  std::set<std::string> out;
  std::vector<std::string> stack;
  if (!expandInto(name, out, stack, err))
    return std::nullopt;
  return out;
}

std::optional<std::set<std::string>> VariableTable::expandToSet(const std::string &text, ExpandError &err) const {
  std::set<std::string> out;
  std::vector<std::string> stack;
  if (!expandStringInto(text, out, stack, err))
    return std::nullopt;
  return out;
}

std::optional<std::string> VariableTable::expandWord(const std::string &text, ExpandError &err,
                                                     const std::map<std::string, std::set<std::string>> *overrides) const {
  std::string out;
  size_t cursor = 0;
  for (;;) {
    size_t len = 0;
    std::string name;
    size_t pos = findVariableRef(text, cursor, len, name);
    if (pos == std::string::npos) {
      out += text.substr(cursor);
      return out;
    }
    out += text.substr(cursor, pos - cursor);
    std::set<std::string> values;
    if (overrides) {
      if (auto it = overrides->find(name); it != overrides->end())
        values = it->second;
    }
    if (values.empty()) {
      auto expanded = expandSet(name, err);
      if (!expanded)
        return std::nullopt;
      values = std::move(*expanded);
    }
    cursor = pos + len;
    if (values.size() == 1) {
      out += *values.begin();
      continue;
    }
    bool slashBefore = !out.empty() && out.back() == '/';
    bool slashAfter = cursor < text.size() && text[cursor] == '/';
    std::string alt = "{";
    bool first = true;
    for (std::string v : values) {
      if (slashBefore)
        v.erase(0, v.find_first_not_of('/') == std::string::npos ? v.size() : v.find_first_not_of('/'));
      if (slashAfter)
        while (!v.empty() && v.back() == '/')
          v.pop_back();
      if (!first)
        alt += ',';
      alt += v;
      first = false;
    }
    alt += '}';
    out += alt;
  }
}

std::map<std::string, std::set<std::string>> automaticVariables(const std::string &fullName,
                                                                const std::optional<std::string> &attachPath) {
  std::map<std::string, std::set<std::string>> out;
  // The name matches itself only: glob characters are escaped, except
  // those the name already escapes (`/\{a,b\},c` stays as written, so
  // that `peer=@{profile_name}` equals `peer=/\{a,b\},c`).
  std::string escaped;
  for (size_t i = 0; i < fullName.size(); ++i) {
    char c = fullName[i];
    if (c == '\\' && i + 1 < fullName.size()) {
      escaped += c;
      escaped += fullName[++i];
      continue;
    }
    if (std::string_view("{}[]*?").find(c) != std::string_view::npos)
      escaped += '\\';
    escaped += c;
  }
  out["profile_name"] = {escaped};
  if (attachPath) {
    out["attach_path"] = {*attachPath};
    out["exec_path"] = {*attachPath};
  }
  return out;
}

} // namespace aasim::frontend

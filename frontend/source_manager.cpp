#include "source_manager.h"

#include <algorithm>

namespace aasim::frontend {

namespace {

std::shared_ptr<const std::vector<uint32_t>> findLineStarts(const std::string &text) {
  auto starts = std::make_shared<std::vector<uint32_t>>(1, 0);
  for (uint32_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n')
      starts->push_back(i + 1);
  return starts;
}

} // namespace

uint32_t SourceManager::addFile(std::string path, std::string text, SourceLoc includedFrom) {
  auto shared = std::make_shared<const std::string>(std::move(text));
  files_.push_back({std::move(path), shared, findLineStarts(*shared), includedFrom});
  return static_cast<uint32_t>(files_.size());
}

uint32_t SourceManager::addFile(std::string path, std::shared_ptr<const std::string> text, SourceLoc includedFrom) {
  auto [it, inserted] = linesOf_.try_emplace(text.get());
  if (inserted)
    it->second = {text, findLineStarts(*text)};
  files_.push_back({std::move(path), std::move(text), it->second.starts, includedFrom});
  return static_cast<uint32_t>(files_.size());
}

LineCol SourceManager::lineCol(SourceLoc loc) const {
  if (!loc.valid())
    return {};
  const File &f = files_.at(loc.file - 1);
  const std::vector<uint32_t> &starts = *f.lineStarts;
  auto it = std::upper_bound(starts.begin(), starts.end(), loc.offset);
  uint32_t line = static_cast<uint32_t>(it - starts.begin());
  return {line, loc.offset - starts[line - 1] + 1};
}

std::string_view SourceManager::lineText(SourceLoc loc) const {
  if (!loc.valid())
    return {};
  const File &f = files_.at(loc.file - 1);
  LineCol lc = lineCol(loc);
  const std::string &text = *f.text;
  uint32_t begin = (*f.lineStarts)[lc.line - 1];
  uint32_t end = begin;
  while (end < text.size() && text[end] != '\n')
    ++end;
  if (end > begin && text[end - 1] == '\r')
    --end;
  return std::string_view(text).substr(begin, end - begin);
}

} // namespace aasim::frontend

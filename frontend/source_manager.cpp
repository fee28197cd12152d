#include "source_manager.h"

#include <algorithm>

namespace aasim::frontend {

uint32_t SourceManager::addFile(std::string path, std::string text, SourceLoc includedFrom) {
  File f{std::move(path), std::move(text), {0}, includedFrom};
  for (uint32_t i = 0; i < f.text.size(); ++i)
    if (f.text[i] == '\n')
      f.lineStarts.push_back(i + 1);
  files_.push_back(std::move(f));
  return static_cast<uint32_t>(files_.size());
}

LineCol SourceManager::lineCol(SourceLoc loc) const {
  if (!loc.valid())
    return {};
  const File &f = files_.at(loc.file - 1);
  auto it = std::upper_bound(f.lineStarts.begin(), f.lineStarts.end(), loc.offset);
  uint32_t line = static_cast<uint32_t>(it - f.lineStarts.begin());
  return {line, loc.offset - f.lineStarts[line - 1] + 1};
}

std::string_view SourceManager::lineText(SourceLoc loc) const {
  if (!loc.valid())
    return {};
  const File &f = files_.at(loc.file - 1);
  LineCol lc = lineCol(loc);
  uint32_t begin = f.lineStarts[lc.line - 1];
  uint32_t end = begin;
  while (end < f.text.size() && f.text[end] != '\n')
    ++end;
  if (end > begin && f.text[end - 1] == '\r')
    --end;
  return std::string_view(f.text).substr(begin, end - begin);
}

} // namespace aasim::frontend

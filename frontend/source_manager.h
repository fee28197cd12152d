// Owns the text of every file the frontend reads and maps byte offsets back
// to file:line:col, including the chain of includes that led to a file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

namespace aasim::frontend {

/// A position in some loaded file. file == 0 means "no location".
struct SourceLoc {
  uint32_t file = 0;
  uint32_t offset = 0;
  bool valid() const { return file != 0; }
};

struct LineCol {
  uint32_t line = 0;  // 1-based
  uint32_t col = 0;   // 1-based, in bytes
};

class SourceManager {
public:
  /// Registers a buffer; `includedFrom` is the location of the include
  /// directive that pulled it in (invalid for command-line files).
  uint32_t addFile(std::string path, std::string text, SourceLoc includedFrom = {});
  /// The same for text shared with the include resolver: a file included
  /// by every profile of a run is stored, and its lines found, once.
  uint32_t addFile(std::string path, std::shared_ptr<const std::string> text, SourceLoc includedFrom = {});

  std::string_view text(uint32_t file) const { return *files_.at(file - 1).text; }
  const std::string &path(uint32_t file) const { return files_.at(file - 1).path; }
  SourceLoc includedFrom(uint32_t file) const { return files_.at(file - 1).includedFrom; }
  size_t fileCount() const { return files_.size(); }

  LineCol lineCol(SourceLoc loc) const;
  /// The full text of the line containing loc, without its newline.
  std::string_view lineText(SourceLoc loc) const;

private:
  struct Lines {
    std::shared_ptr<const std::string> text;  // keeps the key below alive
    std::shared_ptr<const std::vector<uint32_t>> starts;
  };
  struct File {
    std::string path;
    std::shared_ptr<const std::string> text;
    std::shared_ptr<const std::vector<uint32_t>> lineStarts;
    SourceLoc includedFrom;
  };
  std::vector<File> files_;
  std::unordered_map<const std::string *, Lines> linesOf_;  // shared texts seen so far
};

} // namespace aasim::frontend

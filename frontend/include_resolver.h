// Finds and reads the files named by `include` and `abi` directives:
// `<name>` searches the -I directories, then the base directory; `"name"`
// is a path relative to the working directory. Reads are cached for the
// whole run, so an abstraction used by a thousand profiles is read once.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aasim::frontend {

struct SearchPaths {
  std::vector<std::string> includeDirs;  // -I, in order
  std::string baseDir;                   // -b (searched last); empty = none
};

enum class PathKind { Missing, File, Directory, Other };

class IncludeResolver {
public:
  explicit IncludeResolver(SearchPaths paths) : paths_(std::move(paths)) {}

  /// First "<dir>/<name>" that exists, searching -I dirs then the base dir.
  std::optional<std::string> search(const std::string &name) const;
  PathKind kind(const std::string &path) const;
  /// The file's bytes, or nullopt with `error` set.
  std::shared_ptr<const std::string> read(const std::string &path, std::string &error);
  /// Entries of a directory that an include of it pulls in, in the order
  /// apparmor_parser reads them; skips dot files, package-manager leftovers
  /// (*.dpkg-new, *.rpmsave, *~, ...) and anything but regular files.
  std::vector<std::string> directoryEntries(const std::string &dir, std::vector<std::string> &ignoredNotices) const;

  const SearchPaths &paths() const { return paths_; }

private:
  SearchPaths paths_;
  std::map<std::string, std::shared_ptr<const std::string>> cache_;
};

/// Names in a directory (without `.` and `..`), sorted bytewise as
/// apparmor_parser walks them; empty when it cannot be opened.
std::vector<std::string> sortedDirectoryNames(const std::string &dir);

/// True for names an include of a directory skips (dot files, backups,
/// package-manager files). `loud` is set when apparmor_parser mentions it.
bool isIgnoredIncludeName(const std::string &name, bool &loud);

} // namespace aasim::frontend

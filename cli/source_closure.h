// Which files a policy file may read, so that `aasim diff` compiles only
// what changed: a profile file whose own bytes and every file it may
// include (transitively) are the same in both trees compiles to the same
// policy, and needs no comparison.
//
// The scan is lexical and errs on the side of reading more: every
// `include`/`#include`/`abi` word followed by a name counts, even in a
// comment or an `if` branch that is never taken, so a dependency is never
// missed; an extra one only costs a compile.
#pragma once

#include "frontend/include_resolver.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aasim::cli {

/// A tree of policy: the directories that correspond between the two
/// versions (root i of one tree is root i of the other) and the search
/// paths its includes use.
struct PolicyTree {
  std::vector<std::string> roots;
  frontend::SearchPaths paths;
};

class SourceClosure {
public:
  explicit SourceClosure(PolicyTree tree) : tree_(std::move(tree)), resolver_(tree_.paths) {}

  /// Every file `file` may read, itself included: key (a path under root i
  /// as "@i/rel", else the path; "missing:NAME" for an include that
  /// resolves to nothing; "dir:KEY" for a directory's listing) -> bytes.
  using Sources = std::map<std::string, std::shared_ptr<const std::string>>;
  Sources closure(const std::string &file);

private:
  struct Node {
    std::string key;
    std::shared_ptr<const std::string> bytes;
    std::vector<std::string> reads;  // paths (or "missing:NAME") it names
  };
  const Node &node(const std::string &path);
  std::string keyOf(const std::string &path) const;

  PolicyTree tree_;
  frontend::IncludeResolver resolver_;
  std::map<std::string, Node> nodes_;
};

/// The names a policy text's include and abi directives give (the text
/// between <> or "", or the bare word), with whether each is a <> name.
std::vector<std::pair<std::string, bool>> includedNames(const std::string &text);

/// The first key whose bytes differ or that only one closure holds;
/// nullopt when the two hold the same keys with the same bytes.
std::optional<std::string> firstDifferentSource(const SourceClosure::Sources &a, const SourceClosure::Sources &b);

} // namespace aasim::cli

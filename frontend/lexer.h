// The modal lexer of the profile language. Like apparmor_parser's, it has a
// stack of start conditions (a rule keyword such as `network` switches to
// that class's token set until the closing `,`) and it splices included
// files into the token stream where the `include` directive stands.
#pragma once

#include "diagnostics.h"
#include "dialect.h"
#include "include_resolver.h"
#include "token.h"
#include "token_cache.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace aasim::frontend {

enum class LexMode {
  Initial, SubId, SubIdWs, SubValue, IdentityValue, ExtCond, ExtCondList, Network, ListVal, ListCond,
  ListCondVal, ListCondParenVal, Assign, Rlimit, Mount, Dbus, Signal, Ptrace, Unix, ChangeProfile,
  Include, IncludeExists, Abi, Userns, Mqueue, IoUring, Integer, Expr, AssignExpr, AssignExprStart,
};

class Lexer {
public:
  /// With a `cache`, included files are lexed once per cache (see token_cache.h).
  Lexer(SourceManager &sm, IncludeResolver &resolver, Diagnostics &diags, Dialect dialect = Dialect::V6_0,
        TokenCache *cache = nullptr)
      : sm_(sm), resolver_(resolver), diags_(diags), dialect_(dialect), cache_(cache) {
    includeScopes_.emplace_back();
  }

  /// Starts lexing a top-level file already registered in the SourceManager.
  void start(uint32_t file);
  /// The next token; throws FatalError on a lexical error.
  Token next();

  /// Profiles keep their own record of included files (a file included
  /// twice inside one profile is read once); the parser brackets each
  /// profile body with these.
  void pushIncludeScope() { includeScopes_.emplace_back(); }
  void popIncludeScope() {
    if (includeScopes_.size() > 1)
      includeScopes_.pop_back();
  }
  /// The abi directive resolves its file like an include (search path and
  /// include record); returns the path or an empty string when skipped.
  std::string resolveAbi(const std::string &name, bool search, SourceLoc loc);

  /// Files included so far (for `-p` style output and dependency lists).
  const std::vector<std::string> &includedFiles() const { return included_; }

private:
  struct Buffer {
    uint32_t file;
    uint32_t pos = 0;
    bool started = false;  // the modes it starts in are known
    LexMode startMode = LexMode::Initial;
    size_t startDepth = 0;
    bool balanced = true;  // left the modes as it found them, never popped below
    const LexRecording *replay = nullptr;    // replaying instead of lexing
    size_t nextEvent = 0;
    std::unique_ptr<LexRecording> recording;  // lexing and recording (included files)
  };

  void pushMode(LexMode m) {
    modeStack_.push_back(mode_);
    mode_ = m;
  }
  void popMode();
  void startBuffer(Buffer &buf);
  void finishBuffer();
  std::optional<Token> replayStep();
  std::optional<Token> lexToken();
  void record(LexEvent event);
  void include(const std::string &rawName, SourceLoc loc, bool ifExists);
  void pushFile(const std::string &path, SourceLoc from);
  [[noreturn]] void unexpected(const char *p, SourceLoc loc);

  SourceManager &sm_;
  IncludeResolver &resolver_;
  Diagnostics &diags_;
  Dialect dialect_;
  TokenCache *cache_;
  std::vector<Buffer> buffers_;
  LexMode mode_ = LexMode::Initial;
  std::vector<LexMode> modeStack_;
  std::vector<std::set<std::string>> includeScopes_;
  std::vector<std::string> included_;
  size_t includeDepth_ = 0;
};

const char *lexModeName(LexMode m);

} // namespace aasim::frontend

// What lexing an included file produced, kept for the rest of the run so
// that a file included by every profile (tunables/global, the common
// abstractions) is lexed once per run instead of once per profile.
//
// Lexing is modal, so a recording is keyed by the path and the lexer mode
// the file starts in, and kept only when the file leaves the mode as it
// found it without popping below it: then its tokens do not depend on what
// surrounds it. Include directives inside it are recorded as directives,
// not as the tokens they produced, because whether they are read depends
// on the including profile's include record; replaying them goes through
// the lexer's include logic again. Token locations are recorded against
// the file and rebased on the file id of each inclusion, so diagnostics
// keep their include chains.
#pragma once

#include "token.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace aasim::frontend {

/// One step of a recorded file: a token, or an include directive with the
/// lexer modes above the file's starting depth at that point.
struct LexEvent {
  Token token;                      // the directive's location when `include`
  bool include = false;
  bool ifExists = false;            // include if exists
  std::string includeName;          // raw, with <> or quotes
  uint8_t mode = 0;                 // LexMode at the directive
  std::vector<uint8_t> modeStack;   // modes pushed inside the file so far
};

struct LexRecording {
  std::vector<LexEvent> events;
};

class TokenCache {
public:
  const LexRecording *find(const std::string &path, uint8_t mode) const {
    auto it = recordings_.find({path, mode});
    return it == recordings_.end() ? nullptr : it->second.get();
  }
  void store(const std::string &path, uint8_t mode, std::unique_ptr<LexRecording> recording) {
    recordings_.try_emplace({path, mode}, std::move(recording));
  }

private:
  std::map<std::pair<std::string, uint8_t>, std::unique_ptr<LexRecording>> recordings_;
};

} // namespace aasim::frontend

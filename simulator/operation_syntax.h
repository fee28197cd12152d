// The words that name one operation, shared by `aasim query` and the
// synthetic trace format (docs/traces.md): `open /etc/shadow r`,
// `exec /usr/bin/gzip`, `capability net_admin`, `network connect inet
// stream`, `signal term /usr/bin/peer`, ... Each becomes the request the
// kernel would check for it (kernel-semantics.md §8.2, §10).
#pragma once

#include "request.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aasim::simulator {

/// nullopt with `error` (naming the word at fault) when the words do not
/// name an operation.
std::optional<Request> parseOperation(std::vector<std::string> words, std::string &error);

/// Splits a line into words: blanks separate, double quotes group (with
/// \" and \\ inside). nullopt with `error` for an unclosed quote.
std::optional<std::vector<std::string>> splitWords(std::string_view line, std::string &error);

/// File permission letters as the kernel logs them and `access` takes
/// them: r w a x m k l, c (create), d (delete). Other letters ask nothing;
/// the first one is stored in `unknown` when given.
uint32_t filePermissionLetters(std::string_view letters, char *unknown = nullptr);

/// Masks as the kernel's audit records spell them: file masks by letters
/// ("rw", "x", "c", "d"), the others by names ("send receive", "create").
std::string fileMaskString(uint32_t mask);
std::string policyMaskString(const Request &request, uint32_t mask);

/// Capability names and numbers (Linux numbering).
std::optional<unsigned> capabilityByName(std::string_view name);
std::string capabilityName(unsigned cap);

} // namespace aasim::simulator

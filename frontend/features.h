// A kernel (or policy ABI) feature set in apparmor_parser's features-file
// format: nested `name {value}` blocks, e.g. `network {af_unix {yes}}`.
// Paths name entries like "network/af_unix" or "caps/mask".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace aasim::frontend {

class Features {
public:
  /// Parses the features-file format; nullopt with `error` on malformed input.
  static std::optional<Features> parse(const std::string &text, std::string &error);
  /// The feature set apparmor_parser assumes when neither -M nor an abi
  /// rule says otherwise: everything this frontend knows is supported.
  static Features allSupported();

  bool has(const std::string &path) const;
  /// Whitespace-separated words of a value entry (e.g. "caps/mask").
  std::vector<std::string> words(const std::string &path) const;
  bool all() const { return all_; }

private:
  bool all_ = false;
  std::map<std::string, std::string> entries_;  // path -> raw value ("" for directories)
};

} // namespace aasim::frontend

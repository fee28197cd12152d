// One event of a trace, recorded or synthetic, as the replay consumes it:
// a process starting, forking, or asking for something. Traces of either
// kind become a sequence of these.
#pragma once

#include "request.h"

#include <cstdint>
#include <optional>
#include <string>

namespace aasim::simulator {

struct TraceEvent {
  enum class Kind : uint8_t { Start, Fork, Request };
  Kind kind = Kind::Request;
  size_t line = 0;  // in its trace file
  long pid = 0;
  // Start: the executable and, when given, the label it runs under
  // (otherwise it is exec'd from unconfined and attaches by path).
  std::string exe;
  std::optional<std::string> label;
  long childPid = 0;  // Fork
  std::optional<Request> request;  // Request
  /// Recorded events: the label and verdict the log shows.
  std::optional<std::string> recordedLabel;
  std::optional<std::string> recorded;  // "DENIED", "ALLOWED", "AUDIT"
  /// A recorded AppArmor record that is no request the simulator decides
  /// (a status record, a class it does not model), and why; kept in the
  /// trace so that the replay can say so at its place.
  std::optional<std::string> notDecided;
};

} // namespace aasim::simulator

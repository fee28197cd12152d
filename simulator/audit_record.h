// Internal to the audit-log files (audit_log.h is their API): one record
// read as libapparmor's parse_record() reads it, with where and why it
// fails (audit_record.cpp), for the line forms and parseAuditRecord().
#pragma once

#include "audit_log.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace aasim::simulator::detail {

// The event libapparmor makes of a record; why, when it is AA_RECORD_INVALID.
struct DetailedParse {
  AuditEvent event;
  std::optional<size_t> problemPos;  // where the problem is, when it has a place
  std::string problem;               // without the place
};
DetailedParse parseDetailed(std::string_view text);

// "column 12", or "line 2, column 5" inside a record wrapped over lines.
std::string locate(std::string_view text, size_t pos);

// `parse`'s problem, led by its place in `text` when it has one.
std::string placedProblem(std::string_view text, const DetailedParse &parse);

// At most `most` bytes of `text` for a message: other bytes than
// printable ASCII as \xHH, "..." when it was cut.
std::string shortened(std::string_view text, size_t most = 24);

} // namespace aasim::simulator::detail

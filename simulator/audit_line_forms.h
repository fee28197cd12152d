// Internal to the audit-log files (audit_log.h is their API): what the
// reader (audit_log.cpp) asks of the line forms (audit_line_forms.cpp)
// besides parseAuditLine().
#pragma once

#include <string_view>

namespace aasim::simulator::detail {

// Records that are AppArmor's even when they cannot be read: they are
// reported, where anything else is skipped.
bool mentionsAppArmor(std::string_view s);

// journalctl -o json writes one object a line.
bool isJsonLine(std::string_view line);

} // namespace aasim::simulator::detail

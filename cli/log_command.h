// `aasim log [--json] FILE...`: the AppArmor events of audit logs in any
// form they reach users (docs/audit-logs.md), one a line, read the way
// libapparmor reads them.
#pragma once

#include <string>
#include <vector>

namespace aasim::cli {

/// `args` are the arguments after `log`. Exit status: 0 every AppArmor
/// record read (other lines skipped), 1 some record malformed, 2 usage
/// errors or unreadable files.
int runLogCommand(const std::vector<std::string> &args);

} // namespace aasim::cli

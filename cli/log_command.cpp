// placeholder until the audit-log parser lands
#include "log_command.h"
namespace aasim::cli { int runLogCommand(const std::vector<std::string> &) { return 2; } }

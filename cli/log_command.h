// placeholder until the audit-log parser lands
#pragma once
#include <string>
#include <vector>
namespace aasim::cli { int runLogCommand(const std::vector<std::string> &args); }

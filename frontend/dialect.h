// Which apparmor_parser's language to read where 3.0 and 6.0 differ. The
// default is the current language; crosschecking against an installed
// 3.0.8 parser reads policy as 3.0.8 does.
#pragma once

namespace aasim::frontend {

enum class Dialect {
  V3_0,  // Debian 12's apparmor_parser 3.0.8: `#` in a variable assignment is a value, not a comment
  V6_0,  // the current language (apparmor.d(5) of 6.0)
};

} // namespace aasim::frontend

// Escape processing for ids and quoted strings, as the profile language
// defines it: \\, \", \NNN (octal), \dNNN, \xHH, \a \e \f \n \r \t. Glob
// metacharacters produced by an escape stay escaped so that the glob
// converter still treats them literally.
#pragma once

#include <string>
#include <string_view>

namespace aasim::frontend {

/// Turns the raw text of an id token into its value: strips surrounding
/// double quotes, then processes escapes.
std::string processId(std::string_view raw);
std::string processUnquoted(std::string_view raw);

} // namespace aasim::frontend

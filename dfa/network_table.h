// apparmor_parser 3.0.8's table of network (family, socket type) pairs
// that `network` rules select from: every address family of the kernel
// headers 3.0.8 was built with (46, decnet already gone from its name
// table) with the generic socket types, plus the protocol names of inet
// and inet6 that imply a type. Both encodings of network rules use it:
// the network_v8 class of the policy DFA and the legacy net_allowed_af
// table of the record (profile_record.h).
#pragma once

#include "frontend/ast.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aasim::dfa {

/// Address families 3.0.8 knows (AF_MAX of its build): the legacy table has
/// one entry per family.
inline constexpr unsigned kNetworkFamilies = 46;

/// The number of a family name (`inet` 2, `inet6` 10, ...).
std::optional<unsigned> networkFamilyNumber(std::string_view name);

/// The number of a socket type name (`stream` 1, `dgram` 2, ...; a
/// protocol name gives the type it implies: `tcp` 1).
std::optional<unsigned> socketTypeNumber(std::string_view name);

/// The names of a family and a socket type number (the number itself when
/// there is none), as audit records spell them.
std::string networkFamilyName(unsigned family);
std::string socketTypeName(unsigned type);

/// The (family, type) pairs one `network` rule covers, sorted and unique:
/// `network,` every family with each of the 16 types a type mask holds;
/// otherwise the rows of the table its words select (a lone word names a
/// family, or else a type or protocol).
std::vector<std::pair<unsigned, unsigned>> networkEntries(const frontend::ast::ClassRule &rule);

} // namespace aasim::dfa

#include "network_table.h"

#include <algorithm>
#include <array>

namespace aasim::dfa {

namespace {

constexpr std::array<std::string_view, kNetworkFamilies> kFamilies = {
    "unspec", "unix", "inet", "ax25", "ipx", "appletalk", "netrom", "bridge", "atmpvc", "x25",
    "inet6", "rose", "decnet", "netbeui", "security", "key", "netlink", "packet", "ash", "econet",
    "atmsvc", "rds", "sna", "irda", "pppox", "wanpipe", "llc", "ib", "mpls", "can",
    "tipc", "bluetooth", "iucv", "rxrpc", "isdn", "phonet", "ieee802154", "caif", "alg", "nfc",
    "vsock", "kcm", "qipcrtr", "smc", "xdp", "mctp"};

constexpr unsigned kDecnet = 12;

struct Row {
  unsigned family;
  std::string_view typeName;
  unsigned type;
};

const std::vector<Row> &rows() {
  static const std::vector<Row> table = [] {
    std::vector<Row> t;
    for (unsigned fam = 0; fam < kFamilies.size(); ++fam) {
      if (fam == kDecnet)
        continue;
      for (auto [name, type] : {std::pair<std::string_view, unsigned>{"stream", 1}, {"dgram", 2},
                                {"seqpacket", 5}, {"rdm", 4}, {"raw", 3}, {"packet", 10}})
        t.push_back({fam, name, type});
    }
    for (unsigned fam : {2u, 10u}) {
      t.push_back({fam, "tcp", 1});
      t.push_back({fam, "udp", 2});
    }
    t.push_back({2, "icmp", 3});
    return t;
  }();
  return table;
}

} // namespace

std::optional<unsigned> networkFamilyNumber(std::string_view name) {
  auto it = std::find(kFamilies.begin(), kFamilies.end(), name);
  if (it == kFamilies.end())
    return std::nullopt;
  return static_cast<unsigned>(it - kFamilies.begin());
}

namespace {
constexpr std::pair<std::string_view, unsigned> kSocketTypes[] = {
    {"stream", 1}, {"dgram", 2}, {"raw", 3}, {"rdm", 4}, {"seqpacket", 5}, {"dccp", 6}, {"packet", 10},
    // protocol names stand for the type they imply
    {"tcp", 1}, {"udp", 2}, {"icmp", 3}};
} // namespace

std::optional<unsigned> socketTypeNumber(std::string_view name) {
  for (auto [n, v] : kSocketTypes)
    if (n == name)
      return v;
  return std::nullopt;
}

std::string networkFamilyName(unsigned family) {
  return family < kFamilies.size() && !kFamilies[family].empty() ? std::string(kFamilies[family])
                                                                 : std::to_string(family);
}

std::string socketTypeName(unsigned type) {
  for (auto [n, v] : kSocketTypes)
    if (v == type)
      return std::string(n);
  return std::to_string(type);
}

std::vector<std::pair<unsigned, unsigned>> networkEntries(const frontend::ast::ClassRule &r) {
  std::vector<std::pair<unsigned, unsigned>> entries;
  if (r.ids.empty()) {
    for (unsigned fam = 0; fam < kNetworkFamilies; ++fam)
      for (unsigned t = 0; t < 16; ++t)
        entries.emplace_back(fam, t);
    return entries;
  }
  auto select = [&](const std::string *family, const std::string *type) {
    for (const auto &m : rows())
      if ((!family || networkFamilyNumber(*family) == m.family) && (!type || *type == m.typeName))
        entries.emplace_back(m.family, m.type);
  };
  const std::string *second = r.ids.size() > 1 ? &r.ids[1].text : nullptr;
  select(&r.ids[0].text, second);
  if (entries.empty() && !second)
    select(nullptr, &r.ids[0].text);
  std::sort(entries.begin(), entries.end());
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
  return entries;
}

} // namespace aasim::dfa

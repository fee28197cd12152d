#include "report_formats.h"

#include "simulator/audit_log.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

namespace aasim::cli {

namespace {

using simulator::jsonQuote;

// A path as a SARIF artifact URI (relative paths stay relative, resolved
// against the repository root by code-review tools).
std::string uriOf(const std::string &path) {
  std::string out;
  for (unsigned char c : std::filesystem::path(path).lexically_normal().string()) {
    if (std::isalnum(c) || std::strchr("/-._~@+", c))
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string location(const SourcePlace &p) {
  std::string region;
  if (p.line) {
    region = fmt::format(",\"region\":{{\"startLine\":{}", p.line);
    if (p.column)
      region += fmt::format(",\"startColumn\":{}", p.column);
    region += "}";
  }
  return fmt::format("{{\"physicalLocation\":{{\"artifactLocation\":{{\"uri\":{}}}{}}}}}", jsonQuote(uriOf(p.file)),
                     region);
}

std::string xmlEscape(const std::string &s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\n': out += "&#10;"; break;
    default:
      if (c < 0x20 && c != '\t')
        out += fmt::format("\\x{:02x}", c);  // not allowed in XML 1.0 at all
      else
        out += static_cast<char>(c);
    }
  }
  return out;
}

} // namespace

std::string sarifLog(const std::vector<ReportRule> &rules, const std::vector<Finding> &findings) {
  std::string ruleList;
  std::map<std::string, size_t> ruleIndex;
  for (const auto &r : rules) {
    ruleIndex[r.id] = ruleIndex.size();
    ruleList += fmt::format("{}{{\"id\":{},\"shortDescription\":{{\"text\":{}}}}}", ruleList.empty() ? "" : ",",
                            jsonQuote(r.id), jsonQuote(r.description));
  }
  std::string results;
  for (const auto &f : findings) {
    std::string related;
    for (size_t i = 0; i < f.related.size(); ++i) {
      std::string loc = location(f.related[i].place);
      loc.pop_back();  // add id and message to the location object
      related += fmt::format("{}{},\"id\":{},\"message\":{{\"text\":{}}}}}", related.empty() ? "" : ",", loc, i,
                             jsonQuote(f.related[i].message));
    }
    auto idx = ruleIndex.find(f.ruleId);
    results += fmt::format("{}{{\"ruleId\":{},{}\"level\":{},\"message\":{{\"text\":{}}},\"locations\":[{}]{}}}",
                           results.empty() ? "" : ",", jsonQuote(f.ruleId),
                           idx == ruleIndex.end() ? "" : fmt::format("\"ruleIndex\":{},", idx->second),
                           jsonQuote(f.level), jsonQuote(f.message), location(f.place),
                           related.empty() ? "" : ",\"relatedLocations\":[" + related + "]");
  }
  return fmt::format("{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
                     "\"runs\":[{{\"tool\":{{\"driver\":{{\"name\":\"aasim\",\"informationUri\":"
                     "\"https://github.com/aasim/aasim\",\"rules\":[{}]}}}},\"results\":[{}]}}]}}\n",
                     ruleList, results);
}

std::string junitXml(const std::string &name, const std::vector<TestCase> &cases) {
  struct Suite {
    size_t tests = 0, failures = 0, errors = 0;
    std::string body;
  };
  std::map<std::string, Suite> suites;
  size_t failures = 0, errors = 0;
  for (const auto &c : cases) {
    Suite &s = suites[c.suite];
    ++s.tests;
    s.body += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", xmlEscape(c.suite), xmlEscape(c.name));
    if (!c.failure) {
      s.body += "/>\n";
      continue;
    }
    const char *element = c.error ? "error" : "failure";
    (c.error ? s.errors : s.failures)++;
    (c.error ? errors : failures)++;
    s.body += fmt::format(">\n      <{} message=\"{}\">{}</{}>\n    </testcase>\n", element, xmlEscape(*c.failure),
                          xmlEscape(c.details), element);
  }
  std::string out = fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" tests=\"{}\" "
                                "failures=\"{}\" errors=\"{}\">\n",
                                xmlEscape(name), cases.size(), failures, errors);
  for (const auto &[suite, s] : suites)
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n{}  </testsuite>\n",
                       xmlEscape(suite), s.tests, s.failures, s.errors, s.body);
  return out + "</testsuites>\n";
}

bool writeReport(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out)
    out << text;
  if (!out) {
    fmt::print(stderr, "aasim: error: cannot write '{}': {}\n", path, std::strerror(errno));
    return false;
  }
  return true;
}

} // namespace aasim::cli

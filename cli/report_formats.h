// Machine-readable reports shared by `aasim test` and `aasim lint`: SARIF
// 2.1.0 (code-review annotations: GitHub code scanning, GitLab) and JUnit
// XML (CI test reports). Both are built from plain findings, so that each
// command only says what it found and where.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace aasim::cli {

struct SourcePlace {
  std::string file;
  size_t line = 0, column = 0;  // 1-based; 0: unknown
};

struct RelatedPlace {
  SourcePlace place;
  std::string message;
};

/// One result: a failed assertion, a lint finding.
struct Finding {
  std::string ruleId;  // the kind: "never", "redundant", ...
  std::string level;   // "error", "warning", "note"
  std::string message;
  SourcePlace place;
  std::vector<RelatedPlace> related;  // e.g. the rules behind a decision
};

struct ReportRule {
  std::string id, description;
};

/// A SARIF 2.1.0 log of one run of `aasim COMMAND`.
std::string sarifLog(const std::vector<ReportRule> &rules, const std::vector<Finding> &findings);

/// One JUnit test case: passed when `failure` is empty.
struct TestCase {
  std::string suite, name;
  std::optional<std::string> failure;  // the message
  std::string details;
  bool error = false;  // the assertion could not be checked (not a failure of the policy)
};

std::string junitXml(const std::string &name, const std::vector<TestCase> &cases);

/// False after printing why when `path` cannot be written.
bool writeReport(const std::string &path, const std::string &text);

} // namespace aasim::cli

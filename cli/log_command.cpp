#include "log_command.h"

#include "simulator/audit_log.h"

#include <fmt/format.h>

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

namespace aasim::cli {

namespace {

using namespace aasim::simulator;

constexpr int kExitOk = 0;
constexpr int kExitMalformed = 1;
constexpr int kExitUsage = 2;

void printLogUsage(std::FILE *to) {
  fmt::print(to,
             "usage: aasim log [--json] [FILE...]\n"
             "\n"
             "Prints the AppArmor events of audit logs, one a line: audit.log, dmesg,\n"
             "syslog / kern.log / journalctl -k text, journalctl -o json (- or no FILE:\n"
             "standard input). Other lines are skipped; AppArmor records that cannot be\n"
             "read are reported on stderr as FILE:LINE: error: ...\n"
             "\n"
             "  --json   one JSON object an event, with every field libapparmor extracts\n"
             "\n"
             "Exit status: 0 all records read, 1 some record malformed, 2 usage or I/O error.\n");
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// Prints one stream's events; returns its counts.
AuditLogCounts printLog(std::istream &in, const std::string &name, bool json, bool &readFailed) {
  AuditLogReader reader(in);
  while (auto entry = reader.next()) {
    if (const auto *event = std::get_if<AuditEvent>(&entry->parsed))
      fmt::print("{}\n", json ? formatAuditEventJson(*event, name) : formatAuditEventText(*event, name));
    else if (const auto *bad = std::get_if<MalformedLine>(&entry->parsed))
      fmt::print(stderr, "{}:{}: error: {}\n", name, entry->line, bad->message);
  }
  readFailed = reader.readFailed();
  return reader.counts();
}

} // namespace

int runLogCommand(const std::vector<std::string> &args) {
  bool json = false;
  std::vector<std::string> files;
  bool optionsDone = false;
  for (const std::string &a : args) {
    if (!optionsDone && a == "--json") {
      json = true;
    } else if (!optionsDone && (a == "-h" || a == "--help")) {
      printLogUsage(stdout);
      return kExitOk;
    } else if (!optionsDone && a == "--") {
      optionsDone = true;
    } else if (!optionsDone && a.size() > 1 && a[0] == '-') {
      fmt::print(stderr, "aasim log: unknown option '{}'\n", a);
      printLogUsage(stderr);
      return kExitUsage;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty())
    files.push_back("-");

  int status = kExitOk;
  AuditLogCounts total;
  auto worsen = [&](int s) { status = std::max(status, s); };
  for (const std::string &file : files) {
    bool readFailed = false;
    AuditLogCounts counts;
    if (file == "-") {
      counts = printLog(std::cin, "<stdin>", json, readFailed);
    } else {
      struct stat st {};
      if (stat(file.c_str(), &st) != 0) {
        fmt::print(stderr, "aasim log: cannot read {}: {}\n", file, std::strerror(errno));
        worsen(kExitUsage);
        continue;
      }
      if (S_ISDIR(st.st_mode)) {
        fmt::print(stderr, "aasim log: cannot read {}: is a directory\n", file);
        worsen(kExitUsage);
        continue;
      }
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        fmt::print(stderr, "aasim log: cannot read {}: {}\n", file, std::strerror(errno));
        worsen(kExitUsage);
        continue;
      }
      counts = printLog(in, file, json, readFailed);
    }
    if (readFailed) {
      fmt::print(stderr, "aasim log: read error in {}\n", file == "-" ? "<stdin>" : file);
      worsen(kExitUsage);
    }
    if (counts.malformed)
      worsen(kExitMalformed);
    total.events += counts.events;
    total.skipped += counts.skipped;
    total.malformed += counts.malformed;
  }
  std::fflush(stdout);
  fmt::print(stderr, "aasim log: {}, {}, {}\n", plural(total.events, "event", "events"),
             plural(total.skipped, "skipped line", "skipped lines"),
             plural(total.malformed, "malformed record", "malformed records"));
  return status;
}

} // namespace aasim::cli

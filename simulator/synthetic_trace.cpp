#include "synthetic_trace.h"

#include "operation_syntax.h"
#include "trace_reader.h"

#include <fmt/format.h>

namespace aasim::simulator {

namespace {

std::optional<long> pidOf(const std::string &w) {
  if (w.empty() || w.size() > 10)
    return std::nullopt;
  long v = 0;
  for (char c : w) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

} // namespace

bool parseSyntheticLine(std::string_view line, size_t lineNumber, std::optional<TraceEvent> &event,
                        std::string &problem) {
  event.reset();
  size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos || line[first] == '#')
    return true;
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  auto words = splitWords(line, problem);
  if (!words)
    return false;
  if (words->size() < 2) {
    problem = "expected PID OPERATION ARGS...";
    return false;
  }
  auto pid = pidOf((*words)[0]);
  if (!pid) {
    problem = fmt::format("expected a process id, found '{}'", (*words)[0]);
    return false;
  }
  // Filled in place: the event is moved no further than to the reader.
  TraceEvent &e = event.emplace();
  auto fail = [&](std::string why) {
    problem = std::move(why);
    event.reset();
    return false;
  };
  e.line = lineNumber;
  e.pid = *pid;
  const std::string &op = (*words)[1];
  if (op == "start") {
    if (words->size() < 3 || words->size() > 4 || (words->size() == 4 && (*words)[3].rfind("label=", 0) != 0)) {
      return fail("usage: PID start EXE [label=LABEL]");
    }
    e.kind = TraceEvent::Kind::Start;
    e.exe = (*words)[2];
    if (words->size() == 4)
      e.label = (*words)[3].substr(6);
  } else if (op == "fork") {
    auto child = words->size() == 3 ? pidOf((*words)[2]) : std::nullopt;
    if (!child) {
      return fail("usage: PID fork CHILD_PID");
    }
    e.kind = TraceEvent::Kind::Fork;
    e.childPid = *child;
  } else {
    words->erase(words->begin());
    auto r = parseOperation(std::move(*words), problem);
    if (!r)
      return fail(std::move(problem));
    e.request = std::move(*r);
  }
  return true;
}

SyntheticTrace readSyntheticTrace(std::istream &in) {
  SyntheticTrace out;
  TraceReader reader(in, TraceFormat::Synthetic);
  while (auto item = reader.next()) {
    if (item->problem)
      out.problems.push_back(std::move(*item->problem));
    else
      out.events.push_back(std::move(*item->event));
  }
  return out;
}

bool looksSynthetic(std::string_view firstLine) {
  if (firstLine.rfind("#aasim-trace", 0) == 0)
    return true;
  size_t i = 0;
  while (i < firstLine.size() && firstLine[i] >= '0' && firstLine[i] <= '9')
    ++i;
  if (i == 0 || i >= firstLine.size() || firstLine[i] != ' ')
    return false;
  // A kernel log line never has a bare number then a word then a path or
  // name; an operation word follows the pid here.
  std::string_view rest = firstLine.substr(i + 1);
  size_t end = rest.find(' ');
  std::string word(rest.substr(0, end));
  std::string problem;
  std::optional<TraceEvent> e;
  return word == "start" || word == "fork" || parseSyntheticLine(firstLine, 1, e, problem);
}

} // namespace aasim::simulator

// The text table `aasim replay` prints on a terminal: one row an event,
// columns aligned. Rows stream out as events are decided; the column
// widths are fixed by the first rows (held back until there are enough),
// and a longer value later only shifts the rest of its own row.
#pragma once

#include <array>
#include <cstdio>
#include <string>
#include <vector>

namespace aasim::cli {

class ReplayTable {
public:
  /// LINE PID DECISION LOG PROFILE OPERATION NAME REQUESTED RESULT
  static constexpr size_t kColumns = 9;
  using Row = std::array<std::string, kColumns>;

  explicit ReplayTable(std::FILE *out, size_t rowsForWidths = 200) : out_(out), rowsForWidths_(rowsForWidths) {}
  ~ReplayTable() { flush(); }
  ReplayTable(const ReplayTable &) = delete;
  ReplayTable &operator=(const ReplayTable &) = delete;

  void add(Row row);
  /// Prints what is held back (the header first, if not yet printed).
  void flush();

private:
  void print(const Row &row) const;

  std::FILE *out_;
  size_t rowsForWidths_;
  std::vector<Row> pending_;
  std::array<size_t, kColumns> widths_{};
  bool started_ = false;
};

} // namespace aasim::cli

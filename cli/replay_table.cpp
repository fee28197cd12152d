#include "replay_table.h"

#include <fmt/format.h>

#include <algorithm>

namespace aasim::cli {

namespace {

const ReplayTable::Row kHeader = {"LINE", "PID", "DECISION", "LOG", "PROFILE", "OPERATION", "NAME", "REQUESTED",
                                  "RESULT"};
// Widest a column grows from the first rows: a long path should not push
// every other row to the right.
constexpr size_t kMaxWidth = 48;
// Numbers read best aligned right.
constexpr bool kRightAligned[ReplayTable::kColumns] = {true, true};

} // namespace

void ReplayTable::add(Row row) {
  if (started_) {
    print(row);
    return;
  }
  pending_.push_back(std::move(row));
  if (pending_.size() >= rowsForWidths_)
    flush();
}

void ReplayTable::flush() {
  if (!started_) {
    for (size_t c = 0; c < kColumns; ++c) {
      widths_[c] = kHeader[c].size();
      for (const Row &r : pending_)
        widths_[c] = std::max(widths_[c], std::min(r[c].size(), kMaxWidth));
    }
    started_ = true;
    if (pending_.empty())
      return;  // no events: no table
    print(kHeader);
  }
  for (const Row &r : pending_)
    print(r);
  pending_.clear();
}

void ReplayTable::print(const Row &row) const {
  std::string line;
  for (size_t c = 0; c < kColumns; ++c) {
    if (c)
      line += "  ";
    if (c + 1 == kColumns) {
      line += row[c];  // the last column is not padded
      break;
    }
    if (kRightAligned[c])
      line += fmt::format("{:>{}}", row[c], widths_[c]);
    else
      line += fmt::format("{:<{}}", row[c], widths_[c]);
  }
  while (!line.empty() && line.back() == ' ')
    line.pop_back();
  fmt::print(out_, "{}\n", line);
}

} // namespace aasim::cli

// Running the files of one command in parallel, like `apparmor_parser -j N`:
// N worker processes, forked after the options are read, each keep their
// own frontend (and so their own cache of included files) across the files
// they are handed. Processes rather than threads because then no state is
// shared by construction, and each worker's memory is its own, as with
// apparmor_parser's workers. What a job prints is captured and replayed by
// the parent in input order, so output reads as in a sequential run.
#pragma once

#include <llvm/ADT/STLFunctionalExtras.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace aasim::cli {

/// What one job leaves behind besides its output: its exit status and
/// bytes the caller collects in input order (compile -S/-o: the records).
struct JobResult {
  int status = 0;
  std::string payload;
};

/// -j's value as apparmor_parser reads it: a count, `auto` or `max` (the
/// online CPUs), or `xN` (N per CPU); 0 means one. nullopt when it is
/// none of these.
std::optional<unsigned> parseJobCount(const std::string &text);

/// Runs `work(i)` for every input `names[i]`, in `jobs` worker processes
/// when there is more than one of each (else in this process). Standard
/// output and error of each job, then `collect(i, result)`, come in input
/// order. Returns the highest status; a worker that dies fails its job
/// with `failedStatus`.
int runJobs(const std::vector<std::string> &names, unsigned jobs, llvm::function_ref<JobResult(size_t index)> work,
            llvm::function_ref<void(size_t index, JobResult &result)> collect, int failedStatus);

} // namespace aasim::cli

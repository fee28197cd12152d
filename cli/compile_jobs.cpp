#include "compile_jobs.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <type_traits>

namespace aasim::cli {

namespace {

constexpr unsigned kMaxJobs = 1024;

// The whole of `size` bytes through read(2) or write(2), across short
// transfers and interruptions; false on error or end of file.
template <class Buffer, class Transfer> bool transferAll(int fd, Buffer *data, size_t size, Transfer transfer) {
  auto *p = reinterpret_cast<std::conditional_t<std::is_const_v<Buffer>, const char, char> *>(data);
  while (size > 0) {
    ssize_t n = transfer(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool writeAll(int fd, const void *data, size_t size) { return transferAll(fd, data, size, ::write); }
bool readAll(int fd, void *data, size_t size) { return transferAll(fd, data, size, ::read); }

// What a worker sends back per job: this header, then the captured
// standard output, standard error and the payload.
struct ResultHeader {
  uint64_t index;
  int64_t status;
  uint64_t outSize, errSize, payloadSize;
};

struct Finished {
  JobResult result;
  std::string out, err;
};

// A memory file standing in for fd 1 or 2 while a job runs.
struct Capture {
  int fd = -1;
  int target = -1;

  bool open(int targetFd, const char *name) {
    target = targetFd;
    fd = ::memfd_create(name, MFD_CLOEXEC);
    return fd >= 0 && ::dup2(fd, target) >= 0;
  }
  void reset() {
    (void)::ftruncate(fd, 0);
    ::lseek(fd, 0, SEEK_SET);
  }
  std::string take() {
    std::string text(static_cast<size_t>(std::max<off_t>(::lseek(fd, 0, SEEK_CUR), 0)), '\0');
    if (!text.empty() && ::pread(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
      text.clear();
    return text;
  }
};

// The worker side: run the jobs the parent names until it closes the pipe.
[[noreturn]] void workerLoop(int commands, int results, llvm::function_ref<JobResult(size_t)> work) {
  std::fflush(stdout);
  std::fflush(stderr);
  Capture out, err;
  if (!out.open(STDOUT_FILENO, "aasim-stdout") || !err.open(STDERR_FILENO, "aasim-stderr"))
    std::_Exit(3);
  uint64_t index;
  while (readAll(commands, &index, sizeof index)) {
    out.reset();
    err.reset();
    JobResult r = work(static_cast<size_t>(index));
    std::fflush(stdout);
    std::fflush(stderr);
    std::string o = out.take(), e = err.take();
    ResultHeader h{index, r.status, o.size(), e.size(), r.payload.size()};
    if (!writeAll(results, &h, sizeof h) || !writeAll(results, o.data(), o.size()) ||
        !writeAll(results, e.data(), e.size()) || !writeAll(results, r.payload.data(), r.payload.size()))
      std::_Exit(3);
  }
  std::_Exit(0);
}

struct Worker {
  pid_t pid = -1;
  int commands = -1;  // parent writes job indices
  int results = -1;   // parent reads ResultHeader + bytes
  std::optional<uint64_t> running;
};

bool startWorker(Worker &w, std::vector<Worker> &started, llvm::function_ref<JobResult(size_t)> work) {
  int down[2], up[2];
  if (::pipe2(down, O_CLOEXEC) != 0)
    return false;
  if (::pipe2(up, O_CLOEXEC) != 0) {
    ::close(down[0]);
    ::close(down[1]);
    return false;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = ::fork();
  if (pid < 0)
    return false;
  if (pid == 0) {
    for (const Worker &other : started) {
      ::close(other.commands);
      ::close(other.results);
    }
    ::close(down[1]);
    ::close(up[0]);
    workerLoop(down[0], up[1], work);
  }
  ::close(down[0]);
  ::close(up[1]);
  w = Worker{pid, down[1], up[0], std::nullopt};
  return true;
}

std::optional<Finished> receive(Worker &w) {
  ResultHeader h;
  if (!readAll(w.results, &h, sizeof h))
    return std::nullopt;
  Finished f;
  f.result.status = static_cast<int>(h.status);
  f.out.resize(h.outSize);
  f.err.resize(h.errSize);
  f.result.payload.resize(h.payloadSize);
  if (!readAll(w.results, f.out.data(), f.out.size()) || !readAll(w.results, f.err.data(), f.err.size()) ||
      !readAll(w.results, f.result.payload.data(), f.result.payload.size()))
    return std::nullopt;
  return f;
}

std::string exitDescription(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid)
    return "it could not be waited for";
  if (WIFSIGNALED(status))
    return fmt::format("killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  return fmt::format("exited with status {}", WEXITSTATUS(status));
}

int runSequential(size_t count, llvm::function_ref<JobResult(size_t)> work,
                  llvm::function_ref<void(size_t, JobResult &)> collect) {
  int status = 0;
  for (size_t i = 0; i < count; ++i) {
    JobResult r = work(i);
    status = std::max(status, r.status);
    collect(i, r);
  }
  return status;
}

} // namespace

std::optional<unsigned> parseJobCount(const std::string &text) {
  long cpus = std::max(::sysconf(_SC_NPROCESSORS_ONLN), 1L);
  if (text == "auto" || text == "max")
    return static_cast<unsigned>(std::min<long>(cpus, kMaxJobs));
  bool perCpu = !text.empty() && text[0] == 'x';
  std::string digits = perCpu ? text.substr(1) : text;
  if (digits.empty() || digits.size() > 6 || !std::all_of(digits.begin(), digits.end(), ::isdigit))
    return std::nullopt;
  // apparmor_parser takes 0 (as in its own test suite's -j0) and runs
  // the files one after another then; so does aasim.
  long n = std::max(std::atol(digits.c_str()) * (perCpu ? cpus : 1), 1L);
  return static_cast<unsigned>(std::min<long>(n, kMaxJobs));
}

int runJobs(const std::vector<std::string> &names, unsigned jobs, llvm::function_ref<JobResult(size_t)> work,
            llvm::function_ref<void(size_t, JobResult &)> collect, int failedStatus) {
  const size_t count = names.size();
  if (jobs <= 1 || count <= 1)
    return runSequential(count, work, collect);
  std::vector<Worker> workers;
  for (unsigned i = 0; i < std::min<size_t>(jobs, count); ++i) {
    Worker w;
    if (!startWorker(w, workers, work))
      break;
    workers.push_back(w);
  }
  if (workers.empty())
    return runSequential(count, work, collect);

  std::map<uint64_t, Finished> done;  // finished, not yet shown
  uint64_t nextToShow = 0, nextToStart = 0;
  int status = 0;
  auto dispatch = [&](Worker &w) {
    if (nextToStart >= count || w.commands < 0)
      return;
    uint64_t index = nextToStart++;
    if (writeAll(w.commands, &index, sizeof index))
      w.running = index;
    else
      done[index] = Finished{{failedStatus, {}}, {}, fmt::format("aasim: error: cannot hand '{}' to a worker\n", names[index])};
  };
  auto show = [&] {
    for (auto it = done.find(nextToShow); it != done.end(); it = done.find(++nextToShow)) {
      std::fwrite(it->second.out.data(), 1, it->second.out.size(), stdout);
      std::fflush(stdout);
      std::fwrite(it->second.err.data(), 1, it->second.err.size(), stderr);
      std::fflush(stderr);
      status = std::max(status, it->second.result.status);
      collect(it->first, it->second.result);
      done.erase(it);
    }
  };
  for (Worker &w : workers)
    dispatch(w);
  size_t alive = workers.size();
  while (nextToShow < count && alive > 0) {
    std::vector<pollfd> fds;
    for (const Worker &w : workers)
      fds.push_back({w.running ? w.results : -1, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    for (size_t i = 0; i < workers.size(); ++i) {
      Worker &w = workers[i];
      if (!w.running || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      uint64_t index = *w.running;
      w.running.reset();
      if (auto f = receive(w)) {
        done[index] = std::move(*f);
        dispatch(w);
        continue;
      }
      // The worker is gone; its job fails and the others carry on.
      ::close(w.commands);
      ::close(w.results);
      w.commands = w.results = -1;
      --alive;
      done[index] = Finished{{failedStatus, {}}, {},
                             fmt::format("aasim: error: the worker compiling '{}' {}\n", names[index],
                                         exitDescription(w.pid))};
      w.pid = -1;
    }
    show();
  }
  // Jobs no worker was left to run or to report.
  for (Worker &w : workers)
    if (w.running)
      done[*w.running] = Finished{{failedStatus, {}}, {}, fmt::format("aasim: error: lost the worker compiling '{}'\n", names[*w.running])};
  for (; nextToStart < count; ++nextToStart)
    done[nextToStart] = Finished{{failedStatus, {}}, {}, fmt::format("aasim: error: no worker left for '{}'\n", names[nextToStart])};
  show();
  for (Worker &w : workers) {
    if (w.pid < 0)
      continue;
    ::close(w.commands);
    ::close(w.results);
    int ignored;
    ::waitpid(w.pid, &ignored, 0);
  }
  return status;
}

} // namespace aasim::cli

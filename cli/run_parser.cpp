#include "run_parser.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace aasim::cli {

namespace {

std::string slurp(int fd) {
  std::string data;
  ::lseek(fd, 0, SEEK_SET);
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0)
    data.append(buf, static_cast<size_t>(n));
  return data;
}

} // namespace

ProcessResult runProcess(const std::vector<std::string> &argv) {
  ProcessResult r;
  // Output goes to unlinked temporary files: no pipe deadlock on big policies.
  FILE *out = std::tmpfile(), *err = std::tmpfile();
  if (!out || !err)
    return r;
  pid_t pid = ::fork();
  if (pid < 0)
    return r;
  if (pid == 0) {
    ::dup2(::fileno(out), 1);
    ::dup2(::fileno(err), 2);
    std::vector<char *> args;
    for (const auto &a : argv)
      args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.started = r.exitStatus != 127;
  r.out = slurp(::fileno(out));
  r.err = slurp(::fileno(err));
  std::fclose(out);
  std::fclose(err);
  return r;
}

} // namespace aasim::cli

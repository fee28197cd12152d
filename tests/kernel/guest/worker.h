// A worker of the guest driver: a task under a profile (or none) that
// performs one operation per command line read from stdin and answers
// `VERDICT\tERRNO\tDETAIL` on stdout (aasim_guest.cpp describes the
// operations' words).
#pragma once

namespace aasim::guest {

/// Runs until stdin closes; the process's exit status.
int runWorker();

} // namespace aasim::guest

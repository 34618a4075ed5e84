// Turns SIGINT/SIGTERM into a byte on a pipe that an ordinary thread waits on. A handler rather
// than a blocked mask + sigwait(): libraries may start threads before main() (LibTorch does),
// and such a thread would take the signal with its default action and kill the process.
#pragma once

namespace clipgen::daemon {

class StopSignals {
 public:
  StopSignals();  // installs the handlers
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Blocks until a stop signal arrives (returns its number) or wake() is called (returns 0).
  int wait();
  void wake();
};

}  // namespace clipgen::daemon

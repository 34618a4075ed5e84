#include "stop_signals.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace clipgen::daemon {
namespace {

// A thread that exists before the handlers, as LibTorch's do before main(): the signal may land
// on it, and the process must still just report the signal.
TEST(StopSignals, ProcessSignalReachesWaitWhateverThreadTakesIt) {
  std::atomic<bool> quit{false};
  std::thread bystander([&] {
    while (!quit) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  {
    StopSignals signals;
    ASSERT_EQ(kill(getpid(), SIGTERM), 0);
    EXPECT_EQ(signals.wait(), SIGTERM);
    ASSERT_EQ(kill(getpid(), SIGINT), 0);
    EXPECT_EQ(signals.wait(), SIGINT);
  }
  quit = true;
  bystander.join();
}

TEST(StopSignals, WakeReturnsZero) {
  StopSignals signals;
  signals.wake();
  EXPECT_EQ(signals.wait(), 0);
}

}  // namespace
}  // namespace clipgen::daemon

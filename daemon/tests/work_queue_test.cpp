#include "work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace clipgen::daemon {
namespace {

// Holds workers inside their job until opened.
class Gate {
 public:
  void wait() {
    std::unique_lock<std::mutex> lock(m_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
  }
  void wait_for_waiters(int n) {
    std::unique_lock<std::mutex> lock(m_);
    changed_.wait(lock, [&] { return waiting_ >= n; });
  }
  void open() {
    std::lock_guard<std::mutex> lock(m_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool open_ = false;
};

TEST(WorkQueue, RefusesBeyondWorkersPlusCapacity) {
  WorkQueue q(2, 3);
  Gate gate;
  std::atomic<int> done{0};
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(q.try_submit([&] {
      gate.wait();
      ++done;
    }));
  }
  gate.wait_for_waiters(2);  // both workers busy
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(q.try_submit([&] { ++done; }));
  EXPECT_EQ(q.waiting(), 3u);
  EXPECT_FALSE(q.try_submit([&] { ++done; }));
  gate.open();
  q.shutdown();
  EXPECT_EQ(done, 5);
}

TEST(WorkQueue, ZeroCapacityStillRunsOnePerWorker) {
  WorkQueue q(1, 0);
  Gate gate;
  ASSERT_TRUE(q.try_submit([&] { gate.wait(); }));
  gate.wait_for_waiters(1);
  EXPECT_FALSE(q.try_submit([] {}));
  gate.open();
}

TEST(WorkQueue, ShutdownRunsAcceptedJobsThenRefuses) {
  std::atomic<int> done{0};
  WorkQueue q(1, 100);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(q.try_submit([&] { ++done; }));
  q.shutdown();
  EXPECT_EQ(done, 50);
  EXPECT_FALSE(q.try_submit([&] { ++done; }));
  q.shutdown();  // idempotent
}

}  // namespace
}  // namespace clipgen::daemon

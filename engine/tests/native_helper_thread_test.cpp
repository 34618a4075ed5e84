// The helper thread that takes half of a batch (engine/src/native/helper_thread.h): both halves
// run, errors come back to the caller, and a busy or disabled helper leaves the batch whole.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

#include "native/helper_thread.h"

namespace clipgen::engine::native {
namespace {

struct HelperOn {
  HelperOn() { set_helper_enabled(true); }
  ~HelperOn() { set_helper_enabled(std::thread::hardware_concurrency() >= 2); }
};

TEST(HelperThread, RunsBothHalves) {
  HelperOn on;
  for (int i = 0; i < 200; ++i) {
    std::atomic<int> ran{0};
    ASSERT_TRUE(try_run_both([&] { ran += 1; }, [&] { ran += 2; }));
    ASSERT_EQ(ran.load(), 3);
  }
}

TEST(HelperThread, TakesTheSecondHalfWhileTheFirstRuns) {
  HelperOn on;
  std::thread::id second;
  ASSERT_TRUE(try_run_both([] { std::this_thread::sleep_for(std::chrono::milliseconds(50)); },
                           [&] { second = std::this_thread::get_id(); }));
  // Normally the helper; the caller only when the scheduler kept the helper off for 50 ms.
  if (second == std::this_thread::get_id()) GTEST_SKIP() << "the helper was not scheduled";
  EXPECT_NE(second, std::thread::id());
}

TEST(HelperThread, DisabledOrBusyRunsNothing) {
  set_helper_enabled(false);
  bool ran = false;
  EXPECT_FALSE(try_run_both([&] { ran = true; }, [&] { ran = true; }));
  EXPECT_FALSE(ran);
  HelperOn on;
  // While a pair is in flight the helper is taken: a nested pair must not wait for it.
  bool inner = true;
  std::atomic<bool> tried{false};
  ASSERT_TRUE(try_run_both(
      [&] {
        inner = try_run_both([] {}, [] {});
        tried = true;
      },
      [&] {
        while (!tried) std::this_thread::yield();
      }));
  EXPECT_FALSE(inner);
}

TEST(HelperThread, ErrorsFromEitherHalfReachTheCaller) {
  HelperOn on;
  EXPECT_THROW(try_run_both([] { throw std::runtime_error("first"); }, [] {}), std::runtime_error);
  EXPECT_THROW(try_run_both([] {}, [] { throw std::invalid_argument("second"); }),
               std::invalid_argument);
  try {
    try_run_both([] { throw std::runtime_error("first"); },
                 [] { throw std::invalid_argument("second"); });
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "first");
  }
  // And the helper still works afterwards.
  std::atomic<int> ran{0};
  EXPECT_TRUE(try_run_both([&] { ran += 1; }, [&] { ran += 2; }));
  EXPECT_EQ(ran.load(), 3);
}

TEST(HelperThread, SplitRowsJoinsTheHalvesInOrder) {
  HelperOn on;
  const auto rows = [](size_t from, size_t to) {
    std::vector<int> out(to - from);
    std::iota(out.begin(), out.end(), static_cast<int>(from));
    return out;
  };
  for (size_t m : {1u, 2u, 5u, 16u}) {
    for (long work : {0L, kMinSplitWork}) {
      EXPECT_EQ(split_rows<std::vector<int>>(m, work, rows), rows(0, m)) << m << " " << work;
    }
  }
  // Below the threshold the batch stays one call.
  int calls = 0;
  split_rows<std::vector<int>>(8, kMinSplitWork - 1, [&](size_t from, size_t to) {
    ++calls;
    return rows(from, to);
  });
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace clipgen::engine::native

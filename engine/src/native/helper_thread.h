// A second core for one request: the native runtime's batch rows (variations, interpolation
// steps, groove windows) never read each other, so two halves of a batch can run on two
// threads with no synchronisation until both are done, and give the same bits as one thread.
//
// Opportunistic, so that it never makes a request slower on a busy machine: the second half
// goes to the helper only when the helper is idle, and the caller takes it back when the
// helper has not started it by the time the first half is done (another request, or the
// scheduler, had the core).
#pragma once

#include <cstddef>
#include <functional>
#include <iterator>
#include <utility>
#include <vector>

namespace clipgen::engine::native {

// When the process' helper thread is enabled and idle: runs first() on the calling thread and
// second() on the helper (or here, after first(), when the helper has not started it by then),
// returns when both are done and rethrows an exception from either (first()'s when both
// throw). Otherwise runs neither and returns false: the caller runs the whole batch at once,
// which is faster on one core than two halves in turn.
bool try_run_both(const std::function<void()>& first, const std::function<void()>& second);

// Whether try_run_both may use the helper (default: when the machine has at least two cores).
// EngineOptions::native_threads sets it; 1 keeps every request on its own thread.
void set_helper_enabled(bool enabled);
bool helper_enabled();

// Below this many multiply-adds a batch is as fast or faster on one thread: each step also has
// fixed costs that two halves both pay, and waking the helper costs 5-50 us here. Measured with
// bench/ (docs/performance.md): 4 x 64 steps of a 24-unit MusicRNN (2 M) gained nothing,
// 4 x 160 steps (5 M) gained 25 %.
constexpr long kMinSplitWork = 4'000'000;
// The threshold in force (kMinSplitWork unless a test lowered it to force splits).
long min_split_work();
void set_min_split_work(long work);

// The halves joined in order: vectors by default; a batch type of another shape (a posterior's
// mu and sigma) brings an append_rows of its own, found by argument-dependent lookup.
template <class T>
void append_rows(std::vector<T>& a, std::vector<T>&& b) {
  a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
}

// A batch call over rows [0, m) as two calls, rows [0, (m + 1) / 2) here and the rest through
// try_run_both; as one call when work (multiply-adds of the whole batch) is below kMinSplitWork
// or the helper is not free. call(from, to) returns the rows' results (see append_rows).
template <class Rows, class Call>
Rows split_rows(size_t m, long work, const Call& call) {
  const size_t half = (m + 1) / 2;
  Rows a, b;
  if (m < 2 || work < min_split_work() ||
      !try_run_both([&] { a = call(0, half); }, [&] { b = call(half, m); })) {
    return call(0, m);
  }
  append_rows(a, std::move(b));
  return a;
}

// Rows [from, to) of v.
template <class T>
std::vector<T> rows_of(const std::vector<T>& v, size_t from, size_t to) {
  return std::vector<T>(v.begin() + static_cast<long>(from), v.begin() + static_cast<long>(to));
}

}  // namespace clipgen::engine::native

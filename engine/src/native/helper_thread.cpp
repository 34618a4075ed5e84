#include "native/helper_thread.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#endif

namespace clipgen::engine::native {
namespace {

struct Task {
  enum State { kPosted, kClaimed, kDone };
  const std::function<void()>* fn = nullptr;
  std::atomic<int> state{kPosted};  // changed under Helper::mu_; read without it while spinning
  std::exception_ptr error;         // written by the helper before kDone
};

// One thread, started by the first task. Every hand-over happens under mu_, so a Task on the
// caller's stack is never touched after the caller has seen it done or taken it back.
class Helper {
 public:
  static Helper& get() {
    static Helper helper;
    return helper;
  }

  ~Helper() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void set_enabled(bool enabled) {
    std::lock_guard<std::mutex> lock(mu_);
    enabled_ = enabled;
  }
  bool enabled() {
    std::lock_guard<std::mutex> lock(mu_);
    return enabled_;
  }

  // Hands t over when the helper is enabled and idle.
  bool post(Task* t) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!enabled_ || stop_ || pending_ || busy_) return false;
    if (!thread_.joinable()) {
      try {
        thread_ = std::thread([this] { loop(); });
      } catch (const std::system_error&) {  // no thread to be had: every batch stays whole
        enabled_ = false;
        return false;
      }
    }
    if (!keep_off_callers_cpu()) return false;
    pending_ = t;
    wake_.notify_one();
    return true;
  }

  // True when the helper had not started t: the caller runs it. Otherwise waits until done,
  // first yielding for up to a millisecond: a futex sleep costs 5-50 us to wake from on this
  // VM, a fifth of a small batch's time.
  bool take_back(Task* t) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (t->state == Task::kPosted) {
        pending_ = nullptr;
        t->state = Task::kClaimed;
        return true;
      }
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
    while (t->state.load(std::memory_order_acquire) != Task::kDone) {
      if (std::chrono::steady_clock::now() > until) {
        std::unique_lock<std::mutex> lock(mu_);
        done_.wait(lock, [t] { return t->state == Task::kDone; });
        break;
      }
      std::this_thread::yield();
    }
    return false;
  }

 private:
  Helper() {
#ifdef __linux__
    CPU_ZERO(&allowed_);
    if (sched_getaffinity(0, sizeof allowed_, &allowed_) != 0) CPU_ZERO(&allowed_);
#endif
  }

  // Linux wakes a thread on its waker's CPU when it judges that cache-friendly, and an idle
  // second CPU may not pull it over for milliseconds: then the halves ran in turn on one core,
  // slower than one thread (measured: a third of the runs of a bench process). So the helper
  // may run anywhere the process may, except on the caller's CPU. False when that leaves none.
  bool keep_off_callers_cpu() {
#ifdef __linux__
    const int cpu = sched_getcpu();
    if (cpu < 0 || CPU_COUNT(&allowed_) == 0) return true;  // unknown: leave it to the kernel
    if (cpu == avoided_cpu_) return true;
    cpu_set_t set = allowed_;
    CPU_CLR(cpu, &set);
    if (CPU_COUNT(&set) == 0) return false;
    if (pthread_setaffinity_np(thread_.native_handle(), sizeof set, &set) != 0) return true;
    avoided_cpu_ = cpu;
#endif
    return true;
  }

  void loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      wake_.wait(lock, [this] { return stop_ || pending_ != nullptr; });
      if (stop_ && !pending_) return;
      Task* t = pending_;
      pending_ = nullptr;
      t->state = Task::kClaimed;
      busy_ = true;
      lock.unlock();
      try {
        (*t->fn)();
      } catch (...) {
        t->error = std::current_exception();
      }
      lock.lock();
      busy_ = false;
      t->state.store(Task::kDone, std::memory_order_release);  // t may be gone after this
      done_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::thread thread_;
  Task* pending_ = nullptr;
  bool busy_ = false;
  bool stop_ = false;
  bool enabled_ = std::thread::hardware_concurrency() >= 2;
#ifdef __linux__
  cpu_set_t allowed_;
  int avoided_cpu_ = -1;
#endif
};

}  // namespace

bool try_run_both(const std::function<void()>& first, const std::function<void()>& second) {
  Helper& helper = Helper::get();
  Task task;
  task.fn = &second;
  if (!helper.post(&task)) return false;
  std::exception_ptr first_error;
  try {
    first();
  } catch (...) {
    first_error = std::current_exception();
  }
  if (helper.take_back(&task)) {
    if (first_error) std::rethrow_exception(first_error);
    second();
    return true;
  }
  if (first_error) std::rethrow_exception(first_error);
  if (task.error) std::rethrow_exception(task.error);
  return true;
}

namespace {
std::atomic<long> split_work{kMinSplitWork};
}

long min_split_work() {
  return split_work.load(std::memory_order_relaxed);
}

void set_min_split_work(long work) {
  split_work.store(work, std::memory_order_relaxed);
}

void set_helper_enabled(bool enabled) {
  Helper::get().set_enabled(enabled);
}

bool helper_enabled() {
  return Helper::get().enabled();
}

}  // namespace clipgen::engine::native

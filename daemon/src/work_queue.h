// A fixed set of worker threads in front of the backend, with a bounded wait list: when it is
// full a request is refused at once (503) instead of piling up behind slow model calls.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace clipgen::daemon {

class WorkQueue {
 public:
  using Job = std::function<void()>;

  // `capacity`: jobs that may wait while `workers` jobs run.
  WorkQueue(std::size_t workers, std::size_t capacity);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // False (and the job is dropped) when `capacity` jobs already wait or after shutdown().
  bool try_submit(Job job);

  // Runs the jobs already accepted, then joins the workers. Idempotent.
  void shutdown();

  std::size_t waiting() const;
  std::size_t running() const;
  std::size_t capacity() const { return capacity_; }

 private:
  void work();

  const std::size_t workers_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace clipgen::daemon

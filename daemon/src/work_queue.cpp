#include "work_queue.h"

namespace clipgen::daemon {

WorkQueue::WorkQueue(std::size_t workers, std::size_t capacity)
    : workers_(workers), capacity_(capacity) {
  threads_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
}

WorkQueue::~WorkQueue() {
  shutdown();
}

bool WorkQueue::try_submit(Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Running jobs count too: a slot frees only when a job finishes.
    if (stopping_ || jobs_.size() + running_ >= workers_ + capacity_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void WorkQueue::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

std::size_t WorkQueue::waiting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return jobs_.size();
}

std::size_t WorkQueue::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_;
}

void WorkQueue::work() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
      ++running_;
    }
    job();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --running_;
    }
  }
}

}  // namespace clipgen::daemon

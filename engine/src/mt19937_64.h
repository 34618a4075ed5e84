// MT19937-64, the same stream as std::mt19937_64 for every seed (engine/tests/sampling_test.cpp
// compares them), with a branch-free refill. libstdc++'s refill picks the twist matrix with a
// branch on a random bit: half of the 312 words mispredicted, ~1 us a refill, and a 4-bar Drumify
// drew ~10 us of numbers in all (a tenth of the call on a small model).
#pragma once

#include <cstdint>

namespace clipgen::engine::detail {

class Mt19937_64 {
 public:
  explicit Mt19937_64(std::uint64_t seed) {
    state_[0] = seed;
    for (int i = 1; i < kN; ++i) {
      state_[i] = 6364136223846793005ull * (state_[i - 1] ^ (state_[i - 1] >> 62)) +
                  static_cast<std::uint64_t>(i);
    }
  }

  std::uint64_t operator()() {
    if (next_ == kN) refill();
    std::uint64_t x = state_[next_++];
    x ^= (x >> 29) & 0x5555555555555555ull;
    x ^= (x << 17) & 0x71d67fffeda60000ull;
    x ^= (x << 37) & 0xfff7eee000000000ull;
    return x ^ (x >> 43);
  }

 private:
  static constexpr int kN = 312, kM = 156;

  static std::uint64_t twist(std::uint64_t upper, std::uint64_t lower, std::uint64_t far) {
    const std::uint64_t y = (upper & ~0x7fffffffull) | (lower & 0x7fffffffull);
    return far ^ (y >> 1) ^ ((0 - (y & 1)) & 0xb5026f5aa96619e9ull);
  }

  // In place and in order, as the reference: from kN - kM on, `far` is a word already renewed.
  void refill() {
    int i = 0;
    for (; i < kN - kM; ++i) state_[i] = twist(state_[i], state_[i + 1], state_[i + kM]);
    for (; i < kN - 1; ++i) state_[i] = twist(state_[i], state_[i + 1], state_[i + kM - kN]);
    state_[kN - 1] = twist(state_[kN - 1], state_[0], state_[kM - 1]);
    next_ = 0;
  }

  std::uint64_t state_[kN];
  int next_ = kN;
};

}  // namespace clipgen::engine::detail

#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "clipgen/engine/engine.h"

namespace clipgen::engine {

void prepare_process_environment() {
  // Read by OpenBLAS when LibTorch's plugin loads it (torch_plugin.h).
  setenv("OPENBLAS_NUM_THREADS", "1", /*overwrite=*/0);
#if defined(__GLIBC__)
  // glibc serves blocks over 128 KiB-32 MiB (adaptive) with fresh mmaps and trims the heap
  // top past 128 KiB, so every request re-faults the same tensor pages from the kernel (13 %
  // of a Groove request's profile). Keeping them in the heap: Groove 16 bars 12.8 -> 8.6 ms,
  // Generate x8 drums 9.3 -> 8.4 ms, for ~8 MiB more resident. GLIBC_TUNABLES still wins.
  if (std::getenv("GLIBC_TUNABLES") == nullptr) {
    mallopt(M_MMAP_THRESHOLD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
  }
#endif
}

}  // namespace clipgen::engine

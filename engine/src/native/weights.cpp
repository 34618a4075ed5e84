#include "native/weights.h"

#include <cstdlib>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif
#ifdef _WIN32
#include <malloc.h>
#endif

namespace clipgen::engine::native {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::align_val_t kLine{64};
}  // namespace

void* allocate_large(std::size_t bytes) {
  if (bytes < kHugePage) return ::operator new(bytes, kLine);
  const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
#ifdef _WIN32
  void* p = _aligned_malloc(rounded, kHugePage);  // Windows has no std::aligned_alloc
#else
  void* p = std::aligned_alloc(kHugePage, rounded);
#endif
  if (!p) throw std::bad_alloc();
#ifdef __linux__
  madvise(p, rounded, MADV_HUGEPAGE);  // a hint: without THP it stays 4 KiB pages
#endif
  return p;
}

void free_large(void* p, std::size_t bytes) {
  if (bytes < kHugePage) {
    ::operator delete(p, kLine);
  } else {
#ifdef _WIN32
    _aligned_free(p);
#else
    std::free(p);
#endif
  }
}

const Param* Weights::find(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

void Weights::free_matrices() {
  for (auto& [name, p] : params) {
    if (p.shape.size() >= 2) ParamData().swap(p.data);
  }
}

int64_t Weights::attribute(const std::string& name, int64_t fallback) const {
  auto it = attributes.find(name);
  return it == attributes.end() ? fallback : it->second;
}

}  // namespace clipgen::engine::native

// A zip archive held in memory, read from its central directory: what a TorchScript .pt file is.
// PyTorch stores tensor data uncompressed (read here as views into the bytes, no copy) and
// deflates the code/ files (inflated here); no other compression method is read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clipgen/error.h"

namespace clipgen::engine::detail {

class ZipReader {
 public:
  struct Entry {
    std::string name;
    uint16_t method = 0;  // 0 stored, 8 deflated
    uint32_t crc32 = 0;
    uint64_t compressed_size = 0;
    uint64_t size = 0;
    uint64_t data_offset = 0;  // of the (compressed) data in the archive, checked in bounds
  };

  // Reads the directory (zip64 records too) and checks every entry's data lies in `bytes`, which
  // must outlive the reader. Errors say "not a zip archive: ..." or "unsupported ...".
  static Result<ZipReader> open(std::string_view bytes);

  const std::vector<Entry>& entries() const { return entries_; }  // sorted by name
  // The entry named exactly `name`, or null.
  const Entry* find(std::string_view name) const;
  // A stored entry's bytes as a view into the archive; a deflated one inflated into `buffer`
  // (and its CRC-32 checked) and viewed there.
  Result<std::string_view> read(const Entry& entry, std::string& buffer) const;

 private:
  std::string_view bytes_;
  std::vector<Entry> entries_;
};

// Raw DEFLATE (RFC 1951) into exactly `size` bytes; an error for anything else.
Result<std::string> inflate(std::string_view deflated, uint64_t size);
uint32_t crc32(std::string_view bytes);

}  // namespace clipgen::engine::detail

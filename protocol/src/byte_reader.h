// Bounds-checked big-endian reads over a byte span; every read reports failure instead of
// reading past the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace clipgen::protocol::detail {

class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size, std::size_t base_offset = 0)
      : data_(data), size_(size), base_(base_offset) {}

  std::size_t remaining() const { return size_ - pos_; }
  bool at_end() const { return pos_ >= size_; }
  // Offset in the whole file, for messages.
  std::size_t offset() const { return base_ + pos_; }
  const std::uint8_t* here() const { return data_ + pos_; }

  bool peek(std::uint8_t& out) const {
    if (pos_ >= size_) return false;
    out = data_[pos_];
    return true;
  }
  bool u8(std::uint8_t& out) {
    if (!peek(out)) return false;
    ++pos_;
    return true;
  }
  bool u16(std::uint16_t& out) {
    if (remaining() < 2) return false;
    out = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool u32(std::uint32_t& out) {
    if (remaining() < 4) return false;
    out = (std::uint32_t{data_[pos_]} << 24) | (std::uint32_t{data_[pos_ + 1]} << 16) |
          (std::uint32_t{data_[pos_ + 2]} << 8) | std::uint32_t{data_[pos_ + 3]};
    pos_ += 4;
    return true;
  }
  bool tag(std::string_view& out) {
    if (remaining() < 4) return false;
    out = std::string_view(reinterpret_cast<const char*>(data_ + pos_), 4);
    pos_ += 4;
    return true;
  }
  // A variable-length quantity: at most 4 bytes (28 bits), as the SMF spec allows.
  // Returns 0 ok, 1 out of data, 2 too long.
  int vlq(std::uint32_t& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      std::uint8_t b = 0;
      if (!u8(b)) return 1;
      out = (out << 7) | (b & 0x7Fu);
      if (!(b & 0x80u)) return 0;
    }
    return 2;
  }
  bool skip(std::size_t n) {
    if (n > remaining()) return false;
    pos_ += n;
    return true;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t base_;
  std::size_t pos_ = 0;
};

}  // namespace clipgen::protocol::detail

#include "zip_reader.h"

#include <algorithm>
#include <array>

namespace clipgen::engine::detail {
namespace {

constexpr uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50;
constexpr uint32_t kEnd = 0x06054b50, kEnd64 = 0x06064b50, kEnd64Locator = 0x07064b50;
constexpr size_t kEndSize = 22, kCentralSize = 46, kLocalSize = 30;

Error not_zip(const std::string& why) {
  return make_error(ErrorKind::kInternal, "not a zip archive: " + why);
}

// Little-endian field of `n` bytes at `pos`; the caller has checked the bounds.
uint64_t le(std::string_view b, size_t pos, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(b[pos + i]);
  return v;
}

bool fits(std::string_view b, uint64_t pos, uint64_t n) {
  return pos <= b.size() && n <= b.size() - pos;
}

// The end-of-central-directory record: the last signature whose comment ends within the bytes.
size_t find_end(std::string_view b) {
  if (b.size() < kEndSize) return std::string_view::npos;
  const size_t lowest = b.size() - kEndSize - std::min<size_t>(b.size() - kEndSize, 0xffff);
  for (size_t pos = b.size() - kEndSize + 1; pos-- > lowest;) {
    if (le(b, pos, 4) == kEnd && pos + kEndSize + le(b, pos + 20, 2) <= b.size()) return pos;
  }
  return std::string_view::npos;
}

// The zip64 extended-information field fills in, in this order, the sizes and offset that the
// 32-bit record left at 0xffffffff.
void apply_zip64_extra(std::string_view extra, ZipReader::Entry& e, uint64_t& offset) {
  for (size_t pos = 0; pos + 4 <= extra.size();) {
    const uint64_t id = le(extra, pos, 2), len = le(extra, pos + 2, 2);
    if (pos + 4 + len > extra.size()) return;
    if (id == 1) {
      size_t at = pos + 4;
      for (uint64_t* field : {&e.size, &e.compressed_size, &offset}) {
        if (*field != 0xffffffff) continue;
        if (at + 8 > pos + 4 + len) return;
        *field = le(extra, at, 8);
        at += 8;
      }
      return;
    }
    pos += 4 + len;
  }
}

// Canonical Huffman code (RFC 1951 3.2.2) decoded a bit at a time, as in zlib's puff.c: the code
// files this reads are a few kilobytes, so table-driven speed is not worth its size.
struct Huffman {
  std::array<int16_t, 16> count{};
  std::array<int16_t, 288> symbol{};
};

// 0: complete code; > 0: incomplete; < 0: over-subscribed.
int build(Huffman& h, const uint8_t* lengths, int n) {
  h.count.fill(0);
  for (int s = 0; s < n; ++s) ++h.count[lengths[s]];
  if (h.count[0] == n) return 0;
  int left = 1;
  for (int len = 1; len < 16; ++len) {
    left = left * 2 - h.count[len];
    if (left < 0) return left;
  }
  std::array<int16_t, 16> offs{};
  for (int len = 1; len < 15; ++len) offs[len + 1] = static_cast<int16_t>(offs[len] + h.count[len]);
  for (int s = 0; s < n; ++s) {
    if (lengths[s] != 0) h.symbol[offs[lengths[s]]++] = static_cast<int16_t>(s);
  }
  return left;
}

class Inflater {
 public:
  Inflater(std::string_view in, uint64_t size) : in_(in), size_(size) {}

  Result<std::string> run() {
    out_.reserve(static_cast<size_t>(std::min<uint64_t>(size_, 1 << 20)));
    for (bool last = false; !last;) {
      last = bits(1) == 1;
      const int type = bits(2);
      if (type == 0) {
        stored();
      } else if (type == 1) {
        fixed();
      } else if (type == 2) {
        dynamic();
      } else {
        fail("invalid block type");
      }
      if (error_) {
        return make_error(ErrorKind::kInternal, std::string("bad deflate data: ") + error_);
      }
    }
    if (out_.size() != size_) {
      return make_error(ErrorKind::kInternal, "bad deflate data: " + std::to_string(out_.size()) +
                                                  " bytes where the directory says " +
                                                  std::to_string(size_));
    }
    return std::move(out_);
  }

 private:
  void fail(const char* why) {
    if (!error_) error_ = why;
  }

  int bits(int n) {
    uint32_t v = bitbuf_;
    while (bitcnt_ < n) {
      if (pos_ == in_.size()) {
        fail("truncated");
        return 0;
      }
      v |= static_cast<uint32_t>(static_cast<uint8_t>(in_[pos_++])) << bitcnt_;
      bitcnt_ += 8;
    }
    bitbuf_ = v >> n;
    bitcnt_ -= n;
    return static_cast<int>(v & ((1u << n) - 1));
  }

  int decode(const Huffman& h) {
    int code = 0, first = 0, index = 0;
    for (int len = 1; len < 16 && !error_; ++len) {
      code |= bits(1);
      const int count = h.count[len];
      if (code - count < first) return h.symbol[index + (code - first)];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    fail("invalid Huffman code");
    return -1;
  }

  void stored() {
    bitbuf_ = 0;
    bitcnt_ = 0;
    if (in_.size() - pos_ < 4) return fail("truncated");
    const uint64_t len = le(in_, pos_, 2);
    if ((len ^ 0xffff) != le(in_, pos_ + 2, 2)) return fail("stored block length check");
    pos_ += 4;
    if (in_.size() - pos_ < len) return fail("truncated");
    if (size_ - out_.size() < len) return fail("more data than the directory says");
    out_.append(in_.data() + pos_, len);
    pos_ += len;
  }

  void codes(const Huffman& lencode, const Huffman& distcode) {
    static constexpr int16_t kLenBase[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                             15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                             67, 83, 99, 115, 131, 163, 195, 227, 258};
    static constexpr int16_t kLenExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                              2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static constexpr int32_t kDistBase[30] = {
        1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
        193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static constexpr int16_t kDistExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                               6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    while (!error_) {
      int sym = decode(lencode);
      if (sym < 0 || error_) return;
      if (sym < 256) {
        if (out_.size() == size_) return fail("more data than the directory says");
        out_.push_back(static_cast<char>(sym));
        continue;
      }
      if (sym == 256) return;
      sym -= 257;
      if (sym >= 29) return fail("invalid length symbol");
      const uint64_t len = kLenBase[sym] + bits(kLenExtra[sym]);
      const int dsym = decode(distcode);
      if (dsym < 0 || error_) return;
      if (dsym >= 30) return fail("invalid distance symbol");
      const uint64_t dist = kDistBase[dsym] + bits(kDistExtra[dsym]);
      if (error_) return;
      if (dist > out_.size()) return fail("distance too far back");
      if (size_ - out_.size() < len) return fail("more data than the directory says");
      for (uint64_t i = 0; i < len; ++i) out_.push_back(out_[out_.size() - dist]);
    }
  }

  void fixed() {
    uint8_t lengths[288 + 30];
    std::fill(lengths, lengths + 144, 8);
    std::fill(lengths + 144, lengths + 256, 9);
    std::fill(lengths + 256, lengths + 280, 7);
    std::fill(lengths + 280, lengths + 288, 8);
    std::fill(lengths + 288, lengths + 318, 5);
    Huffman lencode, distcode;
    build(lencode, lengths, 288);
    build(distcode, lengths + 288, 30);
    codes(lencode, distcode);
  }

  void dynamic() {
    static constexpr uint8_t kOrder[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                           11, 4,  12, 3, 13, 2, 14, 1, 15};
    const int nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
    if (nlen > 286 || ndist > 30) return fail("bad counts");
    uint8_t lengths[286 + 30] = {};
    for (int i = 0; i < ncode; ++i) lengths[kOrder[i]] = static_cast<uint8_t>(bits(3));
    Huffman lencode, distcode;
    if (build(lencode, lengths, 19) != 0) return fail("incomplete code-length code");
    std::fill(lengths, lengths + 19, 0);
    for (int index = 0; index < nlen + ndist && !error_;) {
      const int sym = decode(lencode);
      if (sym < 0) return;
      if (sym < 16) {
        lengths[index++] = static_cast<uint8_t>(sym);
        continue;
      }
      uint8_t len = 0;
      int repeat = 0;
      if (sym == 16) {
        if (index == 0) return fail("repeat with no first length");
        len = lengths[index - 1];
        repeat = 3 + bits(2);
      } else {
        repeat = sym == 17 ? 3 + bits(3) : 11 + bits(7);
      }
      if (index + repeat > nlen + ndist) return fail("too many lengths");
      while (repeat--) lengths[index++] = len;
    }
    if (error_) return;
    if (lengths[256] == 0) return fail("no end-of-block code");
    // An incomplete code is only allowed for a single code of length one (RFC 1951 3.2.7).
    int err = build(lencode, lengths, nlen);
    if (err < 0 || (err > 0 && nlen - lencode.count[0] != 1)) return fail("bad literal code");
    err = build(distcode, lengths + nlen, ndist);
    if (err < 0 || (err > 0 && ndist - distcode.count[0] != 1)) return fail("bad distance code");
    codes(lencode, distcode);
  }

  std::string_view in_;
  uint64_t size_;
  size_t pos_ = 0;
  uint32_t bitbuf_ = 0;
  int bitcnt_ = 0;
  std::string out_;
  const char* error_ = nullptr;
};

}  // namespace

Result<std::string> inflate(std::string_view deflated, uint64_t size) {
  // DEFLATE expands at most 1032:1; a larger claimed size is a broken (or hostile) directory.
  if (size / 1032 > deflated.size() + 1) {
    return make_error(ErrorKind::kInternal, "bad deflate data: " + std::to_string(size) +
                                                " bytes claimed from " +
                                                std::to_string(deflated.size()));
  }
  return Inflater(deflated, size).run();
}

uint32_t crc32(std::string_view bytes) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xffffffff;
  for (char ch : bytes) c = table[(c ^ static_cast<uint8_t>(ch)) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffff;
}

Result<ZipReader> ZipReader::open(std::string_view b) {
  const size_t end = find_end(b);
  if (end == std::string_view::npos) return not_zip("no end-of-central-directory record");
  uint64_t count = le(b, end + 10, 2), cd_size = le(b, end + 12, 4), cd_offset = le(b, end + 16, 4);
  if (le(b, end + 4, 2) != 0 || le(b, end + 6, 2) != 0) {
    return make_error(ErrorKind::kInternal, "unsupported zip: spans several disks");
  }
  if (end >= 20 && le(b, end - 20, 4) == kEnd64Locator) {
    const uint64_t at = le(b, end - 12, 8);
    if (!fits(b, at, 56) || le(b, at, 4) != kEnd64) return not_zip("bad zip64 end record");
    count = le(b, at + 32, 8);
    cd_size = le(b, at + 40, 8);
    cd_offset = le(b, at + 48, 8);
  }
  if (!fits(b, cd_offset, cd_size)) return not_zip("central directory out of bounds");
  if (count > cd_size / kCentralSize) return not_zip("central directory too small");
  ZipReader zip;
  zip.bytes_ = b;
  zip.entries_.reserve(count);
  uint64_t pos = cd_offset;
  const uint64_t cd_end = cd_offset + cd_size;
  for (uint64_t i = 0; i < count; ++i) {
    if (cd_end - pos < kCentralSize || le(b, pos, 4) != kCentralHeader) {
      return not_zip("bad central directory entry " + std::to_string(i));
    }
    const uint64_t name_len = le(b, pos + 28, 2), extra_len = le(b, pos + 30, 2);
    const uint64_t record = kCentralSize + name_len + extra_len + le(b, pos + 32, 2);
    if (cd_end - pos < record) return not_zip("central directory entry out of bounds");
    Entry e;
    e.name.assign(b.data() + pos + kCentralSize, name_len);
    const uint64_t flags = le(b, pos + 8, 2);
    e.method = static_cast<uint16_t>(le(b, pos + 10, 2));
    e.crc32 = static_cast<uint32_t>(le(b, pos + 16, 4));
    e.compressed_size = le(b, pos + 20, 4);
    e.size = le(b, pos + 24, 4);
    uint64_t local = le(b, pos + 42, 4);
    apply_zip64_extra(b.substr(pos + kCentralSize + name_len, extra_len), e, local);
    pos += record;
    if (flags & 1) {
      return make_error(ErrorKind::kInternal, "unsupported zip: '" + e.name + "' is encrypted");
    }
    if (e.method != 0 && e.method != 8) {
      return make_error(ErrorKind::kInternal, "unsupported compression method " +
                                                  std::to_string(e.method) + " for '" + e.name +
                                                  "' (only stored and deflated entries are read)");
    }
    if (e.method == 0 && e.compressed_size != e.size) {
      return not_zip("stored entry '" + e.name + "' has two sizes");
    }
    if (!fits(b, local, kLocalSize) || le(b, local, 4) != kLocalHeader) {
      return not_zip("bad local header for '" + e.name + "'");
    }
    e.data_offset = local + kLocalSize + le(b, local + 26, 2) + le(b, local + 28, 2);
    if (!fits(b, e.data_offset, e.compressed_size)) return not_zip("'" + e.name + "' is truncated");
    zip.entries_.push_back(std::move(e));
  }
  // Sorted for find(); stable, so of two entries with one name the first stays first.
  std::stable_sort(zip.entries_.begin(), zip.entries_.end(),
                   [](const Entry& x, const Entry& y) { return x.name < y.name; });
  return zip;
}

const ZipReader::Entry* ZipReader::find(std::string_view name) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const Entry& e, std::string_view n) { return e.name < n; });
  return it != entries_.end() && it->name == name ? &*it : nullptr;
}

Result<std::string_view> ZipReader::read(const Entry& e, std::string& buffer) const {
  const std::string_view data = bytes_.substr(e.data_offset, e.compressed_size);
  if (e.method == 0) return data;
  auto inflated = inflate(data, e.size);
  if (!inflated) {
    return make_error(ErrorKind::kInternal, "'" + e.name + "': " + inflated.error().message);
  }
  buffer = std::move(*inflated);
  if (crc32(buffer) != e.crc32) {
    return make_error(ErrorKind::kInternal, "'" + e.name + "': CRC-32 mismatch");
  }
  return std::string_view(buffer);
}

}  // namespace clipgen::engine::detail

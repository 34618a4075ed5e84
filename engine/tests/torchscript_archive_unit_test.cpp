// The TorchScript archive reader without LibTorch: archives built here byte by byte (zip,
// zip64, deflated entries, pickles) and the committed tests/data/torchscript/tiny.pt (written by
// torch.jit.save, see make_tiny.py). Broken input of every kind gives an error with a message,
// never a crash; torchscript_archive_test.cpp compares real models with torch::jit::load.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "torchscript_archive.h"
#include "zip_reader.h"

namespace clipgen::engine::detail {
namespace {

std::string le(uint64_t v, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

// ---- Zip ----

struct Member {
  std::string name;
  std::string data;  // as stored in the archive
  uint16_t method = 0;
  uint64_t size = 0;  // uncompressed
  uint32_t crc = 0;
};

Member stored(const std::string& name, const std::string& data) {
  return {name, data, 0, data.size(), crc32(data)};
}

// Deflated as one stored DEFLATE block: method 8 without a compressor.
Member deflated(const std::string& name, const std::string& data) {
  const std::string block = "\x01" + le(data.size(), 2) + le(~data.size() & 0xffff, 2) + data;
  return {name, block, 8, data.size(), crc32(data)};
}

std::string make_zip(const std::vector<Member>& members, bool zip64 = false) {
  std::string out, cd;
  const uint64_t big = zip64 ? 0xffffffff : 0;
  for (const auto& m : members) {
    const uint64_t offset = out.size();
    const std::string extra =
        zip64 ? le(1, 2) + le(24, 2) + le(m.size, 8) + le(m.data.size(), 8) + le(offset, 8) : "";
    const std::string sizes =
        zip64 ? le(big, 4) + le(big, 4) : le(m.data.size(), 4) + le(m.size, 4);
    const std::string common = le(zip64 ? 45 : 20, 2) + le(0, 2) + le(m.method, 2) + le(0, 4) +
                               le(m.crc, 4) + sizes + le(m.name.size(), 2);
    out += le(0x04034b50, 4) + common + le(0, 2) + m.name + m.data;
    cd += le(0x02014b50, 4) + le(20, 2) + common + le(extra.size(), 2) + le(0, 2) + le(0, 2) +
          le(0, 2) + le(0, 4) + le(zip64 ? big : offset, 4) + m.name + extra;
  }
  const uint64_t cd_offset = out.size();
  out += cd;
  if (zip64) {
    const uint64_t end64 = out.size();
    out += le(0x06064b50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4) +
           le(members.size(), 8) + le(members.size(), 8) + le(cd.size(), 8) + le(cd_offset, 8);
    out += le(0x07064b50, 4) + le(0, 4) + le(end64, 8) + le(1, 4);
  }
  out += le(0x06054b50, 4) + le(0, 2) + le(0, 2) + le(zip64 ? 0xffff : members.size(), 2) +
         le(zip64 ? 0xffff : members.size(), 2) + le(zip64 ? big : cd.size(), 4) +
         le(zip64 ? big : cd_offset, 4) + le(0, 2);
  return out;
}

// ---- Pickle (protocol 2, as torch.jit.save writes it) ----

std::string str(const std::string& s) {
  return "X" + le(s.size(), 4) + s;
}
std::string global(const std::string& module, const std::string& name) {
  return "c" + module + "\n" + name + "\n";
}
std::string integer(int64_t v) {
  return "\x8a\x08" + le(static_cast<uint64_t>(v), 8);
}  // LONG1
std::string int_tuple(const std::vector<int64_t>& v) {
  std::string out = "(";
  for (int64_t x : v) out += integer(x);
  return out + "t";
}
std::string tensor(const std::string& key, int64_t numel, int64_t offset,
                   const std::vector<int64_t>& sizes, const std::vector<int64_t>& strides,
                   const std::string& type = "FloatStorage") {
  return global("torch._utils", "_rebuild_tensor_v2") + "((" + str("storage") +
         global("torch", type) + str(key) + str("cpu") + integer(numel) + "tQ" + integer(offset) +
         int_tuple(sizes) + int_tuple(strides) + "\x89" + global("collections", "OrderedDict") +
         ")RtR";
}
// A module object of class __torch__.M whose attribute dict pickles as `attributes`.
std::string module(const std::string& attributes) {
  return "\x80\x02" + global("__torch__", "M") + ")\x81}(" + attributes + "ub.";
}

std::string floats(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    const float f = static_cast<float>(i);
    out.append(reinterpret_cast<const char*>(&f), 4);
  }
  return out;
}

const std::string kCode =
    "class M(Module):\n"
    "  __parameters__ = [\"kernel\", ]\n"
    "  __buffers__ = [\"scale\", ]\n"
    "  kernel : Tensor\n"
    "  def forward(self: __torch__.M) -> int:\n"
    "    return 1\n"
    "  def encode(self: __torch__.M,\n"
    "    x: Tensor) -> Tensor:\n"
    "    return x\n";

const std::string kPickle = module(str("kernel") + tensor("0", 6, 0, {2, 3}, {3, 1}) +
                                   str("scale") + tensor("0", 6, 0, {6}, {1}) + str("units") +
                                   "K\x04" + str("training") + "\x88" + str("hooks") + "N");

std::vector<Member> members(const std::string& pickle, const std::string& storage = floats(6),
                            const std::string& code = kCode) {
  return {stored("m/extra/clipgen.json", "{}"), stored("m/data/0", storage),
          stored("m/data.pkl", pickle), stored("m/code/__torch__.py", code),
          stored("m/version", "3")};
}

std::string archive(const std::string& pickle, const std::string& storage = floats(6),
                    const std::string& code = kCode) {
  return make_zip(members(pickle, storage, code));
}

std::string error_of(std::string_view bytes) {
  auto r = parse_torchscript_archive(bytes);
  return r.ok() ? "(no error)" : r.error().message;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tiny() {
  return read_file(std::string(CLIPGEN_TEST_DATA_DIR) + "/torchscript/tiny.pt");
}

void expect_hand_built(const Result<TorchScriptArchive>& a) {
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ(a->weights.params.size(), 1u);
  const native::Param& k = a->weights.params.at("kernel");
  EXPECT_EQ(k.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(std::vector<float>(k.data.begin(), k.data.end()),
            (std::vector<float>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(a->weights.attributes, (std::map<std::string, int64_t>{{"training", 1}, {"units", 4}}));
  EXPECT_EQ(a->extra, (std::map<std::string, std::string>{{"clipgen.json", "{}"}}));
  EXPECT_EQ(a->methods, (std::vector<std::string>{"forward", "encode"}));
  EXPECT_TRUE(a->has_method("encode"));
  EXPECT_FALSE(a->has_method("decode"));
}

TEST(TorchScriptArchive, ReadsHandBuiltArchive) {
  expect_hand_built(parse_torchscript_archive(archive(kPickle)));
}

TEST(TorchScriptArchive, ReadsZip64Records) {
  expect_hand_built(parse_torchscript_archive(make_zip(members(kPickle), /*zip64=*/true)));
}

TEST(TorchScriptArchive, ReadsDeflatedEntries) {
  std::vector<Member> m;
  for (const auto& s : members(kPickle)) m.push_back(deflated(s.name, s.data));
  expect_hand_built(parse_torchscript_archive(make_zip(m)));
}

// tiny.pt as torch.jit.save wrote it (code deflated with dynamic Huffman codes).
TEST(TorchScriptArchive, ReadsTinyTorchFile) {
  auto a = parse_torchscript_archive(tiny());
  ASSERT_TRUE(a.ok()) << a.error().message;
  const auto& p = a->weights.params;
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p.at("kernel").shape, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(std::vector<float>(p.at("kernel").data.begin(), p.at("kernel").data.end()),
            (std::vector<float>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(std::vector<float>(p.at("cells.0.bias").data.begin(), p.at("cells.0.bias").data.end()),
            (std::vector<float>{0.5f, -0.5f}));
  EXPECT_EQ(a->weights.attributes, (std::map<std::string, int64_t>{{"cells.0.training", 1},
                                                                   {"cells.0.units", 2},
                                                                   {"cells.training", 1},
                                                                   {"depth", 3},
                                                                   {"flag", 1},
                                                                   {"training", 1}}));
  EXPECT_EQ(a->extra.at("clipgen.json"), "{\"id\": \"tiny\"}");
  EXPECT_EQ(a->methods, (std::vector<std::string>{"forward", "encode"}));
}

TEST(TorchScriptArchive, ReadsStridedViewsOfAStorage) {
  auto values = [](const std::string& t) {
    auto a = parse_torchscript_archive(archive(module(str("kernel") + t)));
    EXPECT_TRUE(a.ok()) << a.error().message;
    const auto& d = a->weights.params.at("kernel").data;
    return std::vector<float>(d.begin(), d.end());
  };
  EXPECT_EQ(values(tensor("0", 6, 0, {3, 2}, {1, 3})), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(values(tensor("0", 6, 4, {2}, {1})), (std::vector<float>{4, 5}));
  EXPECT_EQ(values(tensor("0", 6, 1, {2, 2}, {0, 2})), (std::vector<float>{1, 3, 1, 3}));
  EXPECT_EQ(values(tensor("0", 6, 5, {}, {})), (std::vector<float>{5}));
  EXPECT_EQ(values(tensor("0", 6, 0, {0, 9}, {9, 1})), (std::vector<float>{}));
}

TEST(TorchScriptArchive, NotAnArchive) {
  for (const std::string& bytes :
       {std::string(), std::string("hello"), std::string(100, 'x'), std::string("PK\x05\x06", 4)}) {
    EXPECT_EQ(error_of(bytes).rfind("not a TorchScript archive: ", 0), 0u) << error_of(bytes);
  }
  EXPECT_EQ(error_of(make_zip({stored("m/other", "x")})),
            "not a TorchScript archive: no <name>/data.pkl");
  EXPECT_NE(error_of(make_zip({stored("m/data.pkl", "")})).find("truncated"), std::string::npos);
  for (const std::string path : {"/nonexistent/model.pt", "/tmp"}) {
    auto r = read_torchscript_archive(path);
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_EQ(r.error().message.rfind("cannot read " + path + ": ", 0), 0u) << r.error().message;
  }
}

// Every prefix of a real file is an error (the directory is at the end), never a crash.
TEST(TorchScriptArchive, TruncatedAtEveryLength) {
  const std::string bytes = tiny();
  ASSERT_GT(bytes.size(), 1000u);
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = parse_torchscript_archive(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(r.ok()) << n;
    ASSERT_FALSE(r.error().message.empty()) << n;
  }
}

// Each byte of a real file inverted in turn: a result or an error with a message, never a crash.
TEST(TorchScriptArchive, EveryByteCorrupted) {
  const std::string bytes = tiny();
  size_t errors = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string broken = bytes;
    broken[i] = static_cast<char>(~broken[i]);
    auto r = parse_torchscript_archive(broken);
    if (!r.ok()) {
      ASSERT_FALSE(r.error().message.empty()) << i;
      ++errors;
    }
  }
  EXPECT_GT(errors, bytes.size() / 4);  // most of the file is read and checked
}

TEST(TorchScriptArchive, UnsupportedCompression) {
  auto m = members(kPickle);
  m[2].method = 12;  // bzip2
  EXPECT_EQ(error_of(make_zip(m)),
            "unsupported compression method 12 for 'm/data.pkl' (only stored and deflated "
            "entries are read)");
}

TEST(TorchScriptArchive, BadDeflateData) {
  auto m = members(kPickle);
  m[2] = deflated("m/data.pkl", kPickle);
  m[2].data[0] = '\x07';  // block type 3
  EXPECT_NE(error_of(make_zip(m)).find("bad deflate data: invalid block type"), std::string::npos);
  m[2] = deflated("m/data.pkl", kPickle);
  m[2].crc ^= 1;
  EXPECT_NE(error_of(make_zip(m)).find("CRC-32 mismatch"), std::string::npos);
  m[2] = deflated("m/data.pkl", kPickle);
  m[2].size += 1;
  EXPECT_NE(error_of(make_zip(m)).find("bad deflate data"), std::string::npos);
}

TEST(TorchScriptArchive, Inflate) {
  const std::string fixed("\x4b\x4c\x4a\x4e\x84\x21\x85\x8c\xd4\x9c\x9c\x7c\x08\x09\x00", 15);
  auto out = inflate(fixed, 24);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(*out, "abcabcabcabc hello hello");
  EXPECT_EQ(*inflate(std::string("\x01\x07\x00\xf8\xff"
                                 "stored!",
                                 12),
                     7),
            "stored!");
  EXPECT_FALSE(inflate(fixed, 23).ok());
  EXPECT_FALSE(inflate(fixed, 25).ok());
  for (size_t n = 0; n < fixed.size(); ++n) EXPECT_FALSE(inflate(fixed.substr(0, n), 24).ok()) << n;
  EXPECT_FALSE(inflate("", 1u << 30).ok());  // more than DEFLATE can expand to
}

TEST(TorchScriptArchive, BadPickles) {
  EXPECT_EQ(error_of(archive("\x80\x02I1\n.")),
            "not a TorchScript archive: data.pkl: "
            "unsupported pickle opcode 0x49 at byte 2");
  EXPECT_NE(error_of(archive(kPickle.substr(0, kPickle.size() - 1))).find("bad pickle: truncated"),
            std::string::npos);
  EXPECT_NE(error_of(archive("\x80\x02h\x05.")).find("memo key 5 missing"), std::string::npos);
  EXPECT_NE(error_of(archive("\x80\x02u.")).find("no MARK"), std::string::npos);
  EXPECT_NE(error_of(archive("\x80\x02](a.")).find("stack underflow"), std::string::npos);
  EXPECT_NE(error_of(archive("\x80\x02t.")).find("no MARK"), std::string::npos);
  EXPECT_NE(error_of(archive("\x80\x02N.")).find("holds no module"), std::string::npos);
  EXPECT_NE(error_of(archive("\x80\x09N.")).find("protocol 9"), std::string::npos);
  // A module whose attribute is itself: a cycle, refused rather than followed.
  const std::string cycle =
      "\x80\x02" + global("__torch__", "M") + ")\x81q\x07}(" + str("me") + "h\x07ub.";
  EXPECT_NE(error_of(archive(cycle)).find("too deep"), std::string::npos);
  // A list that holds itself is no module attribute: read, and nothing leaks.
  EXPECT_EQ(error_of(archive(module(str("loop") + "]q\x01h\x01"
                                                  "a"))),
            "(no error)");
}

TEST(TorchScriptArchive, TensorsOutsideTheirStorage) {
  auto error_for = [](const std::string& t, const std::string& storage = floats(6)) {
    return error_of(archive(module(str("kernel") + t), storage));
  };
  const std::string outside =
      "not a TorchScript archive: parameter 'kernel' reaches outside its storage";
  EXPECT_EQ(error_for(tensor("0", 7, 0, {7}, {1})),
            "not a TorchScript archive: storage 'data/0' is shorter than 7 elements");
  EXPECT_EQ(error_for(tensor("0", 6, 1, {2, 3}, {3, 1})), outside);
  EXPECT_EQ(error_for(tensor("0", 6, 7, {0}, {1})), outside);
  EXPECT_EQ(error_for(tensor("0", 6, -1, {1}, {1})), outside);
  EXPECT_EQ(error_for(tensor("0", 6, 0, {2}, {int64_t{1} << 62})), outside);
  EXPECT_EQ(error_for(tensor("0", 6, 0, {-2}, {1})), outside);
  EXPECT_EQ(error_for(tensor("0", 0, 0, {}, {}), ""), outside);
  EXPECT_NE(error_for(tensor("0", 6, 0, {int64_t{1} << 40}, {0})).find("unsupported"),
            std::string::npos);
  EXPECT_EQ(error_for(tensor("9", 6, 0, {6}, {1})),
            "not a TorchScript archive: no storage 'data/9' for 'kernel'");
  EXPECT_NE(error_of(archive(module(str("kernel") + global("torch._utils", "_rebuild_tensor_v2") +
                                    "(NtR")))
                .find("unsupported _rebuild_tensor_v2 arguments"),
            std::string::npos);
}

TEST(TorchScriptArchive, ParameterTypes) {
  EXPECT_EQ(error_of(archive(module(str("kernel") + tensor("0", 3, 0, {3}, {1}, "LongStorage")))),
            "unsupported parameter type torch.LongStorage of 'kernel'");
  EXPECT_EQ(
      error_of(archive(module(str("kernel") + global("torch._utils", "_rebuild_qtensor") + ")R"))),
      "unsupported parameter 'kernel' (built by torch._utils._rebuild_qtensor)");
  // A buffer of any type is not read; a None parameter is no parameter.
  auto a = parse_torchscript_archive(archive(
      module(str("scale") + tensor("0", 3, 0, {3}, {1}, "LongStorage") + str("kernel") + "N")));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(a->weights.params.empty());
}

TEST(TorchScriptArchive, ClassCode) {
  EXPECT_EQ(error_of(archive(kPickle, floats(6), "class Other(Module):\n")),
            "not a TorchScript archive: no code for class '__torch__.M'");
  // Attributes of objects that are not modules are not module attributes.
  const std::string code = kCode + "class Plain(object):\n  x : int\n";
  const std::string plain = global("__torch__", "Plain") + ")\x81}(" + str("x") + "K\x07ub";
  auto a = parse_torchscript_archive(archive(module(str("thing") + plain), floats(6), code));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(a->weights.attributes.empty());
}

}  // namespace
}  // namespace clipgen::engine::detail

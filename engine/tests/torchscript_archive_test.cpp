// The TorchScript archive reader (no LibTorch) against torch::jit::load on the same files: every
// fixture, parity and shipped model, and the edge-case files of make_archive_edge_models.py,
// must give the same parameters (names, shapes, bits after model.cpp's float32 contiguous copy),
// the same int and bool attributes, the same clipgen.json and the same methods.
#include "torchscript_archive.h"

#include <gtest/gtest.h>
#include <torch/script.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>

namespace clipgen::engine::detail {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> pt_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".pt") out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// What model.cpp's extract_weights copied out of a loaded module, in the reader's types.
native::Weights torch_weights(const torch::jit::Module& module) {
  native::Weights w;
  for (const auto& p : module.named_parameters(/*recurse=*/true)) {
    auto t = p.value.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    native::Param param;
    param.shape = t.sizes().vec();
    param.data.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    w.params[p.name] = std::move(param);
  }
  for (const auto& a : module.named_attributes(/*recurse=*/true)) {
    if (a.value.isInt()) w.attributes[a.name] = a.value.toInt();
    if (a.value.isBool()) w.attributes[a.name] = a.value.toBool() ? 1 : 0;
  }
  return w;
}

std::vector<std::string> names(const native::Weights& w) {
  std::vector<std::string> out;
  for (const auto& [name, param] : w.params) out.push_back(name);
  return out;
}

void expect_same_as_torch(const std::string& path) {
  SCOPED_TRACE(path);
  torch::jit::ExtraFilesMap extra{{"clipgen.json", ""}};
  auto module = torch::jit::load(path, torch::kCPU, extra);
  auto archive = read_torchscript_archive(path);
  ASSERT_TRUE(archive.ok()) << archive.error().message;
  const native::Weights expected = torch_weights(module);
  const native::Weights& got = archive->weights;
  ASSERT_EQ(names(got), names(expected));
  for (const auto& [name, want] : expected.params) {
    const native::Param& have = got.params.at(name);
    EXPECT_EQ(have.shape, want.shape) << name;
    ASSERT_EQ(have.data.size(), want.data.size()) << name;
    if (want.data.empty()) continue;  // memcmp of null data is UB
    EXPECT_EQ(std::memcmp(have.data.data(), want.data.data(), want.data.size() * sizeof(float)), 0)
        << name << ": values differ";
  }
  EXPECT_EQ(got.attributes, expected.attributes);
  auto json = archive->extra.find("clipgen.json");
  EXPECT_EQ(json == archive->extra.end() ? "" : json->second, extra["clipgen.json"]);
  for (const char* method : {"encode", "decode", "generate", "generate_with_controls", "forward"}) {
    EXPECT_EQ(archive->has_method(method), module.find_method(method).has_value()) << method;
  }
}

void expect_dir_same_as_torch(const std::string& dir) {
  const auto files = pt_files(dir);
  if (files.empty()) GTEST_SKIP() << "no .pt files in " << dir;
  for (const auto& f : files) expect_same_as_torch(f);
}

TEST(ArchiveVsTorch, FixtureModels) {
  ASSERT_FALSE(pt_files(CLIPGEN_FIXTURE_MODELS_DIR).empty())
      << "the engine_fixture_models test writes them";
  expect_dir_same_as_torch(CLIPGEN_FIXTURE_MODELS_DIR);
}

TEST(ArchiveVsTorch, ParityModels) {
  expect_dir_same_as_torch(std::string(CLIPGEN_FIXTURE_MODELS_DIR) + "/parity");
}

TEST(ArchiveVsTorch, ShippedModels) {
  expect_dir_same_as_torch(CLIPGEN_SHIPPED_MODELS_DIR);
}

TEST(ArchiveVsTorch, EdgeCaseModels) {
  ASSERT_EQ(pt_files(CLIPGEN_ARCHIVE_EDGE_DIR).size(), 3u)
      << "the engine_archive_edge_models test writes them";
  expect_dir_same_as_torch(CLIPGEN_ARCHIVE_EDGE_DIR);
}

// The edge cases are really read (not skipped on both sides): converted dtypes, views, buffers
// and None parameters left out, attributes of every nested module.
TEST(ArchiveVsTorch, EdgeCaseContents) {
  for (const char* file : {"layouts.pt", "deflated.pt"}) {
    auto a = read_torchscript_archive(std::string(CLIPGEN_ARCHIVE_EDGE_DIR) + "/" + file);
    ASSERT_TRUE(a.ok()) << a.error().message;
    const auto& p = a->weights.params;
    for (const char* name :
         {"transposed", "offset", "wide", "half_precision", "brain_float", "expanded", "scalar",
          "empty", "cells.1.kernel", "heads.left.kernel"}) {
      EXPECT_EQ(p.count(name), 1u) << name;
    }
    for (const char* name : {"missing", "running", "steps"}) EXPECT_EQ(p.count(name), 0u) << name;
    EXPECT_EQ(p.at("transposed").shape, (std::vector<int64_t>{5, 3}));
    EXPECT_EQ(p.at("expanded").shape, (std::vector<int64_t>{3, 4}));
    EXPECT_TRUE(p.at("scalar").shape.empty());
    EXPECT_EQ(p.at("half_precision").data[3], 65504.0f);
    const auto& at = a->weights.attributes;
    EXPECT_EQ(at.at("big"), int64_t{1} << 40);
    EXPECT_EQ(at.at("negative"), -123456);
    EXPECT_EQ(at.at("flag"), 1);
    EXPECT_EQ(at.at("cells.1.units"), 3);
    EXPECT_EQ(at.at("heads.left.training"), 1);
    EXPECT_EQ(at.count("maybe_int"), 0u);
    EXPECT_TRUE(a->has_method("encode"));
    EXPECT_FALSE(a->has_method("decode"));
  }
}

// The reader against torch::jit::load + extraction on the shipped models (printed; the daemon's
// budget is well under 10 ms a model).
TEST(ArchiveVsTorch, ReadTimes) {
  const auto files = pt_files(CLIPGEN_SHIPPED_MODELS_DIR);
  if (files.empty()) GTEST_SKIP() << "no shipped models";
  using Clock = std::chrono::steady_clock;
  const auto ms = [](Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  for (const auto& f : files) {
    double reader = 1e9, torch_load = 1e9;
    for (int rep = 0; rep < 5; ++rep) {
      auto t0 = Clock::now();
      auto a = read_torchscript_archive(f);
      auto t1 = Clock::now();
      ASSERT_TRUE(a.ok());
      torch::jit::ExtraFilesMap extra{{"clipgen.json", ""}};
      auto module = torch::jit::load(f, torch::kCPU, extra);
      torch_weights(module);
      auto t2 = Clock::now();
      reader = std::min(reader, ms(t1 - t0));
      torch_load = std::min(torch_load, ms(t2 - t1));
    }
    std::printf("%-24s %8.2f MB  reader %6.2f ms  torch::jit::load+extract %7.2f ms\n",
                fs::path(f).filename().c_str(), fs::file_size(f) / 1e6, reader, torch_load);
  }
}

}  // namespace
}  // namespace clipgen::engine::detail

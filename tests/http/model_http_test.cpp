// The real clipgend with the shipped models (models/shipped): every tool a loaded model offers
// answers a valid request with the contract's success shape, and the same seed gives the same
// clips through HTTP. Skips, saying why, when no model is loaded (no LibTorch build, no models).
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "daemon_process.h"

namespace clipgen::test {
namespace {

using nlohmann::json;

const std::string kModels = CLIPGEN_SHIPPED_MODELS;

// `bars` bars at 120 qpm, 4 steps per quarter: a rock beat or an arpeggio.
json clip(bool drums, int bars) {
  json notes = json::array();
  const auto add = [&](int pitch, int start, int length) {
    notes.push_back({{"pitch", pitch},
                     {"velocity", 100},
                     {"startTime", start * 0.125},
                     {"endTime", (start + length) * 0.125},
                     {"quantizedStartStep", start},
                     {"quantizedEndStep", start + length},
                     {"isDrum", drums}});
  };
  for (int bar = 0; bar < bars; ++bar) {
    const int at = bar * 16;
    if (drums) {
      for (int s : {0, 8}) add(36, at + s, 1);
      for (int s : {4, 12}) add(38, at + s, 1);
      for (int s = 0; s < 16; s += 2) add(42, at + s, 1);
    } else {
      const int pitches[] = {60, 64, 67, 72};
      for (int i = 0; i < 4; ++i) add(pitches[i], at + 4 * i, 4);
    }
  }
  return {{"notes", notes},
          {"tempos", json::array({{{"time", 0}, {"qpm", 120}}})},
          {"timeSignatures", json::array({{{"time", 0}, {"numerator", 4}, {"denominator", 4}}})},
          {"quantizationInfo", {{"stepsPerQuarter", 4}}},
          {"totalTime", bars * 2.0},
          {"totalQuantizedSteps", bars * 16}};
}

// A small valid request for `tool` on a model with this converter.
json request_for(const std::string& tool, const std::string& converter, int bars) {
  const bool drums = converter != "melody";
  json r{{"seed", 1234}, {"temperature", 0.9}};
  if (tool == "generate") {
    r["kind"] = drums ? "drums" : "melody";
    r["variations"] = 2;
  } else if (tool == "continue") {
    r["input"] = clip(drums, 1);
    r["variations"] = 1;
    r["length"] = 1;
  } else if (tool == "interpolate") {
    r["a"] = clip(drums, bars);
    r["b"] = clip(drums, bars);
    r["steps"] = 3;
  } else if (tool == "groove") {
    r["input"] = clip(true, bars);
  } else if (tool == "drumify") {
    r["input"] = clip(true, bars);
    r["variations"] = 1;
  }
  return r;
}

// clipgend with `args` and `env`, and a client to it.
struct Running {
  Running(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {})
      : process(daemon_binary(), args, env), client("127.0.0.1", process.port()) {
    client.set_read_timeout(300, 0);
  }
  // Polls /v1/health until the models are loaded and warmed (bounded); false if it never
  // listened or they never are.
  bool loaded() {
    for (int i = 0; process.listening() && i < 3000; ++i) {
      auto h = client.Get("/v1/health");
      if (h && h->status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  // GET /v1/models' list; empty when the request fails.
  json models() {
    auto r = client.Get("/v1/models");
    return r && r->status == 200 ? json::parse(r->body)["models"] : json::array();
  }
  DaemonProcess process;
  httplib::Client client;
};

std::string mapped_files(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/maps");
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(ShippedModels, EveryOfferedToolAnswersWithTheContractShape) {
  if (!std::filesystem::is_directory(kModels)) GTEST_SKIP() << "no models folder at " << kModels;
  Running running({"--port", "0", "--models", kModels});
  ASSERT_TRUE(running.loaded()) << running.process.stderr_text();
  DaemonProcess& d = running.process;
  httplib::Client& c = running.client;

  auto models = c.Get("/v1/models");
  ASSERT_TRUE(models && models->status == 200);
  std::set<std::string> tried;
  const json listed = json::parse(models->body);
  for (const auto& m : listed["models"]) {
    if (m.value("status", "") != "ready" && m.value("status", "") != "ok") continue;
    const std::string converter = m.value("converter", "");
    const int bars = std::max(1, m.value("bars", 1));
    for (const auto& t : m["tool"]) {
      const std::string tool = t.get<std::string>();
      if (!tried.insert(tool + "/" + converter).second) continue;
      SCOPED_TRACE(tool + " with model " + m["id"].get<std::string>());
      const std::string body = request_for(tool, converter, bars).dump();
      auto r = c.Post("/v1/" + tool, body, "application/json");
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 200) << r->body;
      const json j = json::parse(r->body);
      ASSERT_TRUE(j["sequences"].is_array());
      EXPECT_FALSE(j["sequences"].empty());
      for (const auto& s : j["sequences"]) EXPECT_TRUE(s["notes"].is_array());
      EXPECT_EQ(j["seed"], 1234);
      EXPECT_TRUE(j["warnings"].is_array());
      EXPECT_TRUE(j["model"].is_string());
      EXPECT_TRUE(j["elapsedMs"].is_number());
      auto again = c.Post("/v1/" + tool, body, "application/json");
      ASSERT_TRUE(again && again->status == 200);
      EXPECT_EQ(json::parse(again->body)["sequences"], j["sequences"]) << "same seed, other clips";
    }
  }
  if (tried.empty()) {
    GTEST_SKIP() << "no model is loaded (clipgend built without LibTorch?): " << models->body;
  }
  EXPECT_EQ(d.stop(SIGTERM), 0) << d.stderr_text();
}

// LibTorch is a plugin the engine opens only for TorchScript (engine/src/torch_plugin.h): on a
// machine without a GPU the shipped models load from their files and run natively, in a daemon
// that never maps LibTorch, and still do with no plugin at all.
TEST(ShippedModels, RunOnTheCpuWithoutLibTorch) {
  if (!std::filesystem::is_directory(kModels)) GTEST_SKIP() << "no models folder at " << kModels;
  const std::map<std::string, std::string> plugin_found,
      plugin_off{{"CLIPGEN_TORCH_PLUGIN", "none"}};
  for (const auto* env : {&plugin_found, &plugin_off}) {
    SCOPED_TRACE(env->empty() ? "plugin installed" : "CLIPGEN_TORCH_PLUGIN=none");
    // Device auto: where LibTorch could find no GPU (a CPU-only build, no NVIDIA driver) it
    // is not even asked.
    Running running({"--port", "0", "--models", kModels}, *env);
    ASSERT_TRUE(running.loaded()) << running.process.stderr_text();
    DaemonProcess& d = running.process;
    httplib::Client& c = running.client;
    auto version = c.Get("/v1/version");
    ASSERT_TRUE(version && version->status == 200);
    if (json::parse(version->body).value("device", "") != "cpu") {
      GTEST_SKIP() << "this machine has a GPU LibTorch can use: " << version->body;
    }
    const json listed = running.models();
    ASSERT_FALSE(listed.empty());
    for (const auto& m : listed) {
      EXPECT_EQ(m.value("status", ""), "ready") << m.dump();
      EXPECT_EQ(m.value("runtime", ""), "native") << m.dump();
    }
    for (const auto& [tool, converter] : {std::pair{"generate", "drums"}, {"groove", "groove"}}) {
      auto r = c.Post(std::string("/v1/") + tool, request_for(tool, converter, 2).dump(),
                      "application/json");
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200) << tool << ": " << r->body;
    }
    EXPECT_EQ(mapped_files(d.pid()).find("libtorch"), std::string::npos)
        << "LibTorch was loaded although every model runs natively";
    EXPECT_EQ(d.stop(SIGTERM), 0) << d.stderr_text();
  }
}

// `--runtime torchscript` needs the plugin: without it every model says so, and the daemon
// still answers (a 503 naming the reason, not a crash).
TEST(ShippedModels, TorchScriptWithoutThePluginSaysWhy) {
  if (!std::filesystem::is_directory(kModels)) GTEST_SKIP() << "no models folder at " << kModels;
  Running running(
      {"--port", "0", "--models", kModels, "--device", "cpu", "--runtime", "torchscript"},
      {{"CLIPGEN_TORCH_PLUGIN", "none"}});
  ASSERT_TRUE(running.loaded()) << running.process.stderr_text();
  DaemonProcess& d = running.process;
  httplib::Client& c = running.client;
  const json listed = running.models();
  ASSERT_FALSE(listed.empty());
  for (const auto& m : listed) {
    EXPECT_EQ(m.value("status", ""), "error") << m.dump();
    EXPECT_NE(m.value("reason", "").find("LibTorch"), std::string::npos) << m.dump();
  }
  auto r = c.Post("/v1/generate", request_for("generate", "drums", 2).dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  EXPECT_NE(r->body.find("LibTorch"), std::string::npos) << r->body;
  EXPECT_EQ(d.stop(SIGTERM), 0) << d.stderr_text();
}

// A GPU asked for on a machine without one: the tools answer 503 saying which devices there are,
// whether LibTorch's plugin could be asked (this CPU-only LibTorch) or is off.
TEST(ShippedModels, AnUnavailableGpuIsNamedInTheError) {
  if (!std::filesystem::is_directory(kModels)) GTEST_SKIP() << "no models folder at " << kModels;
  const std::map<std::string, std::string> plugin_found,
      plugin_off{{"CLIPGEN_TORCH_PLUGIN", "none"}};
  for (const auto* env : {&plugin_found, &plugin_off}) {
    SCOPED_TRACE(env->empty() ? "plugin installed" : "CLIPGEN_TORCH_PLUGIN=none");
    Running running({"--port", "0", "--models", kModels, "--device", "cuda"}, *env);
    ASSERT_TRUE(running.loaded()) << running.process.stderr_text();
    auto r = running.client.Post("/v1/generate", request_for("generate", "drums", 2).dump(),
                                 "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503) << r->body;
    EXPECT_NE(r->body.find("device cuda is not available here"), std::string::npos) << r->body;
    if (!env->empty()) {
      EXPECT_NE(r->body.find("LibTorch is off"), std::string::npos) << r->body;
    }
    EXPECT_EQ(running.process.stop(SIGTERM), 0) << running.process.stderr_text();
  }
}

}  // namespace
}  // namespace clipgen::test

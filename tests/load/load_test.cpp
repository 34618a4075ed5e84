// Bounded loopback load: 2,000 mixed tool requests (all five tools, valid, seeded) from 16
// client threads against one clipgend on the fixture models, with a queue smaller than the
// client count. Every answer must be 200, or 503 "busy" from the full queue (deliberate back
// pressure); nothing else, no dropped connection, and /v1/health answers throughout. Latency
// percentiles are printed (speed is measured here, asserted in bench/).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support.h"

namespace clipgen::test {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto at = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(at, v.size() - 1)];
}

constexpr int kBackoffMs = 50;

TEST(Load, MixedToolRequestsOnlyFailWithDeliberate503s) {
  const int total = env_int("CLIPGEN_LOAD_REQUESTS", 2000);
  const int concurrency = env_int("CLIPGEN_LOAD_CONCURRENCY", 16);
  // 2 running + 10 waiting < 16 clients: the queue does fill up now and then.
  auto d = start_daemon(fixture_models_dir(), {"--workers", "2", "--queue", "10"});
  ASSERT_TRUE(d->listening()) << d->stderr_text();
  ASSERT_TRUE(wait_ready(d->port())) << d->stderr_text();
  const int port = d->port();

  const std::vector<std::string> tools = {"generate", "continue", "interpolate", "groove",
                                          "drumify"};
  std::vector<std::string> bodies;
  for (const auto& t : tools) bodies.push_back(valid_request(t).dump());

  std::atomic<int> next{0};
  std::mutex mutex;
  std::vector<double> ok_ms;
  std::vector<double> all_ms;
  std::map<std::string, int> per_tool_ok;
  int busy = 0;
  std::vector<std::string> failures;

  std::atomic<bool> done{false};
  int health_checks = 0;
  int health_failures = 0;
  std::thread prober([&] {
    auto c = client(port);
    while (!done) {
      auto r = c.Get("/v1/health");
      ++health_checks;
      if (!r || r->status != 200) ++health_failures;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });

  const auto start = Clock::now();
  std::vector<std::thread> clients;
  for (int w = 0; w < concurrency; ++w) {
    clients.emplace_back([&] {
      auto c = client(port);
      bool backoff = false;
      for (int i = next++; i < total; i = next++) {
        // A client told "busy" waits a moment before its next request, as the devices do.
        if (backoff) std::this_thread::sleep_for(std::chrono::milliseconds(kBackoffMs));
        backoff = false;
        const size_t t = static_cast<size_t>(i) % tools.size();
        const auto t0 = Clock::now();
        auto r = c.Post("/v1/" + tools[t], bodies[t], "application/json");
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        std::lock_guard<std::mutex> lock(mutex);
        all_ms.push_back(ms);
        if (r && r->status == 200) {
          ok_ms.push_back(ms);
          ++per_tool_ok[tools[t]];
        } else if (r && r->status == 503 && envelope_problem(r, 503, "unavailable").empty() &&
                   error_message(r).find("busy") != std::string::npos) {
          ++busy;
          backoff = true;
        } else if (failures.size() < 20) {
          failures.push_back(tools[t] + " #" + std::to_string(i) + ": " +
                             (r ? std::to_string(r->status) + " " + r->body.substr(0, 300)
                                : "no response (" + httplib::to_string(r.error()) + ")"));
        } else {
          failures.push_back("...");
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  done = true;
  prober.join();

  std::cout << "load: " << total << " requests, concurrency " << concurrency << ", " << seconds
            << " s, " << static_cast<double>(total) / seconds << " req/s\n"
            << "load: 200: " << ok_ms.size() << ", 503 busy: " << busy
            << ", other: " << failures.size() << "\n"
            << "load: latency of 200s p50 " << percentile(ok_ms, 50) << " ms, p99 "
            << percentile(ok_ms, 99) << " ms, max " << percentile(ok_ms, 100) << " ms\n"
            << "load: latency of all  p50 " << percentile(all_ms, 50) << " ms, p99 "
            << percentile(all_ms, 99) << " ms\n"
            << "load: health checks during the run: " << health_checks << ", failed "
            << health_failures << "\n";
  for (const auto& [tool, n] : per_tool_ok) std::cout << "load: " << tool << " 200 x " << n << "\n";
  RecordProperty("p50_ms", std::to_string(percentile(ok_ms, 50)));
  RecordProperty("p99_ms", std::to_string(percentile(ok_ms, 99)));

  EXPECT_EQ(all_ms.size(), static_cast<size_t>(total));
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_EQ(health_failures, 0);
  for (const auto& tool : tools) EXPECT_GT(per_tool_ok[tool], 0) << tool << " never succeeded";
  EXPECT_EQ(d->stop(SIGTERM), 0) << d->stderr_text();
}

}  // namespace
}  // namespace clipgen::test

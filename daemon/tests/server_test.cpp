// The server over real HTTP, in-process, with a test backend whose behaviour the test controls
// (loading state, a tool that blocks, one that throws): queue, timeout and loading paths that
// the real backend cannot be made to show on demand.
#include "server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

namespace clipgen::daemon {
namespace {

using nlohmann::json;

class TestBackend final : public Backend {
 public:
  void start_loading() override {}
  bool ready() const override { return ready_; }
  json models() const override { return json::array({{{"id", "test"}, {"status", "ok"}}}); }
  json version() const override { return {{"torch", "none"}, {"device", "cpu"}}; }
  std::vector<std::string> tools() const override { return {"echo", "block", "throw", "fail"}; }
  Result<std::string> run(const std::string& tool, const json& body) override {
    if (tool == "throw") throw std::runtime_error("model exploded");
    if (tool == "fail") return Error{ErrorKind::kUnprocessable, "the clip is empty"};
    if (tool == "block") {
      std::unique_lock<std::mutex> lock(m_);
      ++blocked_;
      cv_.notify_all();
      cv_.wait(lock, [this] { return released_; });
    }
    return json{{"echo", body}}.dump();
  }

  void set_ready(bool r) { ready_ = r; }
  void wait_blocked(int n) {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return blocked_ >= n; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(m_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::atomic<bool> ready_{true};
  std::mutex m_;
  std::condition_variable cv_;
  int blocked_ = 0;
  bool released_ = false;
};

class ServerTest : public ::testing::Test {
 protected:
  void start(Options o = {}) {
    o.port = 0;
    auto b = std::make_unique<TestBackend>();
    backend = b.get();
    server = std::make_unique<Server>(o, std::move(b));
    ASSERT_FALSE(server->bind().has_value());
    thread = std::thread([this] { server->run(); });
  }
  void TearDown() override {
    if (backend) backend->release();
    if (server) server->stop();
    if (thread.joinable()) thread.join();
  }
  httplib::Client client() {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(30, 0);
    return c;
  }
  static json error_of(const httplib::Result& r) { return json::parse(r->body)["error"]; }

  TestBackend* backend = nullptr;
  std::unique_ptr<Server> server;
  std::thread thread;
};

TEST_F(ServerTest, HealthSaysLoadingUntilReady) {
  start();
  backend->set_ready(false);
  auto c = client();
  auto loading = c.Get("/v1/health");
  ASSERT_TRUE(loading);
  EXPECT_EQ(loading->status, 503);
  EXPECT_EQ(json::parse(loading->body)["status"], "loading");
  auto tool = c.Post("/v1/echo", "{}", "application/json");
  ASSERT_TRUE(tool);
  EXPECT_EQ(tool->status, 503);
  EXPECT_EQ(error_of(tool)["type"], "unavailable");
  backend->set_ready(true);
  auto ok = c.Get("/v1/health");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(json::parse(ok->body)["status"], "ok");
}

TEST_F(ServerTest, ToolRouteReturnsBackendResult) {
  start();
  auto r = client().Post("/v1/echo", R"({"variations": 3})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(json::parse(r->body)["echo"]["variations"], 3);
}

TEST_F(ServerTest, BackendErrorsAndExceptionsBecomeEnvelopes) {
  start();
  auto c = client();
  auto fail = c.Post("/v1/fail", "{}", "application/json");
  ASSERT_TRUE(fail);
  EXPECT_EQ(fail->status, 422);
  EXPECT_EQ(error_of(fail)["message"], "the clip is empty");
  auto boom = c.Post("/v1/throw", "{}", "application/json");
  ASSERT_TRUE(boom);
  EXPECT_EQ(boom->status, 500);
  EXPECT_EQ(error_of(boom)["type"], "internal");
  EXPECT_NE(error_of(boom)["message"].get<std::string>().find("model exploded"), std::string::npos);
  EXPECT_EQ(c.Get("/v1/health")->status, 200);
}

TEST_F(ServerTest, FullQueueAnswers503AtOnceAndHealthStaysUp) {
  Options o;
  o.workers = 1;
  o.queue = 0;
  start(o);
  std::thread first([this] {
    auto r = client().Post("/v1/block", "{}", "application/json");
    EXPECT_TRUE(r && r->status == 200);
  });
  backend->wait_blocked(1);  // the only worker is busy, no waiting room
  auto c = client();
  auto refused = c.Post("/v1/echo", "{}", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(error_of(refused)["type"], "unavailable");
  EXPECT_NE(error_of(refused)["message"].get<std::string>().find("busy"), std::string::npos);
  auto health = c.Get("/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  backend->release();
  first.join();
}

TEST_F(ServerTest, SlowRequestTimesOutWith503) {
  Options o;
  o.request_timeout_s = 1;
  start(o);
  auto r = client().Post("/v1/block", "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(error_of(r)["message"].get<std::string>().find("--request-timeout"), std::string::npos);
}

TEST_F(ServerTest, OversizedBodiesAre413EnvelopesWithLengthOrChunked) {
  Options o;
  o.max_body = 4096;
  start(o);
  auto c = client();
  const std::string big = "{\"pad\":\"" + std::string(10000, 'x') + "\"}";
  auto sized = c.Post("/v1/echo", big, "application/json");
  ASSERT_TRUE(sized);
  EXPECT_EQ(sized->status, 413);
  EXPECT_EQ(error_of(sized)["type"], "payload_too_large");

  auto chunked = c.Post(
      "/v1/echo",
      [&](size_t offset, httplib::DataSink& sink) {
        if (offset < big.size()) {
          sink.write(big.data() + offset, std::min<size_t>(1000, big.size() - offset));
        } else {
          sink.done();
        }
        return true;
      },
      "application/json");
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->status, 413);
  EXPECT_EQ(error_of(chunked)["type"], "payload_too_large");

  // A chunked body under the limit goes through.
  const std::string small = R"({"kind":"drums"})";
  auto ok = c.Post(
      "/v1/echo",
      [&](size_t offset, httplib::DataSink& sink) {
        if (offset < small.size()) {
          sink.write(small.data() + offset, small.size() - offset);
        } else {
          sink.done();
        }
        return true;
      },
      "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(c.Get("/v1/health")->status, 200);
}

TEST_F(ServerTest, PostWithoutBodyIsAnsweredNotHung) {
  start();
  httplib::Headers h{{"Content-Type", "application/json"}};
  auto r = client().Post("/v1/echo", h);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(error_of(r)["type"], "invalid_request");
}

TEST_F(ServerTest, StopLetsTheToolRequestInFlightFinish) {
  start();
  int status = 0;
  std::string body;
  std::thread caller([&] {
    auto r = client().Post("/v1/block", R"({"n": 1})", "application/json");
    if (r) {
      status = r->status;
      body = r->body;
    }
  });
  backend->wait_blocked(1);
  server->stop();  // the listener closes; the request is still inside the backend
  backend->release();
  caller.join();
  thread.join();  // run() returned after the request completed
  EXPECT_EQ(status, 200);
  EXPECT_EQ(json::parse(body)["echo"]["n"], 1);
}

TEST_F(ServerTest, StopBeforeRunReturnsPromptly) {
  Options o;
  o.port = 0;
  Server s(o, std::make_unique<TestBackend>());
  ASSERT_FALSE(s.bind().has_value());
  s.stop();
  s.run();  // returns because stop came first
  SUCCEED();
}

}  // namespace
}  // namespace clipgen::daemon

#include "options.h"

#include <gtest/gtest.h>

#include <map>

namespace clipgen::daemon {
namespace {

Getenv env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Result<Options> resolve(std::vector<std::string> args,
                        std::map<std::string, std::string> env = {}) {
  auto cl = read_flags(args);
  if (!cl) return cl.error();
  return resolve_options({read_environment(env_of(std::move(env))), cl->flags});
}

TEST(Options, Defaults) {
  auto o = resolve({});
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 7311);
  EXPECT_EQ(o->max_body, 1024u * 1024u);
  EXPECT_EQ(o->queue, 16u);
  EXPECT_EQ(o->workers, 1u);
  EXPECT_EQ(o->request_timeout_s, 120);
  EXPECT_EQ(o->device, "auto");
  EXPECT_EQ(o->log_level, "info");
  EXPECT_TRUE(o->api_key.empty());
  EXPECT_TRUE(o->allow_origins.empty());
  EXPECT_TRUE(o->models_dir.empty());
  EXPECT_EQ(o->http_threads(), 16u + 1u + 8u);
}

TEST(Options, EnvironmentOverridesDefaults) {
  auto o = resolve({}, {{"CLIPGEN_PORT", "9000"},
                        {"CLIPGEN_API_KEY", "k"},
                        {"CLIPGEN_QUEUE", "3"},
                        {"CLIPGEN_MODELS", "/m"},
                        {"CLIPGEN_MAX_BODY", "64KiB"}});
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->port, 9000);
  EXPECT_EQ(o->api_key, "k");
  EXPECT_EQ(o->queue, 3u);
  EXPECT_EQ(o->models_dir, "/m");
  EXPECT_EQ(o->max_body, 64u * 1024u);
}

TEST(Options, FlagOverridesEnvironment) {
  auto o =
      resolve({"--port", "9001", "--queue=5"}, {{"CLIPGEN_PORT", "9000"}, {"CLIPGEN_QUEUE", "3"}});
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->port, 9001);
  EXPECT_EQ(o->queue, 5u);
}

TEST(Options, EveryOptionHasAnEnvironmentMirror) {
  for (const auto& spec : option_specs()) {
    EXPECT_EQ(std::string(spec.env).rfind("CLIPGEN_", 0), 0u) << spec.name;
    EXPECT_NE(help_text().find(spec.env), std::string::npos) << spec.env;
    EXPECT_NE(help_text().find(std::string("--") + spec.name), std::string::npos) << spec.name;
  }
}

TEST(Options, LaterLayerWinsPerOption) {
  RawLayer file{{"port", {{"8000"}, "clipgend.toml:1"}}, {"queue", {{"2"}, "clipgend.toml:2"}}};
  RawLayer env{{"port", {{"8001"}, "CLIPGEN_PORT"}}};
  auto o = resolve_options({file, env});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->port, 8001);
  EXPECT_EQ(o->queue, 2u);
}

TEST(Options, OriginsRepeatAndSplitOnCommas) {
  auto o = resolve({"--allow-origin", "http://a:1", "--allow-origin=http://b:2, http://c:3"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->allow_origins, (std::vector<std::string>{"http://a:1", "http://b:2", "http://c:3"}));
  auto e = resolve({}, {{"CLIPGEN_ALLOW_ORIGIN", "http://x:1,http://y:2"}});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->allow_origins, (std::vector<std::string>{"http://x:1", "http://y:2"}));
  // A higher layer replaces the list rather than adding to it.
  auto f = resolve({"--allow-origin", "http://a:1"}, {{"CLIPGEN_ALLOW_ORIGIN", "http://x:1"}});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->allow_origins, (std::vector<std::string>{"http://a:1"}));
}

TEST(Options, SizesTakeUnits) {
  EXPECT_EQ(resolve({"--max-body", "2MiB"})->max_body, 2u * 1024 * 1024);
  EXPECT_EQ(resolve({"--max-body", "512k"})->max_body, 512u * 1024);
  EXPECT_EQ(resolve({"--max-body", "4096"})->max_body, 4096u);
}

TEST(Options, BadValuesNameTheirSource) {
  auto a = resolve({"--port", "70000"});
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("--port"), std::string::npos);
  auto b = resolve({}, {{"CLIPGEN_PORT", "abc"}});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("CLIPGEN_PORT"), std::string::npos);
  EXPECT_FALSE(resolve({"--max-body", "1GB"}).ok());
  EXPECT_FALSE(resolve({"--max-body", "10"}).ok());
  EXPECT_FALSE(resolve({"--workers", "0"}).ok());
  EXPECT_FALSE(resolve({"--device", "gpu"}).ok());
  EXPECT_TRUE(resolve({"--device", "cuda:1"}).ok());
  EXPECT_FALSE(resolve({"--runtime", "fast"}).ok());
  EXPECT_EQ(resolve({"--runtime", "torchscript"}).value().runtime, "torchscript");
  EXPECT_FALSE(resolve({"--native-threads", "3"}).ok());
  EXPECT_EQ(resolve({"--native-threads", "1"}).value().native_threads, 1);
  EXPECT_EQ(resolve({}, {{"CLIPGEN_NATIVE_THREADS", "2"}}).value().native_threads, 2);
  EXPECT_FALSE(resolve({"--log-level", "loud"}).ok());
  EXPECT_FALSE(resolve({"--request-timeout", "0"}).ok());
  EXPECT_FALSE(resolve({"--api-key", ""}).ok());
}

TEST(Options, UnknownOrIncompleteFlagsAreErrors) {
  EXPECT_FALSE(read_flags({"--prot", "1"}).ok());
  EXPECT_FALSE(read_flags({"--port"}).ok());
  EXPECT_FALSE(read_flags({"stray"}).ok());
}

TEST(Options, HelpAndVersion) {
  EXPECT_EQ(read_flags({"--help"})->action, Action::kHelp);
  EXPECT_EQ(read_flags({"-h"})->action, Action::kHelp);
  EXPECT_EQ(read_flags({"--version"})->action, Action::kVersion);
  EXPECT_NE(help_text().find("7311"), std::string::npos);
}

TEST(Options, BracketedIpv6Host) {
  auto o = resolve({"--host", "[::1]"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->host, "::1");
}

}  // namespace
}  // namespace clipgen::daemon

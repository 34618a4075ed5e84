// The settings file layer (config_file.h), the per-user folders and the log file choice.
#include "config_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "log_setup.h"
#include "user_dirs.h"

namespace clipgen::daemon {
namespace {

namespace fs = std::filesystem;

Getenv env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string error_of(std::string_view text) {
  auto layer = parse_config_text(text, "clipgend.conf");
  return layer ? "" : layer.error().message;
}

TEST(ConfigFile, ReadsKeysValuesCommentsAndQuotes) {
  auto layer = parse_config_text(
      "# ClipGen settings\n"
      "\n"
      "port = 7400   # not the default\n"
      "  host=127.0.0.1\n"
      "models = \"/Users/ana/My Models\"\n"
      "api_key = 'se#cret'\n"
      "device = cpu#1\n",
      "clipgend.conf");
  ASSERT_TRUE(layer) << layer.error().message;
  EXPECT_EQ(layer->at("port").values, std::vector<std::string>{"7400"});
  EXPECT_EQ(layer->at("port").origin, "clipgend.conf line 3");
  EXPECT_EQ(layer->at("host").values.back(), "127.0.0.1");
  EXPECT_EQ(layer->at("models").values.back(), "/Users/ana/My Models");
  EXPECT_EQ(layer->at("api-key").values.back(), "se#cret");
  EXPECT_EQ(layer->at("device").values.back(), "cpu#1");  // '#' needs a space before it
}

TEST(ConfigFile, EscapesInDoubleQuotes) {
  auto layer = parse_config_text("models = \"C:\\\\Clip \\\"Gen\\\"\"\n", "f");
  ASSERT_TRUE(layer) << layer.error().message;
  EXPECT_EQ(layer->at("models").values.back(), "C:\\Clip \"Gen\"");
  EXPECT_NE(error_of("models = \"C:\\Clip\"").find("unknown escape"), std::string::npos);
}

TEST(ConfigFile, UnknownKeyNamesLineAndSuggests) {
  EXPECT_EQ(error_of("# settings\nport = 1\n\nprot = 7311\n"),
            "clipgend.conf line 4: unknown key 'prot' (did you mean 'port'?)");
  EXPECT_EQ(error_of("log-levle = debug"),
            "clipgend.conf line 1: unknown key 'log-levle' (did you mean 'log-level'?)");
  EXPECT_EQ(error_of("colour = blue"),
            "clipgend.conf line 1: unknown key 'colour' (see clipgend --help)");
}

TEST(ConfigFile, MalformedLinesAreErrorsWithTheirLineNumber) {
  EXPECT_EQ(error_of("port 7311"), "clipgend.conf line 1: expected 'key = value', got 'port 7311'");
  EXPECT_EQ(error_of("\nport =\n"),
            "clipgend.conf line 2: 'port' has no value (delete the line to use the default)");
  EXPECT_EQ(error_of("port = 1\nport = 2\n"),
            "clipgend.conf line 2: 'port' is already set on line 1");
  EXPECT_NE(error_of("[daemon]\nport = 1").find("line 1: sections"), std::string::npos);
  EXPECT_NE(error_of("models = \"/a").find("no closing"), std::string::npos);
  EXPECT_NE(error_of("models = \"/a\" x").find("unexpected text"), std::string::npos);
  EXPECT_NE(error_of("config = /x").find("cannot be set inside"), std::string::npos);
  EXPECT_NE(error_of("= 3").find("without a key"), std::string::npos);
}

TEST(ConfigFile, RepeatableOptionsMayRepeat) {
  auto layer = parse_config_text("allow-origin = a\nallow-origin = b, c\n", "f");
  ASSERT_TRUE(layer) << layer.error().message;
  auto options = resolve_options({*layer});
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->allow_origins, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(ConfigFile, BadValuesNameTheFileLine) {
  auto layer = parse_config_text("\nport = loud\n", "clipgend.conf");
  ASSERT_TRUE(layer);
  auto options = resolve_options({*layer});
  ASSERT_FALSE(options);
  EXPECT_EQ(options.error().message, "clipgend.conf line 2: 'loud' is not a whole number");
}

TEST(ConfigFile, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
  auto file = parse_config_text("port = 7400\nqueue = 3\nworkers = 2\ndevice = cpu\n", "f");
  ASSERT_TRUE(file);
  RawLayer env = read_environment(env_of({{"CLIPGEN_PORT", "7401"}, {"CLIPGEN_QUEUE", "4"}}));
  auto flags = read_flags({"--port", "7402"});
  ASSERT_TRUE(flags);
  auto options = resolve_options({*file, env, flags->flags});
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->port, 7402);         // flag
  EXPECT_EQ(options->queue, 4u);          // environment
  EXPECT_EQ(options->workers, 2u);        // file
  EXPECT_EQ(options->device, "cpu");      // file
  EXPECT_EQ(options->log_level, "info");  // default
}

TEST(ConfigLocation, FlagThenEnvironmentThenPlatformDefault) {
  auto env = env_of({{"HOME", "/home/ana"}, {"CLIPGEN_CONFIG", "/etc/env.conf"}});
  RawLayer environment = read_environment(env);
  auto flags = read_flags({"--config", "/tmp/flag.conf"});
  ASSERT_TRUE(flags);
  ConfigLocation a = locate_config(flags->flags, environment, env);
  EXPECT_EQ(a.path, "/tmp/flag.conf");
  EXPECT_TRUE(a.explicit_choice);
  ConfigLocation b = locate_config({}, environment, env);
  EXPECT_EQ(b.path, "/etc/env.conf");
  ConfigLocation c = locate_config({}, {}, env);
  EXPECT_FALSE(c.explicit_choice);
  EXPECT_EQ(c.path, default_config_path(env));
  EXPECT_FALSE(c.path.empty());
}

class ConfigFileOnDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("clipgend-config-test-" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ConfigFileOnDisk, ReadsAFileAndLabelsItsLines) {
  const fs::path file = dir_ / "clipgend.conf";
  std::ofstream(file) << "port = 7500\r\nprot = 1\r\n";
  auto layer = read_config_file({file.string(), true});
  ASSERT_FALSE(layer);
  EXPECT_EQ(layer.error().message,
            file.string() + " line 2: unknown key 'prot' (did you mean 'port'?)");
  std::ofstream(file) << "\xEF\xBB\xBFport = 7500\r\n";  // Notepad writes a BOM and CRLF
  layer = read_config_file({file.string(), true});
  ASSERT_TRUE(layer) << layer.error().message;
  EXPECT_EQ(layer->at("port").values.back(), "7500");
}

TEST_F(ConfigFileOnDisk, AbsentDefaultIsFineAbsentChoiceIsNot) {
  const std::string missing = (dir_ / "nope.conf").string();
  auto quiet = read_config_file({missing, false});
  ASSERT_TRUE(quiet);
  EXPECT_TRUE(quiet->empty());
  auto loud = read_config_file({missing, true});
  ASSERT_FALSE(loud);
  EXPECT_NE(loud.error().message.find("does not exist"), std::string::npos);
}

TEST_F(ConfigFileOnDisk, EmptyFileSetsNothing) {
  const fs::path file = dir_ / "empty.conf";
  std::ofstream{file};
  auto layer = read_config_file({file.string(), true});
  ASSERT_TRUE(layer) << layer.error().message;
  EXPECT_TRUE(layer->empty());
}

#if defined(__linux__)
TEST(UserDirs, LinuxFollowsXdgWithHomeFallbacks) {
  auto home_only = env_of({{"HOME", "/home/ana"}, {"XDG_CONFIG_HOME", ""}});
  EXPECT_EQ(default_config_path(home_only), "/home/ana/.config/clipgen/clipgend.conf");
  EXPECT_EQ(default_log_file(home_only), "/home/ana/.local/state/clipgen/clipgend.log");
  auto xdg = env_of({{"HOME", "/home/ana"}, {"XDG_CONFIG_HOME", "/c"}, {"XDG_STATE_HOME", "/s"}});
  EXPECT_EQ(default_config_path(xdg), "/c/clipgen/clipgend.conf");
  EXPECT_EQ(default_log_file(xdg), "/s/clipgen/clipgend.log");
  EXPECT_EQ(default_config_path(env_of({})), "");
}
#endif

TEST(LogFile, NoneDisablesExplicitWinsElsePlatformDefault) {
  auto env = env_of({{"HOME", "/home/ana"}});
  Options options;
  EXPECT_EQ(log_file_path(options, env), default_log_file(env));
  options.log_file = "/tmp/x.log";
  EXPECT_EQ(log_file_path(options, env), "/tmp/x.log");
  options.log_file = "none";
  EXPECT_EQ(log_file_path(options, env), "");
}

}  // namespace
}  // namespace clipgen::daemon

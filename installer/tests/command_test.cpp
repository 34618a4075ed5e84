#include "clipgen/service/command.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_support.h"

namespace clipgen::service {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome run(const std::vector<std::string>& args, const EnvLookup& env, CommandRunner* runner) {
  std::ostringstream out, err;
  int code = run_service_command(args, out, err, env, runner);
  return {code, out.str(), err.str()};
}

class CommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = tmp_.path() / "home";
    fs::create_directories(home_ / ".config");
    daemon_ = tmp_.path() / "bin" / "clipgend";
    fs::create_directories(daemon_.parent_path());
    std::ofstream(daemon_) << "#!/bin/sh\n";
    env_ = testing::map_env({{"HOME", home_.string()}, {"USERNAME", "ana"}});
  }
  testing::TempDir tmp_;
  fs::path home_;
  fs::path daemon_;
  EnvLookup env_;
  testing::RecordingRunner runner_;
};

TEST_F(CommandTest, UsageErrorsExitWithTwoAndSayWhy) {
  Outcome r = run({}, env_, &runner_);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("missing command"), std::string::npos);

  r = run({"start"}, env_, &runner_);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command 'start'"), std::string::npos);

  r = run({"install", "--prot", "1"}, env_, &runner_);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown option '--prot'"), std::string::npos);

  r = run({"install", "--port", "0"}, env_, &runner_);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("1 to 65535"), std::string::npos);

  r = run({"status", "--platform", "amiga"}, env_, &runner_);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(runner_.calls.empty());
}

TEST_F(CommandTest, HelpPrintsUsage) {
  Outcome r = run({"--help"}, env_, &runner_);
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("clipgen service <command>"), std::string::npos);
}

TEST_F(CommandTest, PrintRendersForTheNamedPlatformWithoutTouchingHome) {
  Outcome r = run({"print", "--platform", "macos", "--daemon", daemon_.string(), "--port", "7400"},
                  env_, &runner_);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("<string>" + daemon_.string() + "</string>"), std::string::npos);
  EXPECT_NE(r.out.find("<string>7400</string>"), std::string::npos);
  EXPECT_TRUE(runner_.calls.empty());
  EXPECT_EQ(testing::tree(home_), std::set<std::string>{".config/"});
}

TEST_F(CommandTest, InstallThenUninstallThroughTheCommand) {
  Outcome r = run({"install", "--platform", "linux", "--daemon", daemon_.string()}, env_, &runner_);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(home_ / ".config/systemd/user/clipgend.service"));
  r = run({"uninstall", "--platform", "linux"}, env_, &runner_);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(testing::tree(home_), std::set<std::string>{".config/"});
}

TEST_F(CommandTest, FailuresExitWithOneAndExplain) {
  runner_.exit_codes["systemctl --user daemon-reload"] = 1;
  Outcome r = run({"install", "--platform", "linux", "--daemon", daemon_.string()}, env_, &runner_);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("user session"), std::string::npos) << r.err;
}

TEST_F(CommandTest, WindowsNeedsAUserName) {
  Outcome r = run({"print", "--platform", "windows", "--daemon", daemon_.string()},
                  testing::map_env({{"HOME", home_.string()}}), &runner_);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("USERNAME"), std::string::npos);
}

}  // namespace
}  // namespace clipgen::service

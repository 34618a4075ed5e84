// Install and uninstall against a temporary HOME with a recording runner: no systemd user
// session, launchd or Task Scheduler is needed, and every command is checked.
#include "clipgen/service/manager.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_support.h"

namespace clipgen::service {
namespace {

namespace fs = std::filesystem;
using testing::RecordingRunner;
using testing::TempDir;

class ManagerTest : public ::testing::TestWithParam<Platform> {
 protected:
  void SetUp() override {
    home_ = tmp_.path() / "home";
    // A lived-in home already has these; install may add below them, uninstall must restore.
    for (const char* dir : {".config", "Library", "AppData/Local", "AppData/Roaming"}) {
      fs::create_directories(home_ / dir);
    }
    launch_.clipgend = tmp_.path() / "prefix" / "bin" / "clipgend";
    fs::create_directories(launch_.clipgend.parent_path());
    std::ofstream(launch_.clipgend) << "#!/bin/sh\n";
    launch_.user_id = "ana";
    auto paths = service_paths(GetParam(), testing::map_env({{"HOME", home_.string()}}));
    ASSERT_TRUE(paths.ok());
    paths_ = *paths;
    tools_.uid = "501";
  }

  ServiceManager manager() { return ServiceManager(GetParam(), paths_, tools_, runner_, out_); }

  TempDir tmp_;
  fs::path home_;
  DaemonLaunch launch_;
  ServicePaths paths_;
  Tools tools_;
  RecordingRunner runner_;
  std::ostringstream out_;
};

TEST_P(ManagerTest, InstallTwiceThenUninstallTwiceLeavesHomeAsItWas) {
  const auto before = testing::tree(home_);

  ASSERT_TRUE(manager().install(launch_).ok()) << out_.str();
  ASSERT_TRUE(fs::exists(paths_.definition));
  std::string first = testing::read_file(paths_.definition);
  std::vector<std::string> first_calls = runner_.calls;
  ASSERT_FALSE(first_calls.empty());

  runner_.calls.clear();
  ASSERT_TRUE(manager().install(launch_).ok()) << out_.str();
  EXPECT_EQ(testing::read_file(paths_.definition), first);
  EXPECT_EQ(runner_.calls, first_calls);

  runner_.calls.clear();
  ASSERT_TRUE(manager().uninstall().ok()) << out_.str();
  EXPECT_FALSE(fs::exists(paths_.definition));
  EXPECT_FALSE(runner_.calls.empty());
  EXPECT_EQ(testing::tree(home_), before);

  runner_.calls.clear();
  ASSERT_TRUE(manager().uninstall().ok());
  EXPECT_TRUE(runner_.calls.empty());
  EXPECT_NE(out_.str().find("nothing to remove"), std::string::npos);
  EXPECT_EQ(testing::tree(home_), before);
}

TEST_P(ManagerTest, DefinitionNamesTheInstalledDaemon) {
  launch_.models = tmp_.path() / "prefix" / "share" / "clipgen" / "models";
  ASSERT_TRUE(manager().install(launch_).ok()) << out_.str();
  std::string text = testing::read_file(paths_.definition);
  if (GetParam() == Platform::kTaskScheduler) {
    ASSERT_GE(text.size(), 2u);
    EXPECT_EQ(text.substr(0, 2), "\xFF\xFE");  // UTF-16LE, as schtasks expects
    text = testing::read_file(paths_.definition);
    std::string narrow;
    for (size_t i = 2; i + 1 < text.size(); i += 2) narrow += text[i];
    text = narrow;
  }
  EXPECT_NE(text.find(launch_.clipgend.string()), std::string::npos) << text;
  EXPECT_NE(text.find(launch_.models->string()), std::string::npos) << text;
}

TEST_P(ManagerTest, NotesAMissingModelsFolder) {
  ASSERT_TRUE(manager().install(launch_).ok());
  EXPECT_NE(out_.str().find("note: there is no models folder"), std::string::npos);
  out_.str("");
  fs::create_directories(tmp_.path() / "prefix" / "share" / "clipgen" / "models");
  ASSERT_TRUE(manager().install(launch_).ok());
  EXPECT_EQ(out_.str().find("note:"), std::string::npos) << out_.str();
}

TEST_P(ManagerTest, FailedRegistrationLeavesNothingBehind) {
  const auto before = testing::tree(home_);
  for (const std::string& tool : {tools_.systemctl, tools_.launchctl, tools_.schtasks}) {
    runner_.exit_codes[tool] = 1;
  }
  auto result = manager().install(launch_);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("exited with 1"), std::string::npos);
  EXPECT_EQ(testing::tree(home_), before);
}

TEST_P(ManagerTest, MissingDaemonIsReportedBeforeAnythingIsWritten) {
  const auto before = testing::tree(home_);
  launch_.clipgend = tmp_.path() / "nowhere" / "clipgend";
  auto result = manager().install(launch_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(result.error().message.find("--daemon"), std::string::npos);
  EXPECT_TRUE(runner_.calls.empty());
  EXPECT_EQ(testing::tree(home_), before);
}

TEST_P(ManagerTest, DryRunWritesAndRunsNothing) {
  const auto before = testing::tree(home_);
  auto m = manager();
  m.set_dry_run(true);
  ASSERT_TRUE(m.install(launch_).ok());
  EXPECT_EQ(testing::tree(home_), before);
  EXPECT_NE(out_.str().find("would write " + paths_.definition.string()), std::string::npos);
}

std::string param_name(const ::testing::TestParamInfo<Platform>& param_info) {
  return std::string(platform_name(param_info.param));
}

INSTANTIATE_TEST_SUITE_P(AllPlatforms, ManagerTest,
                         ::testing::Values(Platform::kSystemd, Platform::kLaunchd,
                                           Platform::kTaskScheduler),
                         param_name);

class SystemdManagerTest : public ManagerTest {};

TEST_P(SystemdManagerTest, RunsTheUserManagerCommandsInOrder) {
  ASSERT_TRUE(manager().install(launch_).ok());
  EXPECT_EQ(runner_.calls, (std::vector<std::string>{"systemctl --user daemon-reload",
                                                     "systemctl --user enable clipgend.service",
                                                     "systemctl --user restart clipgend.service"}));
  runner_.calls.clear();
  ASSERT_TRUE(manager().uninstall().ok());
  EXPECT_EQ(runner_.calls,
            (std::vector<std::string>{"systemctl --user disable --now clipgend.service",
                                      "systemctl --user daemon-reload",
                                      "systemctl --user reset-failed clipgend.service"}));
  EXPECT_NE(out_.str().find("loginctl enable-linger"), std::string::npos);
}

TEST_P(SystemdManagerTest, LogsShowTheTailOfTheLogFile) {
  fs::create_directories(paths_.log_dir);
  std::ofstream(paths_.log_file) << "one\ntwo\nthree\n";
  ASSERT_TRUE(manager().logs(2, false).ok());
  EXPECT_TRUE(runner_.calls.empty());
  EXPECT_EQ(out_.str(), "two\nthree\n");
}

TEST_P(SystemdManagerTest, LogsUseTheJournalWithoutALogFile) {
  ASSERT_TRUE(manager().logs(7, true).ok());
  EXPECT_EQ(runner_.calls,
            std::vector<std::string>{"journalctl --user -u clipgend.service -n 7 --no-pager -f"});
  runner_.exit_codes["journalctl"] = 1;
  auto result = manager().logs(7, false);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("no log yet"), std::string::npos);
}

TEST_P(SystemdManagerTest, StatusSaysWhenNothingIsInstalled) {
  ASSERT_TRUE(manager().status().ok());
  EXPECT_NE(out_.str().find("(not installed)"), std::string::npos);
  EXPECT_TRUE(runner_.calls.empty());
}

INSTANTIATE_TEST_SUITE_P(Linux, SystemdManagerTest, ::testing::Values(Platform::kSystemd),
                         param_name);

class LaunchdManagerTest : public ManagerTest {};

TEST_P(LaunchdManagerTest, BootstrapsIntoTheGuiDomain) {
  ASSERT_TRUE(manager().install(launch_).ok());
  ASSERT_EQ(runner_.calls.size(), 3u);
  EXPECT_EQ(runner_.calls[0], "launchctl bootout gui/501/com.clipgen.clipgend");
  EXPECT_EQ(runner_.calls[2], "launchctl bootstrap gui/501 " + paths_.definition.string());
  EXPECT_TRUE(fs::is_directory(paths_.log_dir));  // launchd needs it for StandardOutPath
}

INSTANTIATE_TEST_SUITE_P(Macos, LaunchdManagerTest, ::testing::Values(Platform::kLaunchd),
                         param_name);

class TaskManagerTest : public ManagerTest {};

TEST_P(TaskManagerTest, RegistersWithSchtasksAndStartsNow) {
  ASSERT_TRUE(manager().install(launch_).ok());
  EXPECT_EQ(runner_.calls.front(),
            "schtasks /Create /TN ClipGen /XML " + paths_.definition.string() + " /F");
  EXPECT_EQ(runner_.calls.back(), "schtasks /Run /TN ClipGen");
}

TEST_P(TaskManagerTest, UninstallSkipsDeleteWhenTheTaskIsAlreadyGone) {
  ASSERT_TRUE(manager().install(launch_).ok());
  runner_.calls.clear();
  runner_.exit_codes["schtasks /Query"] = 1;
  ASSERT_TRUE(manager().uninstall().ok());
  EXPECT_EQ(runner_.calls, std::vector<std::string>{"schtasks /Query /TN ClipGen"});
  EXPECT_FALSE(fs::exists(paths_.definition));
}

INSTANTIATE_TEST_SUITE_P(Windows, TaskManagerTest, ::testing::Values(Platform::kTaskScheduler),
                         param_name);

}  // namespace
}  // namespace clipgen::service

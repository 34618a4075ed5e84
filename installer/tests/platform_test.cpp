#include "clipgen/service/platform.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace clipgen::service {
namespace {

using testing::map_env;

TEST(ServicePaths, LinuxUsesXdgFoldersUnderHome) {
  auto paths = service_paths(Platform::kSystemd, map_env({{"HOME", "/home/ana"}}));
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(paths->definition, "/home/ana/.config/systemd/user/clipgend.service");
  EXPECT_EQ(paths->config_file, "/home/ana/.config/clipgen/clipgend.conf");
  EXPECT_EQ(paths->log_file, "/home/ana/.local/state/clipgen/clipgend.log");
}

TEST(ServicePaths, LinuxFollowsXdgVariables) {
  auto paths = service_paths(
      Platform::kSystemd,
      map_env({{"HOME", "/home/ana"}, {"XDG_CONFIG_HOME", "/cfg"}, {"XDG_STATE_HOME", "/state"}}));
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(paths->definition, "/cfg/systemd/user/clipgend.service");
  EXPECT_EQ(paths->config_file, "/cfg/clipgen/clipgend.conf");
  EXPECT_EQ(paths->log_dir, "/state/clipgen");
}

TEST(ServicePaths, ClipgenConfigOverridesTheSettingsFile) {
  auto paths = service_paths(Platform::kLaunchd,
                             map_env({{"HOME", "/Users/ana"}, {"CLIPGEN_CONFIG", "/tmp/x.conf"}}));
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(paths->config_file, "/tmp/x.conf");
}

TEST(ServicePaths, MacosUsesLibraryFolders) {
  auto paths = service_paths(Platform::kLaunchd, map_env({{"HOME", "/Users/ana"}}));
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(paths->definition, "/Users/ana/Library/LaunchAgents/com.clipgen.clipgend.plist");
  EXPECT_EQ(paths->config_file, "/Users/ana/Library/Application Support/ClipGen/clipgend.conf");
  EXPECT_EQ(paths->log_dir, "/Users/ana/Library/Logs/ClipGen");
}

TEST(ServicePaths, WindowsUsesAppDataFolders) {
  auto paths =
      service_paths(Platform::kTaskScheduler, map_env({{"USERPROFILE", "/U/ana"},
                                                       {"APPDATA", "/U/ana/AppData/Roaming"},
                                                       {"LOCALAPPDATA", "/U/ana/AppData/Local"}}));
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(paths->config_file, "/U/ana/AppData/Roaming/ClipGen/clipgend.conf");
  EXPECT_EQ(paths->log_dir, "/U/ana/AppData/Local/ClipGen/Logs");
  EXPECT_EQ(paths->definition, "/U/ana/AppData/Local/ClipGen/ClipGen-task.xml");
}

TEST(ServicePaths, MissingHomeIsAPlainError) {
  auto paths = service_paths(Platform::kSystemd, map_env({}));
  ASSERT_FALSE(paths.ok());
  EXPECT_NE(paths.error().message.find("HOME"), std::string::npos);
}

TEST(Platform, NamesRoundTrip) {
  for (Platform p : {Platform::kSystemd, Platform::kLaunchd, Platform::kTaskScheduler}) {
    EXPECT_EQ(parse_platform(platform_name(p)), p);
  }
  EXPECT_FALSE(parse_platform("beos").has_value());
}

}  // namespace
}  // namespace clipgen::service

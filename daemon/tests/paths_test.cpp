#include "paths.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace clipgen::daemon {
namespace {

namespace fs = std::filesystem;

TEST(Paths, DefaultModelsFoldersAreBuildTreeThenInstalled) {
  const auto dirs = default_models_dirs("/repo/build-x/bin");
  ASSERT_EQ(dirs.size(), 2u);
  EXPECT_EQ(dirs[0], "/repo/models/shipped");
  EXPECT_EQ(dirs[1], "/repo/build-x/share/clipgen/models");
  EXPECT_EQ(default_models_dirs("/usr/local/bin")[1], "/usr/local/share/clipgen/models");
}

TEST(Paths, FirstExistingFolderWinsElseTheFirstCandidate) {
  char tmpl[] = "/tmp/clipgen-paths-XXXXXX";
  const std::string root = mkdtemp(tmpl);
  const std::string missing = root + "/missing";
  const std::string present = root + "/present";
  fs::create_directory(present);
  EXPECT_EQ(first_existing_dir({missing, present}), present);
  EXPECT_EQ(first_existing_dir({missing, root + "/also-missing"}), missing);
  fs::remove_all(root);
}

TEST(Paths, ExecutableDirIsThisTestsFolder) {
  const std::string dir = executable_dir();
  ASSERT_FALSE(dir.empty());
  EXPECT_TRUE(fs::exists(fs::path(dir) / "clipgen_daemon_tests"));
}

}  // namespace
}  // namespace clipgen::daemon

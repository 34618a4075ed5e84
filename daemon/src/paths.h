// Where clipgend finds things relative to its own executable.
#pragma once

#include <string>
#include <vector>

namespace clipgen::daemon {

// Folder of the running executable; empty when it cannot be found.
std::string executable_dir();

// Candidates for the default models folder, in order: the build tree's
// <exe>/../../models/shipped, then the installed <exe>/../share/clipgen/models.
std::vector<std::string> default_models_dirs(const std::string& exe_dir);

// The first candidate that is a folder; else the first candidate (so messages name a path).
std::string first_existing_dir(const std::vector<std::string>& candidates);

}  // namespace clipgen::daemon

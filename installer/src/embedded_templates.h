// The files in installer/templates, compiled in by CMake (see embed_templates.cmake).
#pragma once

namespace clipgen::service::embedded {
extern const char* const kSystemdUnit;
extern const char* const kLaunchdPlist;
extern const char* const kTaskXml;
}  // namespace clipgen::service::embedded

# CPack: `cpack -G DEB` and `cpack -G TGZ` from the build folder (macOS and Windows packages
# must be built on those systems: see docs/install.md).
set(CPACK_PACKAGE_NAME clipgen)
set(CPACK_PACKAGE_VENDOR "ClipGen")
set(CPACK_PACKAGE_CONTACT "ClipGen maintainers <clipgen@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Machine-learning MIDI tools for Ableton Live (Generate, Continue, Interpolate, Groove, Drumify)")
set(CPACK_PACKAGE_DESCRIPTION
    "clipgend runs ClipGen's models on your computer and answers the Max for Live devices over\n\
HTTP on loopback; clipgen runs the same tools on MIDI files and installs the daemon as a login\n\
service (clipgen service install).")
set(CPACK_RESOURCE_FILE_README ${CLIPGEN_SOURCE_DIR}/README.md)
set(CPACK_PACKAGE_INSTALL_DIRECTORY ClipGen)
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_STRIP_FILES ON)
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)

# Debian: the runtime libraries of Debian 12 that clipgend, clipgen and the LibTorch plugin link
# against.
# installer/tests/check_deb.sh checks this list against the programs' real NEEDED entries.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION sound)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libtorch1.13, libopenblas0-pthread, libcpp-httplib0.11 (>= 0.11.4), libspdlog1.10, libfmt9, libstdc++6 (>= 12), libgcc-s1, libc6 (>= 2.36)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")

include(CPack)

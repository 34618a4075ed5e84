# Max for Live device tests, included from the top-level CMakeLists.txt (CMAKE_CURRENT_SOURCE_DIR
# is the repository root there). They need only node (>= 18); no npm packages.
find_program(CLIPGEN_NODE NAMES node nodejs)
if(NOT CLIPGEN_NODE)
  message(WARNING "node not found: the Max for Live device tests (m4l/) are not registered")
  return()
endif()

set(_m4l_dir ${CMAKE_CURRENT_SOURCE_DIR}/m4l)

# Unit tests: fake Live set, fake daemon over loopback HTTP, Max glue, build checks.
# The end-to-end file in there skips itself unless CLIPGEN_DAEMON_URL or CLIPGEN_BIN is set.
add_test(NAME m4l.node_tests COMMAND ${CLIPGEN_NODE} --test WORKING_DIRECTORY ${_m4l_dir})
set_tests_properties(m4l.node_tests PROPERTIES LABELS "unit;m4l" TIMEOUT 300)

# The devices themselves: five .amxd files plus their JavaScript, into the build tree.
add_test(NAME m4l.build_devices
         COMMAND ${CLIPGEN_NODE} ${_m4l_dir}/build.js --out ${CMAKE_BINARY_DIR}/m4l/dist
         WORKING_DIRECTORY ${_m4l_dir})
set_tests_properties(m4l.build_devices PROPERTIES LABELS "unit;m4l" TIMEOUT 120)

# The devices against the clipgend built here, with the shipped models.
option(CLIPGEN_M4L_E2E "Register the device end-to-end test against the built clipgend" ON)
if(CLIPGEN_M4L_E2E AND TARGET clipgend AND CLIPGEN_WITH_TORCH)
  add_test(NAME m4l.e2e_daemon
           COMMAND ${CMAKE_COMMAND} -E env
                   CLIPGEN_BIN=$<TARGET_FILE:clipgend>
                   "CLIPGEN_BIN_ARGS=--models ${CMAKE_CURRENT_SOURCE_DIR}/models/shipped --device cpu"
                   ${CLIPGEN_NODE} --test tests/e2e-daemon.test.js
           WORKING_DIRECTORY ${_m4l_dir})
  set_tests_properties(m4l.e2e_daemon PROPERTIES LABELS "integration;m4l" TIMEOUT 900)
endif()
unset(_m4l_dir)

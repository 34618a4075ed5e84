# Python model tests and magenta.js parity (owner: model definitions). Included from the top
# level; uses CLIPGEN_SOURCE_DIR.
find_program(CLIPGEN_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT CLIPGEN_PYTHON)
  find_program(CLIPGEN_PYTHON NAMES python3)
endif()
add_test(NAME models_pytest
         COMMAND ${CLIPGEN_PYTHON} -m pytest -q ${CLIPGEN_SOURCE_DIR}/models/tests
         WORKING_DIRECTORY ${CLIPGEN_SOURCE_DIR})
set_tests_properties(models_pytest PROPERTIES LABELS "unit"
                     ENVIRONMENT "CLIPGEN_SHARED_DIR=${CLIPGEN_SHARED_DIR}")
add_test(NAME parity_magentajs
         COMMAND bash ${CLIPGEN_SOURCE_DIR}/tests/parity/run_parity.sh
         WORKING_DIRECTORY ${CLIPGEN_SOURCE_DIR})
set_tests_properties(parity_magentajs PROPERTIES LABELS "unit;parity" SKIP_RETURN_CODE 77
                     ENVIRONMENT "CLIPGEN_PYTHON=${CLIPGEN_PYTHON}")

# Python model tests and magenta.js parity (owner: model definitions). Included from the top
# level; uses CLIPGEN_SOURCE_DIR.
# CLIPGEN_PYTHON: found in the top-level CMakeLists.txt.
# Only this owner's files: tests/training.cmake registers the training owner's.
set(_clipgen_mt ${CLIPGEN_SOURCE_DIR}/models/tests)
add_test(NAME models_pytest
         COMMAND ${CLIPGEN_PYTHON} -m pytest -q -p no:cacheprovider ${_clipgen_mt}/test_nets.py
                 ${_clipgen_mt}/test_import.py ${_clipgen_mt}/test_parity.py
         WORKING_DIRECTORY ${CLIPGEN_SOURCE_DIR})
set_tests_properties(models_pytest PROPERTIES LABELS "unit"
                     ENVIRONMENT "CLIPGEN_SHARED_DIR=${CLIPGEN_SHARED_DIR}")
add_test(NAME parity_magentajs
         COMMAND bash ${CLIPGEN_SOURCE_DIR}/tests/parity/run_parity.sh
         WORKING_DIRECTORY ${CLIPGEN_SOURCE_DIR})
set_tests_properties(parity_magentajs PROPERTIES LABELS "unit;parity" SKIP_RETURN_CODE 77
                     ENVIRONMENT "CLIPGEN_PYTHON=${CLIPGEN_PYTHON}")

# The parity checkpoints as ClipGen model files, for C++ tests that compare with
# tests/data/parity/<case>/reference.json: add FIXTURES_REQUIRED parity_models and read
# ${CMAKE_BINARY_DIR}/parity_models/<case>.pt.
set(CLIPGEN_PARITY_MODELS_DIR ${CMAKE_BINARY_DIR}/parity_models)
file(MAKE_DIRECTORY ${CLIPGEN_PARITY_MODELS_DIR})
file(GLOB _clipgen_parity_refs ${CLIPGEN_SOURCE_DIR}/tests/data/parity/*/reference.json)
foreach(_ref ${_clipgen_parity_refs})
  get_filename_component(_dir ${_ref} DIRECTORY)
  get_filename_component(_case ${_dir} NAME)
  add_test(NAME parity_model_${_case}
           COMMAND ${CLIPGEN_PYTHON} ${CLIPGEN_SOURCE_DIR}/models/import_magenta.py ${_dir}
                   ${CLIPGEN_PARITY_MODELS_DIR}/${_case}.pt)
  set_tests_properties(parity_model_${_case} PROPERTIES LABELS "model"
                       FIXTURES_SETUP parity_models)
endforeach()

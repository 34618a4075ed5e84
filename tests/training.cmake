# Python tests of converters, golden files, data extraction, training passes and the shipped
# models (owner: training/evaluation). Included from the top level.
# CLIPGEN_PYTHON: found in the top-level CMakeLists.txt.
set(_clipgen_mt ${CLIPGEN_SOURCE_DIR}/models/tests)

add_test(NAME training_converters_pytest
         COMMAND ${CLIPGEN_PYTHON} -m pytest -q -p no:cacheprovider
                 ${_clipgen_mt}/test_converters.py ${_clipgen_mt}/test_converters_golden.py
                 ${_clipgen_mt}/test_converters_magentajs.py
                 ${_clipgen_mt}/test_data_extraction.py
                 ${_clipgen_mt}/test_eval_teacher_forcing.py
         WORKING_DIRECTORY ${CLIPGEN_SOURCE_DIR})
set_tests_properties(training_converters_pytest PROPERTIES LABELS "unit"
                     ENVIRONMENT "CLIPGEN_SHARED_DIR=${CLIPGEN_SHARED_DIR}")

add_test(NAME training_shipped_models_pytest
         COMMAND ${CLIPGEN_PYTHON} -m pytest -q -p no:cacheprovider
                 ${_clipgen_mt}/test_eval_shipped.py
         WORKING_DIRECTORY ${CLIPGEN_SOURCE_DIR})
set_tests_properties(training_shipped_models_pytest PROPERTIES LABELS "model")

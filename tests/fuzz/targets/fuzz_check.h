// A property check that stays on in every build: a failed one is a crash libFuzzer records.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_REQUIRE(condition, what)                                            \
  do {                                                                           \
    if (!(condition)) {                                                          \
      std::fprintf(stderr, "fuzz property failed: %s (%s)\n", what, #condition); \
      std::abort();                                                              \
    }                                                                            \
  } while (0)

// FUZZ_CHECK: the invariants the fuzz targets assert about the code under test.
#ifndef NAUTHERA_TESTS_FUZZ_FUZZ_CHECK_H_
#define NAUTHERA_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

// An invariant of the code under test: a violation is a finding, so it aborts and libFuzzer
// keeps the input as a crash file.
#define FUZZ_CHECK(cond)                                                         \
  do {                                                                           \
    if (!(cond)) {                                                               \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                                       \
      std::abort();                                                              \
    }                                                                            \
  } while (0)

#endif  // NAUTHERA_TESTS_FUZZ_FUZZ_CHECK_H_

// The kube tests' temporary folders and file writes: the controller tests' helpers, named in
// this namespace so the tests read as before.
#ifndef NAUTHERA_TESTS_KUBE_KUBE_TEST_UTIL_H_
#define NAUTHERA_TESTS_KUBE_KUBE_TEST_UTIL_H_

#include "tests/controller/test_util.h"

namespace nauthera::controller::kube::testing {

using ::nauthera::controller::testing::TempDir;
using ::nauthera::controller::testing::WriteFile;

}  // namespace nauthera::controller::kube::testing

#endif  // NAUTHERA_TESTS_KUBE_KUBE_TEST_UTIL_H_

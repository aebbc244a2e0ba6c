// Early-return helpers for absl::Status / absl::StatusOr, as in Abseil-based codebases.
#ifndef NAUTHERA_COMMON_UTIL_STATUS_MACROS_H_
#define NAUTHERA_COMMON_UTIL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define NAUTHERA_CONCAT_INNER_(a, b) a##b
#define NAUTHERA_CONCAT_(a, b) NAUTHERA_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::absl::Status _nauthera_status = (expr);        \
    if (!_nauthera_status.ok()) return _nauthera_status; \
  } while (0)

// `lhs = value of expr`, or returns its status from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(NAUTHERA_CONCAT_(_nauthera_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                           \
  if (!statusor.ok()) return statusor.status();     \
  lhs = std::move(statusor).value()

#endif  // NAUTHERA_COMMON_UTIL_STATUS_MACROS_H_

#pragma once

// absl ships Status and StatusOr but not the propagation macros every caller needs.
#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define VITRINA_CONCAT_INNER(a, b) a##b
#define VITRINA_CONCAT(a, b) VITRINA_CONCAT_INNER(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::absl::Status vitrina_status_ = (expr);     \
    if (!vitrina_status_.ok()) return vitrina_status_; \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, MakeX());` unwraps a StatusOr or returns its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  VITRINA_ASSIGN_OR_RETURN_IMPL(VITRINA_CONCAT(vitrina_statusor_, __LINE__), lhs, expr)
#define VITRINA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).status();      \
  lhs = std::move(tmp).value()

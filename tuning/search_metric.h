#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "trainer/evaluation.h"

namespace vitrina::tuning {

// What a search maximises on the validation split.
enum class SearchMetric { kPrecisionAtK, kRecallAtK, kAuc, kReciprocalRank };

// "precision@k", "recall@k", "auc", "mrr".
absl::StatusOr<SearchMetric> ParseSearchMetric(std::string_view name);
std::string_view SearchMetricName(SearchMetric metric);
double MetricValue(SearchMetric metric, const trainer::EvaluationSummary& summary);

}  // namespace vitrina::tuning

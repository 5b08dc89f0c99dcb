#include "tuning/search_metric.h"

#include <string>

#include "fmt/format.h"

namespace vitrina::tuning {

absl::StatusOr<SearchMetric> ParseSearchMetric(std::string_view name) {
  if (name == "precision@k") return SearchMetric::kPrecisionAtK;
  if (name == "recall@k") return SearchMetric::kRecallAtK;
  if (name == "auc") return SearchMetric::kAuc;
  if (name == "mrr") return SearchMetric::kReciprocalRank;
  return absl::InvalidArgumentError(fmt::format(
      "unknown search metric '{}' (expected precision@k, recall@k, auc or mrr)", name));
}

std::string_view SearchMetricName(SearchMetric metric) {
  switch (metric) {
    case SearchMetric::kPrecisionAtK:
      return "precision@k";
    case SearchMetric::kRecallAtK:
      return "recall@k";
    case SearchMetric::kAuc:
      return "auc";
    case SearchMetric::kReciprocalRank:
      return "mrr";
  }
  return "unknown";
}

double MetricValue(SearchMetric metric, const trainer::EvaluationSummary& summary) {
  switch (metric) {
    case SearchMetric::kPrecisionAtK:
      return summary.precision_at_k;
    case SearchMetric::kRecallAtK:
      return summary.recall_at_k;
    case SearchMetric::kAuc:
      return summary.auc;
    case SearchMetric::kReciprocalRank:
      return summary.reciprocal_rank;
  }
  return 0;
}

}  // namespace vitrina::tuning

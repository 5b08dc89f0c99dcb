#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/served_model.h"
#include "serving/attribute_filter.h"
#include "vitrina/v1/recommender.pb.h"

namespace vitrina::server {

// The API's TitleFilter: bounds, conversion to the serving filter's spec, and its part of the
// answer cache key.

inline constexpr int kMaxFilterNames = 64;        // per list
inline constexpr size_t kMaxFilterNameBytes = 128;

// The request's filter as a spec with each list sorted and unique; InvalidArgument naming the
// field (`filter.genres_any[2]`) for a list over kMaxFilterNames, an empty name, one over
// kMaxFilterNameBytes, or one with a control character.
absl::StatusOr<serving::AttributeSpec> ValidAttributeSpec(const v1::TitleFilter& filter);

// What the filter adds to an answer's cache variant: "" for no filter (the unfiltered key stays
// as it was), else ":f" and a stable 64-bit hash of the canonical spec. Filtered answers are
// cached like others: a popular filter ("no horror") is asked again and again, and the key is
// the same in every process (replicas share Redis).
std::string FilterVariant(const serving::AttributeSpec& spec);

// A request's attribute filter over one served model; rejects nothing when the spec is empty.
// Lives on the request's stack, next to the served model it reads.
class RequestAttributeFilter final : public serving::CandidateFilter {
 public:
  // `new_titles`: the catalog titles placed by their features for this model (may be null).
  RequestAttributeFilter(const ServedModel& served, const serving::AttributeSpec& spec,
                         const serving::FeatureTitles* new_titles = nullptr);
  RequestAttributeFilter(const RequestAttributeFilter&) = delete;
  RequestAttributeFilter& operator=(const RequestAttributeFilter&) = delete;

  bool Rejects(int64_t title_id) const override { return filter_.has_value() && filter_->Rejects(title_id); }

 private:
  std::optional<trainer::CsrMatrix> built_;  // when the served model carries no title_attributes
  std::optional<serving::AttributeFilter> filter_;
};

}  // namespace vitrina::server

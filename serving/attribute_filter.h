#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "serving/candidate_filter.h"
#include "serving/feature_titles.h"
#include "trainer/csr_matrix.h"
#include "trainer/model.h"

namespace vitrina::serving {

// A request's attribute filters (names as in the catalog: genre "drama", creator "7"): a title
// passes when it has at least one of each non-empty *_any list and none of either *_none list.
struct AttributeSpec {
  std::vector<std::string> genres_any = {};
  std::vector<std::string> genres_none = {};
  std::vector<std::string> creators_any = {};
  std::vector<std::string> creators_none = {};

  bool empty() const { return genres_any.empty() && genres_none.empty() && creators_any.empty() && creators_none.empty(); }
};

// Rejects titles by their genres and creators, read from the model's title features
// ("genre:<name>", "creator:<name>", what training.use_title_features gives the model), so it
// runs before the cut with every source (exact, ANN, popular). A title added to the catalog
// after the training is judged by its features in `new_titles` (same feature indices); any other
// title the model does not hold has no known attributes: an any-of list rejects it, a none-of
// list lets it through. A name no title of the model has matches nothing.
class AttributeFilter final : public CandidateFilter {
 public:
  // `side_features` is model.dataset().items().SideFeatureMatrix() (built once per model); it,
  // the model and `new_titles` (may be null) must outlive the filter.
  AttributeFilter(const trainer::Model& model, const trainer::CsrMatrix& side_features, const AttributeSpec& spec,
                  const FeatureTitles* new_titles = nullptr);

  bool Rejects(int64_t title_id) const override;

 private:
  struct AnyOf {
    std::vector<int32_t> features;  // sorted feature indices of the names the model knows
  };

  const trainer::Model& model_;
  const trainer::CsrMatrix& side_features_;
  const FeatureTitles* new_titles_;
  std::vector<AnyOf> any_of_;     // one per non-empty *_any list
  std::vector<int32_t> none_of_;  // sorted
};

}  // namespace vitrina::serving

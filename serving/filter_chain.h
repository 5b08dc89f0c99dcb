#pragma once

#include <initializer_list>
#include <vector>

#include "serving/candidate_filter.h"

namespace vitrina::serving {

// Several filters as one: a title is rejected when any of them rejects it. Holds pointers: the
// filters must outlive the chain (they usually live on the caller's stack for one request).
class FilterChain final : public CandidateFilter {
 public:
  FilterChain() = default;
  FilterChain(std::initializer_list<const CandidateFilter*> filters) : filters_(filters) {}

  void Add(const CandidateFilter* filter) { filters_.push_back(filter); }

  bool Rejects(int64_t title_id) const override {
    for (const CandidateFilter* filter : filters_) {
      if (filter->Rejects(title_id)) return true;
    }
    return false;
  }

 private:
  std::vector<const CandidateFilter*> filters_;
};

}  // namespace vitrina::serving

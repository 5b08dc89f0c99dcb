#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "trainer/model.h"

namespace vitrina::serving::testing {

// A model whose representations are written by hand, so that a test knows every score. Biases are
// zero and features are not normalised: a user's representation is its vector plus the vectors of
// its features, a title's is its own vector plus the vectors of its creators (features
// "creator:<name>"), as LightFM sums them.
struct TinyModelSpec {
  int components = 2;
  std::vector<int64_t> user_ids;
  std::vector<std::vector<float>> user_vectors;
  std::vector<int64_t> title_ids;
  std::vector<std::vector<float>> title_vectors;
  std::map<int64_t, std::vector<std::string>> creators;      // by title id
  std::map<std::string, std::vector<float>> creator_vectors;  // by creator name
  std::map<int64_t, std::vector<std::string>> genres;         // by title id: features "genre:<name>", zero vectors
  std::map<int64_t, std::vector<int64_t>> consumed;           // by user id: title ids
  std::map<int64_t, std::vector<std::string>> user_features;  // by user id: feature names
  std::map<std::string, std::vector<float>> user_feature_vectors;  // by feature name
};

trainer::Model MakeTinyModel(const TinyModelSpec& spec);

// The title ids of candidates, in order: what most assertions on an answer compare.
template <class Candidates>
std::vector<int64_t> Titles(const Candidates& candidates) {
  std::vector<int64_t> titles;
  for (const auto& candidate : candidates) titles.push_back(candidate.title_id);
  return titles;
}

}  // namespace vitrina::serving::testing

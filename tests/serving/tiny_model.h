#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "trainer/model.h"

namespace vitrina::serving::testing {

// A model whose representations are written by hand, so that a test knows every score. Biases are
// zero and features are not normalised: a user's representation is its vector, a title's is its
// own vector plus the vectors of its creators (features "creator:<name>"), as LightFM sums them.
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
};

trainer::Model MakeTinyModel(const TinyModelSpec& spec);

}  // namespace vitrina::serving::testing

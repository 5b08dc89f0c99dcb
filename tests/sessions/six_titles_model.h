#pragma once

#include "tests/serving/tiny_model.h"

namespace vitrina::sessions::testing {

// The hand-written model the creator tests share: one user (1, 0); titles 1-6 with two-component
// vectors; creators "a" (0, 1), "b" (1, 0) and "c" (-1, 0.5): title 1 by a, 2 by b, 3 by b and a,
// 4 by a, 5 by c, 6 by nobody.
inline serving::testing::TinyModelSpec SixTitlesByThreeCreators() {
  serving::testing::TinyModelSpec spec;
  spec.user_ids = {1};
  spec.user_vectors = {{1, 0}};
  spec.title_ids = {1, 2, 3, 4, 5, 6};
  spec.title_vectors = {{1, 0}, {0.9f, 0.1f}, {0.8f, 0.3f}, {0, 1}, {0.2f, -0.4f}, {0.5f, -0.2f}};
  spec.creators = {{1, {"a"}}, {2, {"b"}}, {3, {"b", "a"}}, {4, {"a"}}, {5, {"c"}}};
  spec.creator_vectors = {{"a", {0, 1}}, {"b", {1, 0}}, {"c", {-1, 0.5f}}};
  return spec;
}

}  // namespace vitrina::sessions::testing

#pragma once

#include <string>
#include <vector>

#include "data/records.h"
#include "fmt/format.h"

namespace vitrina::simulation::testing {

// A small hand-made catalog whose distances are known:
//   titles 1-10 carry genre "a", 11-20 "b", 21-25 both, 30-39 "z" (never with a or b: distance 1);
//   40-42 are "a" titles of one creator "shared"; 50 is an unavailable "a" title. So 19 titles
//   carry a, 15 carry b, 5 both: Jaccard(a, b) = 5 / 29. Every other title has its own creator.
inline std::vector<data::TitleRecord> SmallTitles() {
  std::vector<data::TitleRecord> titles;
  auto add = [&](int64_t id, std::vector<std::string> genres, std::string creator,
                 bool available = true) {
    titles.push_back({.id = id, .name = fmt::format("t{}", id), .genres = std::move(genres),
                      .creators = {std::move(creator)}, .available = available});
  };
  for (int64_t id = 1; id <= 10; ++id) add(id, {"a"}, fmt::format("c{}", id));
  for (int64_t id = 11; id <= 20; ++id) add(id, {"b"}, fmt::format("c{}", id));
  for (int64_t id = 21; id <= 25; ++id) add(id, {"a", "b"}, fmt::format("c{}", id));
  for (int64_t id = 30; id <= 39; ++id) add(id, {"z"}, fmt::format("c{}", id));
  for (int64_t id = 40; id <= 42; ++id) add(id, {"a"}, "shared");
  add(50, {"a"}, "c50", false);
  return titles;
}

}  // namespace vitrina::simulation::testing

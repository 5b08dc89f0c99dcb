#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vitrina::data {

// A title of the catalog (film, series, anime, book, track), in the catalog's own ids.
struct TitleRecord {
  int64_t id = 0;
  std::string name;
  std::vector<std::string> genres;
  // Creator identifiers as the catalog spells them (a numeric id or a name): they only become
  // feature names ("creator:<value>").
  std::vector<std::string> creators;
  bool available = true;

  bool operator==(const TitleRecord&) const = default;
};

struct UserRecord {
  int64_t id = 0;
  // Free-form side features ("country:de", "signup_genre:drama"), each with weight 1.
  std::vector<std::string> features;

  bool operator==(const UserRecord&) const = default;
};

// One event of a user on a title. `value` means what its type says: a rating 1-5, the completion
// 0..1 of a view, 1 for a bookmark.
struct InteractionRecord {
  int64_t user_id = 0;
  int64_t title_id = 0;
  std::string type;
  double value = 0;
  int64_t timestamp = 0;  // unix seconds

  bool operator==(const InteractionRecord&) const = default;
};

// The catalog's own list of interaction types and the weight it gives each one.
struct InteractionTypeRecord {
  std::string name;
  double weight = 1;

  bool operator==(const InteractionTypeRecord&) const = default;
};

}  // namespace vitrina::data

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vitrina::cache {

// The two kinds of cached answers.
inline constexpr std::string_view kUserAnswers = "rec";          // recommendations for a user
inline constexpr std::string_view kSimilarTitleAnswers = "rel";  // titles similar to a title

// Identifies one cached answer. The model id is part of the key, so answers of a replaced model
// are never served: they just age out.
struct CacheKey {
  std::string_view kind;  // kUserAnswers or kSimilarTitleAnswers
  int64_t model_id = 0;
  int64_t subject_id = 0;  // the user id for kUserAnswers, the title id otherwise
  std::string variant{};   // the request knobs that change the answer: k, exclude flags, ...
};

// Whether the answer belongs to a user, so that InvalidateUser(subject_id) must drop it.
inline bool IsUserAnswer(const CacheKey& key) { return key.kind == kUserAnswers; }

// "rec:m<model>:u<user>:<variant>" or "rel:m<model>:t<title>:<variant>": readable in redis-cli,
// and the variant comes last so it cannot make two keys collide.
std::string FormatCacheKey(const CacheKey& key);

}  // namespace vitrina::cache

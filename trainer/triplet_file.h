#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace vitrina::trainer {

// One line of an interactions text file: `user item [value] [anything else...]`.
struct TripletRow {
  int64_t user_id = 0;
  int64_t item_id = 0;
  std::optional<float> value;
};

// Reads a delimited interactions file: fields separated by tabs, commas or spaces (the first data
// line decides), an optional header line (a first line whose user or item field is not an
// integer), empty lines ignored, fields after the third ignored (MovieLens timestamps).
// InvalidArgument names the file and line of the first malformed row.
absl::StatusOr<std::vector<TripletRow>> ReadTripletFile(const std::string& path);
// The same for text already in memory; `source` names it in errors (ReadTripletFile passes the path).
absl::StatusOr<std::vector<TripletRow>> ParseTriplets(std::string_view text, std::string_view source);

}  // namespace vitrina::trainer

#pragma once

#include <filesystem>

#include "absl/status/status.h"
#include "bench/trainer/scale_dataset.h"

namespace vitrina::bench {

// Writes the generated set for another trainer (bench/lightfm/lightfm_scale.py reads it into
// scipy.sparse COO matrices) as plain files in `folder` (created if missing):
//   shape.txt                          "<users> <items>\n"
//   train_users.i32, train_items.i32   the train positives in the order Fit gets them
//   test_users.i32, test_items.i32     the sampled test users' test entries
//   test_train_users.i32, test_train_items.i32   their train entries (excluded from rankings)
// Each .i32 file is little-endian int32 values back to back; all values are 1.
absl::Status WriteScaleData(const ScaleData& data, const std::filesystem::path& folder);

}  // namespace vitrina::bench

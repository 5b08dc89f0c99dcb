// DeserializeModel (what LoadModel runs on a model file) and the serving calls on what it accepts.
// Input: a model file. Each input is tried as it is and with its CRC-32 trailer recomputed, so that
// mutations get past the checksum into the structure behind it.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "trainer/model_file.h"

namespace {

using vitrina::trainer::Model;

void CheckServes(const Model& model) {
  const int32_t n_users = model.n_users();
  const int32_t n_items = model.n_items();
  for (int32_t user = 0; user < n_users; ++user) {
    for (int32_t item : model.ConsumedItems(user)) FUZZ_CHECK(item >= 0 && item < n_items);
  }
  if (!model.fitted() || n_items == 0) return;
  std::vector<float> scores(n_items);
  const auto never = [](int32_t) { return false; };
  if (n_users > 0) {
    FUZZ_CHECK(model.ScoreItems(0, scores).ok());
    const auto top = model.TopItemsForUser(0, 3, never);
    FUZZ_CHECK(top.ok());
    for (const auto& scored : *top) FUZZ_CHECK(scored.index >= 0 && scored.index < n_items);
  }
  FUZZ_CHECK(model.ItemSimilarities(0, scores).ok());
  const auto similar = model.TopSimilarItems(0, 3, never);
  FUZZ_CHECK(similar.ok());
  for (const auto& scored : *similar) FUZZ_CHECK(scored.index >= 0 && scored.index < n_items);
}

void LoadAndServe(std::string_view bytes) {
  const absl::StatusOr<Model> model = vitrina::trainer::DeserializeModel(bytes);
  if (!model.ok()) {
    const absl::StatusCode code = model.status().code();
    FUZZ_CHECK(code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kDataLoss);
    return;
  }
  // What was accepted is exactly what the model writes back.
  FUZZ_CHECK(vitrina::trainer::SerializeModel(*model) == bytes);
  CheckServes(*model);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  LoadAndServe(bytes);
  if (bytes.size() < sizeof(uint32_t)) return 0;
  const size_t body = bytes.size() - sizeof(uint32_t);
  const uint32_t crc = static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), body));
  std::memcpy(bytes.data() + body, &crc, sizeof(crc));
  LoadAndServe(bytes);
  return 0;
}

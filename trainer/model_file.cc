#include "trainer/model_file.h"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "common/atomic_file.h"
#include "common/status_macros.h"
#include "trainer/byte_io.h"

namespace vitrina::trainer {
namespace {

constexpr std::string_view kMagic("VTRNMODL", 8);
constexpr size_t kChecksumBytes = sizeof(uint32_t);

uint32_t Crc32(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (!bytes.empty()) {
    const size_t chunk = std::min<size_t>(bytes.size(), std::numeric_limits<uInt>::max());
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(chunk));
    bytes.remove_prefix(chunk);
  }
  return static_cast<uint32_t>(crc);
}

void PutCsr(ByteWriter& out, const CsrMatrix& matrix) {
  out.Put<int32_t>(matrix.rows);
  out.Put<int32_t>(matrix.cols);
  out.PutArray(matrix.offsets);
  out.PutArray(matrix.indices);
  out.PutArray(matrix.values);
}

// A flag is written as the byte 0 or 1; any other byte is refused rather than read as true, so
// that a model read from a file writes back the same bytes.
absl::StatusOr<bool> GetFlag(ByteReader& in, std::string_view what) {
  ASSIGN_OR_RETURN(const uint8_t flag, in.Get<uint8_t>(what));
  if (flag > 1) return absl::InvalidArgumentError(fmt::format("model file: {} flag is {}, not 0 or 1", what, flag));
  return flag == 1;
}

absl::StatusOr<CsrMatrix> GetCsr(ByteReader& in, std::string_view what) {
  CsrMatrix matrix;
  ASSIGN_OR_RETURN(matrix.rows, in.Get<int32_t>(what));
  ASSIGN_OR_RETURN(matrix.cols, in.Get<int32_t>(what));
  ASSIGN_OR_RETURN(matrix.offsets, in.GetArray<int64_t>(what));
  ASSIGN_OR_RETURN(matrix.indices, in.GetArray<int32_t>(what));
  ASSIGN_OR_RETURN(matrix.values, in.GetArray<float>(what));
  absl::Status valid = matrix.Validate();
  if (!valid.ok())
    return absl::InvalidArgumentError(fmt::format("{}: {}", what, std::string(valid.message())));
  return matrix;
}

void PutFeatureSpace(ByteWriter& out, const FeatureSpace& space) {
  out.Put<uint8_t>(space.identity_features() ? 1 : 0);
  out.PutArray(space.ids().ids());
  out.Put<uint64_t>(space.feature_names().size());
  for (const std::string& name : space.feature_names()) out.PutString(name);
  PutCsr(out, space.SideFeatureMatrix());
}

absl::StatusOr<FeatureSpace> GetFeatureSpace(ByteReader& in, std::string_view side) {
  ASSIGN_OR_RETURN(const bool identity, GetFlag(in, fmt::format("{} identity", side)));
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, in.GetArray<int64_t>(side));
  ASSIGN_OR_RETURN(const uint64_t n_names, in.Get<uint64_t>(side));
  // Each name takes at least its 8-byte length: bounds the count before reserving.
  if (n_names > in.remaining() / sizeof(uint64_t)) {
    return absl::DataLossError(fmt::format("model file corrupted: {} feature count", side));
  }
  std::vector<std::string> names;
  names.reserve(n_names);
  for (uint64_t i = 0; i < n_names; ++i) {
    ASSIGN_OR_RETURN(std::string name, in.GetString(side));
    names.push_back(std::move(name));
  }
  ASSIGN_OR_RETURN(const CsrMatrix side_features, GetCsr(in, side));
  return FeatureSpace::FromParts(identity, std::move(ids), std::move(names), side_features);
}

void PutTable(ByteWriter& out, const EmbeddingTable& table) {
  out.Put<int32_t>(table.n_features);
  out.Put<int32_t>(table.no_components);
  out.Put<int32_t>(table.stride);
  out.PutArray(table.weights);
  out.PutArray(table.gradient_accumulators);
  out.PutArray(table.update_accumulators);
}

absl::StatusOr<EmbeddingTable> GetTable(ByteReader& in, std::string_view side) {
  EmbeddingTable table;
  ASSIGN_OR_RETURN(table.n_features, in.Get<int32_t>(side));
  ASSIGN_OR_RETURN(table.no_components, in.Get<int32_t>(side));
  ASSIGN_OR_RETURN(table.stride, in.Get<int32_t>(side));
  ASSIGN_OR_RETURN(table.weights, (in.GetArray<float, CacheAlignedAllocator<float>>(side)));
  ASSIGN_OR_RETURN(table.gradient_accumulators,
                   (in.GetArray<float, CacheAlignedAllocator<float>>(side)));
  ASSIGN_OR_RETURN(table.update_accumulators,
                   (in.GetArray<float, CacheAlignedAllocator<float>>(side)));
  return table;
}

void PutHyperparameters(ByteWriter& out, const Hyperparameters& hp) {
  out.Put<int32_t>(hp.no_components);
  out.Put<uint8_t>(static_cast<uint8_t>(hp.loss));
  out.Put<uint8_t>(static_cast<uint8_t>(hp.learning_schedule));
  out.Put<float>(hp.learning_rate);
  out.Put<float>(hp.rho);
  out.Put<float>(hp.epsilon);
  out.Put<float>(hp.item_alpha);
  out.Put<float>(hp.user_alpha);
  out.Put<int32_t>(hp.max_sampled);
  out.Put<int32_t>(hp.k);
  out.Put<int32_t>(hp.n);
  out.Put<uint64_t>(hp.random_state);
}

absl::StatusOr<Hyperparameters> GetHyperparameters(ByteReader& in) {
  constexpr std::string_view what = "hyperparameters";
  Hyperparameters hp;
  ASSIGN_OR_RETURN(hp.no_components, in.Get<int32_t>(what));
  ASSIGN_OR_RETURN(const uint8_t loss, in.Get<uint8_t>(what));
  ASSIGN_OR_RETURN(const uint8_t schedule, in.Get<uint8_t>(what));
  if (loss > static_cast<uint8_t>(LossKind::kWarpKos) ||
      schedule > static_cast<uint8_t>(LearningSchedule::kAdadelta)) {
    return absl::InvalidArgumentError("model file names an unknown loss or learning schedule");
  }
  hp.loss = static_cast<LossKind>(loss);
  hp.learning_schedule = static_cast<LearningSchedule>(schedule);
  ASSIGN_OR_RETURN(hp.learning_rate, in.Get<float>(what));
  ASSIGN_OR_RETURN(hp.rho, in.Get<float>(what));
  ASSIGN_OR_RETURN(hp.epsilon, in.Get<float>(what));
  ASSIGN_OR_RETURN(hp.item_alpha, in.Get<float>(what));
  ASSIGN_OR_RETURN(hp.user_alpha, in.Get<float>(what));
  ASSIGN_OR_RETURN(hp.max_sampled, in.Get<int32_t>(what));
  ASSIGN_OR_RETURN(hp.k, in.Get<int32_t>(what));
  ASSIGN_OR_RETURN(hp.n, in.Get<int32_t>(what));
  ASSIGN_OR_RETURN(hp.random_state, in.Get<uint64_t>(what));
  return hp;
}

std::string ChecksumHex(uint32_t checksum) { return fmt::format("{:08x}", checksum); }

}  // namespace

std::string SerializeModel(const Model& model) {
  const ModelState& state = model.state();
  ByteWriter out;
  out.PutRaw(kMagic);
  out.Put<uint32_t>(kModelFormatVersion);
  PutHyperparameters(out, state.hyperparameters);
  out.Put<uint8_t>(state.dataset.normalize_features() ? 1 : 0);
  PutFeatureSpace(out, state.dataset.users());
  PutFeatureSpace(out, state.dataset.items());
  PutTable(out, state.users);
  PutTable(out, state.items);
  out.Put<uint64_t>(state.rng.state());
  out.Put<uint64_t>(state.rng.increment());
  PutCsr(out, state.consumed);
  out.Put<uint32_t>(Crc32(out.bytes()));
  return std::move(out.bytes());
}

absl::StatusOr<Model> DeserializeModel(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + sizeof(uint32_t) + kChecksumBytes ||
      bytes.substr(0, kMagic.size()) != kMagic) {
    return absl::InvalidArgumentError("not a Vitrina model file (bad magic)");
  }
  ByteReader header(bytes.substr(kMagic.size()));
  ASSIGN_OR_RETURN(const uint32_t version, header.Get<uint32_t>("format version"));
  if (version != kModelFormatVersion) {
    return absl::InvalidArgumentError(
        fmt::format("model file format version {} is not supported (this build reads version {})",
                    version, kModelFormatVersion));
  }
  const std::string_view body = bytes.substr(0, bytes.size() - kChecksumBytes);
  uint32_t stored_checksum;
  std::memcpy(&stored_checksum, bytes.data() + body.size(), kChecksumBytes);
  if (Crc32(body) != stored_checksum) {
    return absl::DataLossError(
        fmt::format("model file is corrupted or truncated: checksum {} != stored {}",
                    ChecksumHex(Crc32(body)), ChecksumHex(stored_checksum)));
  }

  ByteReader in(body.substr(kMagic.size() + sizeof(uint32_t)));
  ModelState state;
  ASSIGN_OR_RETURN(state.hyperparameters, GetHyperparameters(in));
  ASSIGN_OR_RETURN(const bool normalize, GetFlag(in, "dataset normalisation"));
  ASSIGN_OR_RETURN(FeatureSpace users, GetFeatureSpace(in, "user features"));
  ASSIGN_OR_RETURN(FeatureSpace items, GetFeatureSpace(in, "item features"));
  state.dataset = Dataset(std::move(users), std::move(items), normalize);
  ASSIGN_OR_RETURN(state.users, GetTable(in, "user parameters"));
  ASSIGN_OR_RETURN(state.items, GetTable(in, "item parameters"));
  ASSIGN_OR_RETURN(const uint64_t rng_state, in.Get<uint64_t>("random state"));
  ASSIGN_OR_RETURN(const uint64_t rng_increment, in.Get<uint64_t>("random state"));
  // A PCG increment is odd; Pcg32::FromState would make an even one odd, silently changing the
  // stream the file describes.
  if (rng_increment % 2 == 0) {
    return absl::InvalidArgumentError("model file's random stream increment is even (PCG increments are odd)");
  }
  state.rng = Pcg32::FromState(rng_state, rng_increment);
  ASSIGN_OR_RETURN(state.consumed, GetCsr(in, "consumed items"));
  if (in.remaining() != 0) {
    return absl::InvalidArgumentError(
        fmt::format("model file has {} unexpected trailing bytes", in.remaining()));
  }
  return Model::FromState(std::move(state));
}

ModelFileInfo DescribeModelBytes(std::string_view bytes) {
  ModelFileInfo info;
  info.size_bytes = bytes.size();
  if (bytes.size() >= kChecksumBytes) {
    uint32_t checksum;
    std::memcpy(&checksum, bytes.data() + bytes.size() - kChecksumBytes, kChecksumBytes);
    info.checksum_hex = ChecksumHex(checksum);
  }
  return info;
}

absl::StatusOr<ModelFileInfo> SaveModel(const Model& model, const std::string& path) {
  const std::string bytes = SerializeModel(model);
  RETURN_IF_ERROR(common::WriteFileAtomically(path, bytes));
  return DescribeModelBytes(bytes);
}

absl::StatusOr<Model> LoadModel(const std::string& path, ModelFileInfo* info) {
  ASSIGN_OR_RETURN(const std::string bytes, common::ReadFile(path));
  absl::StatusOr<Model> model = DeserializeModel(bytes);
  if (!model.ok()) {
    return absl::Status(model.status().code(),
                        fmt::format("{}: {}", path, std::string(model.status().message())));
  }
  if (info != nullptr) *info = DescribeModelBytes(bytes);
  return model;
}

}  // namespace vitrina::trainer

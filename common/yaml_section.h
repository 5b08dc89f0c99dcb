#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "yaml-cpp/yaml.h"

namespace vitrina::common {

// One map of a YAML config, read key by key with InvalidArgument errors that name the full key
// ("preparation.interaction_types.rating.weight"). Readers leave the output untouched when the key
// is absent or null, so defaults live in the config structs.
class YamlSection {
 public:
  // A null node is an empty section; anything but a map is an error.
  static absl::StatusOr<YamlSection> Open(const YAML::Node& node, std::string path);

  // Typos must not silently fall back to defaults.
  absl::Status RejectUnknownKeys(std::initializer_list<std::string_view> known) const;

  // True when `key` is present with a non-null value.
  bool Has(std::string_view key) const;

  absl::Status ReadString(std::string_view key, std::string* out) const;
  absl::Status ReadInt(std::string_view key, int min, int max, int* out) const;
  absl::Status ReadDouble(std::string_view key, double* out) const;
  absl::Status ReadBool(std::string_view key, bool* out) const;
  // The sub-map under `key`, std::nullopt when absent.
  absl::StatusOr<std::optional<YamlSection>> Child(std::string_view key) const;

  // "<path>.<key>: <why>" as InvalidArgument.
  absl::Status Invalid(std::string_view key, std::string_view why) const;

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }

 private:
  YamlSection(YAML::Node node, std::string path) : node_(std::move(node)), path_(std::move(path)) {}

  // The scalar under `key`, std::nullopt when absent or null.
  absl::StatusOr<std::optional<YAML::Node>> Scalar(std::string_view key) const;

  YAML::Node node_;
  std::string path_;
};

}  // namespace vitrina::common

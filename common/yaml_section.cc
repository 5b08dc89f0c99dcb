#include "common/yaml_section.h"

#include <algorithm>

#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::common {
namespace {

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

}  // namespace

absl::StatusOr<YamlSection> YamlSection::Open(const YAML::Node& node, std::string path) {
  if (node.IsDefined() && !node.IsNull() && !node.IsMap()) {
    return absl::InvalidArgumentError(fmt::format("{}: expected a map of keys", path));
  }
  return YamlSection(node, std::move(path));
}

absl::Status YamlSection::RejectUnknownKeys(std::initializer_list<std::string_view> known) const {
  if (!node_.IsMap()) return absl::OkStatus();
  for (const auto& entry : node_) {
    std::string key = entry.first.Scalar();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return absl::InvalidArgumentError(fmt::format("{}: unknown key (known keys: {})",
                                                    Join(path_, key), fmt::join(known, ", ")));
    }
  }
  return absl::OkStatus();
}

absl::Status YamlSection::Invalid(std::string_view key, std::string_view why) const {
  return absl::InvalidArgumentError(fmt::format("{}: {}", Join(path_, key), why));
}

bool YamlSection::Has(std::string_view key) const {
  if (!node_.IsMap()) return false;
  YAML::Node value = node_[std::string(key)];
  return value.IsDefined() && !value.IsNull();
}

absl::StatusOr<std::optional<YAML::Node>> YamlSection::Scalar(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  YAML::Node value = node_[std::string(key)];
  if (!value.IsScalar()) return Invalid(key, "expected a single value, not a list or a map");
  return value;
}

absl::Status YamlSection::ReadString(std::string_view key, std::string* out) const {
  ASSIGN_OR_RETURN(std::optional<YAML::Node> value, Scalar(key));
  if (value) *out = value->Scalar();
  return absl::OkStatus();
}

absl::Status YamlSection::ReadInt(std::string_view key, int min, int max, int* out) const {
  ASSIGN_OR_RETURN(std::optional<YAML::Node> value, Scalar(key));
  if (!value) return absl::OkStatus();
  int parsed = 0;
  if (!YAML::convert<int>::decode(*value, parsed)) {
    return Invalid(key, fmt::format("expected an integer, got '{}'", value->Scalar()));
  }
  if (parsed < min || parsed > max) {
    return Invalid(key, fmt::format("{} is outside [{}, {}]", parsed, min, max));
  }
  *out = parsed;
  return absl::OkStatus();
}

absl::Status YamlSection::ReadDouble(std::string_view key, double* out) const {
  ASSIGN_OR_RETURN(std::optional<YAML::Node> value, Scalar(key));
  if (!value) return absl::OkStatus();
  if (!YAML::convert<double>::decode(*value, *out)) {
    return Invalid(key, fmt::format("expected a number, got '{}'", value->Scalar()));
  }
  return absl::OkStatus();
}

absl::Status YamlSection::ReadBool(std::string_view key, bool* out) const {
  ASSIGN_OR_RETURN(std::optional<YAML::Node> value, Scalar(key));
  if (!value) return absl::OkStatus();
  if (!YAML::convert<bool>::decode(*value, *out)) {
    return Invalid(key, fmt::format("expected true or false, got '{}'", value->Scalar()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<YamlSection>> YamlSection::Child(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  ASSIGN_OR_RETURN(YamlSection child, Open(node_[std::string(key)], Join(path_, key)));
  return std::optional<YamlSection>(std::move(child));
}

}  // namespace vitrina::common

#include "server/title_filter.h"

#include <algorithm>
#include <cstdint>

#include "common/echo_for_message.h"
#include "common/stable_hash.h"
#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::server {
namespace {

absl::StatusOr<std::vector<std::string>> ValidNames(std::string_view field,
                                                    const google::protobuf::RepeatedPtrField<std::string>& names) {
  if (names.size() > kMaxFilterNames) {
    return absl::InvalidArgumentError(
        fmt::format("filter.{} holds {} names, at most {} are allowed", field, names.size(), kMaxFilterNames));
  }
  std::vector<std::string> valid;
  valid.reserve(names.size());
  for (int i = 0; i < names.size(); ++i) {
    const std::string& name = names.Get(i);
    if (name.empty()) return absl::InvalidArgumentError(fmt::format("filter.{}[{}] is empty", field, i));
    if (name.size() > kMaxFilterNameBytes) {
      return absl::InvalidArgumentError(fmt::format("filter.{}[{}] is {} bytes long, at most {} are allowed ('{}')",
                                                    field, i, name.size(), kMaxFilterNameBytes,
                                                    common::EchoForMessage(name)));
    }
    if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
      return absl::InvalidArgumentError(fmt::format("filter.{}[{}] holds a control character", field, i));
    }
    valid.push_back(name);
  }
  std::sort(valid.begin(), valid.end());
  valid.erase(std::unique(valid.begin(), valid.end()), valid.end());
  return valid;
}

void MixList(StableHash& hash, std::string_view tag, const std::vector<std::string>& names) {
  // Each name carries its length, so ("ab") and ("a", "b") never hash alike.
  hash.Bytes(tag);
  for (const std::string& name : names) hash.Bytes(fmt::format("{}:", name.size())).Bytes(name);
}

}  // namespace

absl::StatusOr<serving::AttributeSpec> ValidAttributeSpec(const v1::TitleFilter& filter) {
  serving::AttributeSpec spec;
  ASSIGN_OR_RETURN(spec.genres_any, ValidNames("genres_any", filter.genres_any()));
  ASSIGN_OR_RETURN(spec.genres_none, ValidNames("genres_none", filter.genres_none()));
  ASSIGN_OR_RETURN(spec.creators_any, ValidNames("creators_any", filter.creators_any()));
  ASSIGN_OR_RETURN(spec.creators_none, ValidNames("creators_none", filter.creators_none()));
  return spec;
}

std::string FilterVariant(const serving::AttributeSpec& spec) {
  if (spec.empty()) return "";
  StableHash hash;
  MixList(hash, "ga", spec.genres_any);
  MixList(hash, "gn", spec.genres_none);
  MixList(hash, "ca", spec.creators_any);
  MixList(hash, "cn", spec.creators_none);
  return fmt::format(":f{:016x}", hash.value());
}

RequestAttributeFilter::RequestAttributeFilter(const ServedModel& served, const serving::AttributeSpec& spec,
                                               const serving::FeatureTitles* new_titles) {
  if (spec.empty()) return;
  const trainer::CsrMatrix* attributes = served.title_attributes.get();
  if (attributes == nullptr) attributes = &built_.emplace(served.model->dataset().items().SideFeatureMatrix());
  filter_.emplace(*served.model, *attributes, spec, new_titles);
}

}  // namespace vitrina::server

#include "server/catalog_newcomers.h"

#include <vector>

#include "common/stable_hash.h"
#include "common/status_macros.h"
#include "data/open_data_source.h"
#include "spdlog/spdlog.h"

namespace vitrina::server {

WithdrawnTitles::WithdrawnTitles(std::vector<int64_t> title_ids) : filter(title_ids) {
  if (!filter.sorted_ids().empty()) digest = StableHashOfIds(filter.sorted_ids());
}

void NewcomersRefresher::RefreshOrWarn() {
  if (absl::Status refreshed = RefreshNow(); !refreshed.ok()) {
    // The titles and users placed before stay; the next pass tries again.
    spdlog::warn("newcomers: cannot read the catalog: {}", std::string(refreshed.message()));
  }
}

absl::Status NewcomersRefresher::RefreshNow() {
  std::lock_guard refresh(refresh_mutex_);
  std::shared_ptr<const ServedModel> served = models_.Current();
  if (served == nullptr) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::unique_ptr<data::DataSource> source, data::OpenDataSource(source_));
  const trainer::Model& model = *served->model;
  std::vector<data::TitleRecord> added;
  std::vector<int64_t> withdrawn_ids;
  RETURN_IF_ERROR(source->ReadTitles([&](const data::TitleRecord& title) {
    const bool held = model.ItemIndex(title.id).has_value();
    if (title.available && !held) added.push_back(title);
    if (!title.available && held) withdrawn_ids.push_back(title.id);
    return absl::OkStatus();
  }));
  const std::shared_ptr<const Newcomers> before = out_.For(served->model_id);
  auto withdrawn = std::make_shared<const WithdrawnTitles>(std::move(withdrawn_ids));
  if (before == nullptr || before->withdrawn->digest != withdrawn->digest) {
    spdlog::info("withdrawn titles: {} title(s) of the served model {} are now unavailable in the catalog and "
                 "left out of its answers", withdrawn->filter.sorted_ids().size(), served->model_id);
  }
  auto placed = std::make_shared<const serving::FeatureTitles>(serving::FeatureTitles::Build(model, added));
  if (before == nullptr || before->titles->size() != placed->size() || before->titles->digest() != placed->digest()) {
    spdlog::info("new titles: {} catalog title(s) the served model {} was not trained on are placed by their "
                 "features ({} available ones have no genre or creator it knows)",
                 placed->size(), served->model_id, static_cast<int64_t>(added.size()) - placed->size());
  }
  // Users are placed as they are read: only the feature indices of those outside the model are
  // kept, never the catalog's users as such.
  serving::FeatureUsers placed_users;
  int64_t read = 0;
  RETURN_IF_ERROR(source->ReadUsers([&](const data::UserRecord& user) {
    ++read;
    placed_users.Place(model, user);
    return absl::OkStatus();
  }));
  auto users = std::make_shared<const serving::FeatureUsers>(std::move(placed_users));
  if (before == nullptr || before->users->size() != users->size()) {
    spdlog::info("new users: {} catalog user(s) the served model {} was not trained on are placed by their "
                 "features ({} users read)", users->size(), served->model_id, read);
  }
  out_.Set({.model_id = served->model_id,
            .titles = std::move(placed),
            .users = std::move(users),
            .withdrawn = std::move(withdrawn)});
  return absl::OkStatus();
}

}  // namespace vitrina::server

#include "simulation/catalog.h"

#include <algorithm>

#include "common/status_macros.h"
#include "data/sqlite_data_source.h"
#include "fmt/format.h"

namespace vitrina::simulation {
namespace {

int IndexOf(absl::flat_hash_map<std::string, int>& indices, std::vector<std::string>* names,
            const std::string& name) {
  auto [it, inserted] = indices.emplace(name, static_cast<int>(indices.size()));
  if (inserted && names != nullptr) names->push_back(name);
  return it->second;
}

}  // namespace

absl::StatusOr<Catalog> Catalog::Build(const std::vector<data::TitleRecord>& titles,
                                       std::vector<int64_t> users) {
  if (users.empty()) return absl::FailedPreconditionError("the catalog has no users");
  Catalog catalog;
  absl::flat_hash_map<std::string, int> genre_indices;
  absl::flat_hash_map<std::string, int> creator_indices;
  for (const data::TitleRecord& record : titles) {
    Title title;
    title.id = record.id;
    title.available = record.available;
    for (const std::string& genre : record.genres) {
      title.genres.push_back(IndexOf(genre_indices, &catalog.genre_names_, genre));
    }
    for (const std::string& creator : record.creators) {
      title.creators.push_back(IndexOf(creator_indices, nullptr, creator));
    }
    if (!catalog.title_index_.emplace(title.id, catalog.titles_.size()).second) {
      return absl::InvalidArgumentError(fmt::format("title {} appears twice", title.id));
    }
    catalog.titles_.push_back(std::move(title));
  }

  const size_t genres = catalog.genre_names_.size();
  std::vector<double> carrying(genres, 0);
  absl::flat_hash_map<std::pair<int, int>, double> both;
  catalog.genre_titles_.resize(genres);
  std::vector<const Title*> by_id;
  for (const Title& title : catalog.titles_) by_id.push_back(&title);
  std::sort(by_id.begin(), by_id.end(), [](const Title* a, const Title* b) { return a->id < b->id; });
  for (const Title* title : by_id) {
    for (int g : title->genres) {
      carrying[g] += 1;
      for (int h : title->genres) {
        if (h != g) both[{g, h}] += 1;
      }
      if (title->available) catalog.genre_titles_[g].push_back(title->id);
    }
  }
  for (const auto& [pair, shared] : both) {
    catalog.genre_similarity_[pair] = shared / (carrying[pair.first] + carrying[pair.second] - shared);
  }
  for (size_t g = 0; g < genres; ++g) {
    if (!catalog.genre_titles_[g].empty()) catalog.interest_genres_.push_back(static_cast<int>(g));
  }
  if (catalog.interest_genres_.empty()) {
    return absl::FailedPreconditionError(
        "no available title of the catalog has a genre: listeners' interests are genres");
  }
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  catalog.users_ = std::move(users);
  return catalog;
}

absl::StatusOr<Catalog> Catalog::Load(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<data::SqliteDataSource> source, data::SqliteDataSource::Open(path));
  std::vector<data::TitleRecord> titles;
  RETURN_IF_ERROR(source->ReadTitles([&](const data::TitleRecord& title) {
    titles.push_back(title);
    return absl::OkStatus();
  }));
  std::vector<int64_t> users;
  RETURN_IF_ERROR(source->ReadUsers([&](const data::UserRecord& user) {
    users.push_back(user.id);
    return absl::OkStatus();
  }));
  return Build(titles, std::move(users));
}

const Catalog::Title* Catalog::Find(int64_t id) const {
  auto it = title_index_.find(id);
  return it == title_index_.end() ? nullptr : &titles_[it->second];
}

double Catalog::Distance(const Title& title, int genre) const {
  double closest = 0;
  for (int g : title.genres) {
    if (g == genre) return 0;
    auto it = genre_similarity_.find({genre, g});
    if (it != genre_similarity_.end()) closest = std::max(closest, it->second);
  }
  return 1 - closest;
}

}  // namespace vitrina::simulation

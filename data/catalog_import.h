#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "data/import_errors.h"
#include "data/import_rows.h"

namespace vitrina::data {

// One file to import: a name for messages, its whole text, and its format.
struct ImportText {
  std::string name;
  std::string text;
  ImportFormat format = ImportFormat::kCsv;
};

// What to import; a kind left empty is not touched (except by `replace`).
struct ImportInput {
  std::optional<ImportText> interaction_types;
  std::optional<ImportText> titles;
  std::optional<ImportText> users;
  std::optional<ImportText> interactions;
};

struct ImportOptions {
  // Empties every table of the catalog first: the catalog then holds exactly the files given.
  // Without it rows are added, and an id (or type name) the catalog already has is a bad row.
  bool replace = false;
};

struct ImportSummary {
  bool created_catalog = false;
  int64_t interaction_types = 0;
  int64_t titles = 0;
  int64_t users = 0;
  int64_t interactions = 0;
  // Types that interactions used but neither the catalog nor the types file had: added with
  // weight 1, in the order first met.
  std::vector<std::string> created_types;
};

// Reads the whole of `path` for ImportInput; the format from the extension unless given.
absl::StatusOr<ImportText> ReadImportFile(const std::string& path,
                                          std::optional<ImportFormat> format);

// Imports `input` into the embedded catalog at `catalog_path` (created with the embedded schema
// when missing) in one SQLite transaction that is committed only when every row is good: on any
// bad row the catalog is left exactly as it was (a catalog this call created is removed) and the
// result is InvalidArgument, with the rows in `errors` ("file:line:column: field: problem").
// Checks beyond each row's values: title and user ids are unique (within the files, and against
// the catalog unless `replace`), and an interaction names a title of the files or the catalog.
// An interaction's user needs no users row (a users row only carries features).
// Other errors: FailedPrecondition for a file that is not a Vitrina catalog, Internal for SQLite.
absl::StatusOr<ImportSummary> ImportCatalog(const std::string& catalog_path,
                                            const ImportInput& input,
                                            const ImportOptions& options, ImportErrors& errors);

}  // namespace vitrina::data

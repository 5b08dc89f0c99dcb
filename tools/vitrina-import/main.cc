// vitrina-import: loads titles, users, interactions and interaction types from CSV or JSON Lines
// files into the embedded SQLite catalog, all or nothing (data/catalog_import.h).
#include <cstdio>
#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "data/catalog_import.h"
#include "fmt/format.h"

namespace {

using vitrina::data::ImportFormat;
using vitrina::data::ImportText;

// Exit statuses, as documented in --help.
constexpr int kExitBadRows = 1;
constexpr int kExitUsage = 2;
constexpr int kExitFailure = 3;

struct Arguments {
  std::string catalog;
  std::string interaction_types;
  std::string titles;
  std::string users;
  std::string interactions;
  std::string format = "auto";
  bool replace = false;
  size_t max_errors = 50;
};

// Reads one file unless its option was left out; false (after printing why) on failure.
bool Load(const std::string& path, std::optional<ImportFormat> format,
          std::optional<ImportText>& out) {
  if (path.empty()) return true;
  absl::StatusOr<ImportText> file = vitrina::data::ReadImportFile(path, format);
  if (!file.ok()) {
    std::fprintf(stderr, "vitrina-import: %s\n", std::string(file.status().message()).c_str());
    return false;
  }
  out = std::move(file).value();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Imports a catalog from CSV or JSON Lines files into Vitrina's embedded SQLite catalog.\n"
      "All or nothing: every row is checked first, and if any is bad the errors are printed as\n"
      "file:line:column: field: problem and the catalog is left exactly as it was.\n\n"
      "Columns (CSV header row, or JSON keys; * = required):\n"
      "  --interaction-types  name*, weight*\n"
      "  --titles             id*, name*, genres, creators, available (true/false/1/0/yes/no)\n"
      "  --users              id*, features\n"
      "  --interactions       user_id*, title_id*, type*, value*, time* (unix seconds or\n"
      "                       RFC 3339, e.g. 2024-03-01T12:00:00Z)\n"
      "Ids are integers >= 0 (0 is valid). CSV is RFC 4180 (quote fields holding commas,\n"
      "quotes or line breaks; double a quote inside quotes); lists are one field with items\n"
      "separated by '|' (drama|comedy). JSON Lines: one object per line, lists as arrays.\n"
      "An interaction's title must be in --titles or the catalog; its type, when neither\n"
      "--interaction-types nor the catalog has it, is added with weight 1 (and reported).\n\n"
      "Exit status: 0 imported, 1 bad rows (nothing written), 2 usage, 3 other failure."};
  Arguments args;
  app.add_option("--catalog", args.catalog,
                 "Embedded catalog (SQLite); created with the embedded schema when missing")
      ->required();
  app.add_option("--interaction-types", args.interaction_types, "Interaction types file");
  app.add_option("--titles", args.titles, "Titles file");
  app.add_option("--users", args.users, "Users file");
  app.add_option("--interactions", args.interactions, "Interactions file");
  app.add_option("--format", args.format,
                 "csv, jsonl, or auto: by extension (.csv; .jsonl, .ndjson, .json)")
      ->check(CLI::IsMember({"auto", "csv", "jsonl"}))
      ->capture_default_str();
  app.add_flag("--replace", args.replace,
               "Empty the catalog first, so that it holds exactly these files. Without it, rows\n"
               "are added and an id or type name the catalog already has is a bad row");
  app.add_option("--max-errors", args.max_errors, "Stop checking after this many bad rows")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }

  if (args.interaction_types.empty() && args.titles.empty() && args.users.empty() &&
      args.interactions.empty()) {
    std::fprintf(stderr,
                 "vitrina-import: nothing to import: give --titles, --users, --interactions "
                 "or --interaction-types (see --help)\n");
    return kExitUsage;
  }
  std::optional<ImportFormat> format;
  if (args.format == "csv") format = ImportFormat::kCsv;
  if (args.format == "jsonl") format = ImportFormat::kJsonLines;

  vitrina::data::ImportInput input;
  if (!Load(args.interaction_types, format, input.interaction_types) ||
      !Load(args.titles, format, input.titles) || !Load(args.users, format, input.users) ||
      !Load(args.interactions, format, input.interactions)) {
    return kExitUsage;
  }
  vitrina::data::ImportOptions options;
  options.replace = args.replace;
  vitrina::data::ImportErrors errors(args.max_errors);
  absl::StatusOr<vitrina::data::ImportSummary> summary =
      vitrina::data::ImportCatalog(args.catalog, input, options, errors);
  if (!summary.ok()) {
    for (const std::string& message : errors.messages()) {
      std::fprintf(stderr, "%s\n", message.c_str());
    }
    if (errors.full()) {
      std::fprintf(stderr, "vitrina-import: checking stopped at --max-errors %zu\n",
                   args.max_errors);
    }
    std::fprintf(stderr, "vitrina-import: %s\n", std::string(summary.status().message()).c_str());
    return errors.empty() ? kExitFailure : kExitBadRows;
  }
  std::printf("%s %s: %lld interaction types, %lld titles, %lld users, %lld interactions%s\n",
              summary->created_catalog ? "created" : "imported into", args.catalog.c_str(),
              static_cast<long long>(summary->interaction_types),
              static_cast<long long>(summary->titles), static_cast<long long>(summary->users),
              static_cast<long long>(summary->interactions),
              args.replace ? " (replaced its content)" : "");
  for (const std::string& type : summary->created_types) {
    std::printf("added interaction type '%s' with weight 1 (no --interaction-types row for it)\n",
                type.c_str());
  }
  return 0;
}

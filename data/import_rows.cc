#include "data/import_rows.h"

#include <filesystem>

#include "fmt/format.h"

namespace vitrina::data {

absl::StatusOr<ImportFormat> ImportFormatOfPath(std::string_view path) {
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension == ".csv") return ImportFormat::kCsv;
  if (extension == ".jsonl" || extension == ".ndjson" || extension == ".json") {
    return ImportFormat::kJsonLines;
  }
  return absl::InvalidArgumentError(fmt::format(
      "{}: cannot tell the format from the extension '{}' (.csv, .jsonl, .ndjson or .json; or "
      "give --format csv|jsonl)",
      path, extension));
}

std::string ImportColumnNames(std::span<const ImportColumn> schema) {
  std::string names;
  for (const ImportColumn& column : schema) {
    if (!names.empty()) names += ", ";
    names += column.name;
  }
  return names;
}

void ReadImportRows(std::string_view text, ImportFormat format, std::string_view file,
                    std::span<const ImportColumn> schema, ImportErrors& errors,
                    const ImportRowSink& sink) {
  auto with_required = [&](const ImportRow& row) {
    for (size_t i = 0; i < schema.size(); ++i) {
      if (schema[i].required && !row.values[i].present) {
        errors.Add(file, row.line, row.values[i].column,
                   fmt::format("{}: a value is required", schema[i].name));
        return;
      }
    }
    sink(row);
  };
  if (format == ImportFormat::kCsv) {
    ReadCsvRows(text, file, schema, errors, with_required);
  } else {
    ReadJsonLinesRows(text, file, schema, errors, with_required);
  }
}

}  // namespace vitrina::data

// JSON Lines half of ReadImportRows: each non-blank line is one JSON object, parsed by nlohmann's
// JSON (Debian's nlohmann-json3-dev).
#include <nlohmann/json.hpp>

#include <string>

#include "data/import_rows.h"
#include "fmt/format.h"

namespace vitrina::data {
namespace {

using Json = nlohmann::json;

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1,
// column 5: " prefix: the position is given separately.
std::string ParseErrorText(const Json::parse_error& error) {
  std::string_view what = error.what();
  size_t column = what.find("column ");
  size_t text = what.find(": ", column == std::string_view::npos ? 0 : column);
  if (text == std::string_view::npos) return std::string(what);
  return fmt::format("not valid JSON: {}", what.substr(text + 2));
}

// A scalar as the text the CSV path would hold; false for a nested object or array.
bool ScalarText(const Json& json, std::string& out) {
  switch (json.type()) {
    case Json::value_t::string:
      out = json.get_ref<const std::string&>();
      return true;
    case Json::value_t::number_integer:
      out = std::to_string(json.get<int64_t>());
      return true;
    case Json::value_t::number_unsigned:
      out = std::to_string(json.get<uint64_t>());
      return true;
    case Json::value_t::number_float:
    case Json::value_t::boolean:
      out = json.dump();
      return true;
    default:
      return false;
  }
}

// Fills `value` from `json`; an error message otherwise.
std::optional<std::string> ToValue(const Json& json, ImportValue& value) {
  if (json.is_null()) return std::nullopt;
  value.present = true;
  if (json.is_array()) {
    value.is_array = true;
    for (const Json& item : json) {
      std::string& text = value.items.emplace_back();
      if (!ScalarText(item, text) || item.is_boolean()) {
        return fmt::format("list items must be strings or numbers, got {}", item.dump());
      }
    }
    return std::nullopt;
  }
  if (!ScalarText(json, value.text)) return "a nested object is not a value";
  return std::nullopt;
}

}  // namespace

void ReadJsonLinesRows(std::string_view text, std::string_view file,
                       std::span<const ImportColumn> schema, ImportErrors& errors,
                       const ImportRowSink& sink) {
  ImportRow row;
  int64_t line_number = 0;
  while (!text.empty() && !errors.full()) {
    ++line_number;
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line_number == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    if (IsBlank(line)) continue;

    Json object;
    try {
      object = Json::parse(line);
    } catch (const Json::parse_error& error) {
      errors.Add(file, line_number, static_cast<int64_t>(error.byte), ParseErrorText(error));
      continue;
    }
    if (!object.is_object()) {
      errors.Add(file, line_number, 0,
                 fmt::format("a JSON object is expected on each line, got {}", object.type_name()));
      continue;
    }
    row.line = line_number;
    row.values.assign(schema.size(), ImportValue{});
    bool good = true;
    for (const auto& [key, json] : object.items()) {
      size_t index = 0;
      while (index < schema.size() && schema[index].name != key) ++index;
      if (index == schema.size()) {
        errors.Add(file, line_number, 0,
                   fmt::format("unknown key '{}' (the keys are {})", key, ImportColumnNames(schema)));
        good = false;
        break;
      }
      if (std::optional<std::string> problem = ToValue(json, row.values[index])) {
        errors.Add(file, line_number, 0, fmt::format("{}: {}", key, *problem));
        good = false;
        break;
      }
    }
    if (good) sink(row);
  }
}

}  // namespace vitrina::data

#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "data/import_rows.h"
#include "data/records.h"

namespace vitrina::data {

// The columns (CSV) or keys (JSON Lines) of each kind of import file. Lists (genres, creators,
// features) are one CSV field with items separated by '|', or a JSON array.
std::span<const ImportColumn> InteractionTypeColumns();  // name, weight
std::span<const ImportColumn> TitleColumns();            // id, name, genres, creators, available
std::span<const ImportColumn> UserColumns();             // id, features
std::span<const ImportColumn> InteractionColumns();      // user_id, title_id, type, value, time

// Receives a problem with one value of the row being converted: its column (0 when unknown) and
// a message that names the field.
using ValueProblemSink = std::function<void(int64_t column, std::string message)>;

// Convert a row read with the matching schema into a record, checking every value: ids are
// integers >= 0 (0 is a valid id), numbers are finite, weights are > 0, times are unix seconds or
// RFC 3339 in the years 1970..9999, `available` is true/false/1/0/yes/no, list items carry no tab
// (the catalog's list separator); list items are trimmed, and empty and repeated items dropped.
// nullopt after reporting at least one problem.
std::optional<InteractionTypeRecord> InteractionTypeFromRow(const ImportRow& row,
                                                            const ValueProblemSink& problem);
std::optional<TitleRecord> TitleFromRow(const ImportRow& row, const ValueProblemSink& problem);
std::optional<UserRecord> UserFromRow(const ImportRow& row, const ValueProblemSink& problem);
std::optional<InteractionRecord> InteractionFromRow(const ImportRow& row,
                                                    const ValueProblemSink& problem);

// Unix seconds from "1700000000" or RFC 3339 ("2024-03-01T12:00:00Z", "...+02:00", fractions
// dropped); nullopt outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z or when unreadable.
std::optional<int64_t> ParseImportTime(std::string_view text);

}  // namespace vitrina::data

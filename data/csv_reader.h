#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace vitrina::data {

// One field of a CSV record and where it starts in the text (1-based line and byte column), so
// that a bad value can be named precisely.
struct CsvField {
  std::string text;
  int64_t line = 0;
  int64_t column = 0;
};

// One record: its first line (a quoted field may span several) and its fields.
struct CsvRecord {
  int64_t line = 0;
  std::vector<CsvField> fields;
};

// Called for every record in order; an error stops the parse and is returned as is.
using CsvRecordSink = std::function<absl::Status(const CsvRecord&)>;

// Where and what a syntax error is, for callers that format their own messages.
struct CsvSyntaxError {
  int64_t line = 0;
  int64_t column = 0;
  std::string what;
};

// Why a reader of our own: Debian's CSV libraries do not fit. libcsv-dev (C, callbacks) reports
// neither the line nor the column of a record or of a syntax error, and libfccp-dev
// (fast-cpp-csv-parser) fixes the column count at compile time and throws on bad input. Import
// messages must name file:line:column, so this ~130-line state machine tracks positions itself.
//
// Parses RFC 4180 text held in memory: fields separated by commas, records by LF or CRLF; a field
// in double quotes may hold commas, line breaks and doubled quotes (""), and keeps spaces. A UTF-8
// byte order mark at the start is skipped, and so are empty lines (RFC 4180 has no empty record;
// editors leave them at the end). A syntax error (a quote inside an unquoted field, text after a
// closing quote, a quote never closed) is InvalidArgument "line L, column C: ...", with the
// position of the offending character or, for an unclosed quote, of the opening one; `syntax_error`,
// when given, receives the same position and text.
absl::Status ParseCsv(std::string_view text, const CsvRecordSink& on_record,
                      CsvSyntaxError* syntax_error = nullptr);

}  // namespace vitrina::data

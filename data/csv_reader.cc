#include "data/csv_reader.h"

#include "fmt/format.h"

namespace vitrina::data {
namespace {

constexpr std::string_view kUtf8ByteOrderMark = "\xEF\xBB\xBF";

// A cursor over the text that knows its line and column.
class CsvCursor {
 public:
  explicit CsvCursor(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  int64_t line() const { return line_; }
  int64_t column() const { return static_cast<int64_t>(pos_ - line_start_) + 1; }

  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }
  // True (and consumed) when the cursor is on a record end: LF, CRLF or the end of the text.
  bool ConsumeRecordEnd() {
    if (AtEnd()) return true;
    if (Peek() == '\n') {
      Advance();
      return true;
    }
    if (Peek() == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
      ++pos_;
      Advance();
      return true;
    }
    return false;
  }
  bool AtLoneCarriageReturn() const {
    return !AtEnd() && Peek() == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] != '\n');
  }
  // Appends the unquoted run up to the next comma, quote or line break.
  void TakeUnquotedRun(std::string& out) {
    size_t end = text_.find_first_of(",\"\r\n", pos_);
    if (end == std::string_view::npos) end = text_.size();
    out.append(text_.substr(pos_, end - pos_));
    pos_ = end;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  size_t line_start_ = 0;
};

// Thrown inside the parse only, and caught by ParseCsv: keeps the reading code linear.
struct SyntaxFailure {
  CsvSyntaxError error;
};

[[noreturn]] void SyntaxError(int64_t line, int64_t column, std::string_view what) {
  throw SyntaxFailure{CsvSyntaxError{line, column, std::string(what)}};
}

// Reads a quoted field; the cursor is on the opening quote and ends after the closing one.
void ReadQuoted(CsvCursor& cursor, std::string& out) {
  const int64_t open_line = cursor.line();
  const int64_t open_column = cursor.column();
  cursor.Advance();
  while (!cursor.AtEnd()) {
    char c = cursor.Peek();
    cursor.Advance();
    if (c != '"') {
      out.push_back(c);
      continue;
    }
    if (!cursor.AtEnd() && cursor.Peek() == '"') {
      out.push_back('"');
      cursor.Advance();
      continue;
    }
    return;
  }
  SyntaxError(open_line, open_column, "quoted field is never closed (a missing \")");
}

absl::Status ParseRecords(std::string_view text, const CsvRecordSink& on_record) {
  if (text.starts_with(kUtf8ByteOrderMark)) text.remove_prefix(kUtf8ByteOrderMark.size());
  CsvCursor cursor(text);
  CsvRecord record;
  while (!cursor.AtEnd()) {
    record.line = cursor.line();
    record.fields.clear();
    if (cursor.ConsumeRecordEnd()) continue;  // an empty line
    while (true) {
      CsvField& field = record.fields.emplace_back();
      field.line = cursor.line();
      field.column = cursor.column();
      if (!cursor.AtEnd() && cursor.Peek() == '"') {
        ReadQuoted(cursor, field.text);
      } else {
        cursor.TakeUnquotedRun(field.text);
        while (cursor.AtLoneCarriageReturn()) {  // kept as data: only LF and CRLF end a record
          field.text.push_back('\r');
          cursor.Advance();
          cursor.TakeUnquotedRun(field.text);
        }
        if (!cursor.AtEnd() && cursor.Peek() == '"') {
          SyntaxError(cursor.line(), cursor.column(),
                      "a quote inside an unquoted field (quote the whole field and double the "
                      "quote: \"a \"\"b\"\"\")");
        }
      }
      if (cursor.ConsumeRecordEnd()) break;
      if (cursor.Peek() != ',') {
        SyntaxError(cursor.line(), cursor.column(),
                    "text after a closing quote (a field is either all quoted or not)");
      }
      cursor.Advance();
    }
    if (absl::Status sunk = on_record(record); !sunk.ok()) return sunk;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseCsv(std::string_view text, const CsvRecordSink& on_record,
                      CsvSyntaxError* syntax_error) {
  try {
    return ParseRecords(text, on_record);
  } catch (const SyntaxFailure& failure) {
    if (syntax_error != nullptr) *syntax_error = failure.error;
    return absl::InvalidArgumentError(fmt::format("line {}, column {}: {}", failure.error.line,
                                                  failure.error.column, failure.error.what));
  }
}

}  // namespace vitrina::data

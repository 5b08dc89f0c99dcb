#include "data/csv_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vitrina::data {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Parsed {
  absl::Status status;
  std::vector<int64_t> lines;
  std::vector<std::vector<std::string>> records;
  CsvSyntaxError syntax_error;
};

Parsed Parse(std::string_view text) {
  Parsed parsed;
  parsed.status = ParseCsv(
      text,
      [&](const CsvRecord& record) {
        parsed.lines.push_back(record.line);
        std::vector<std::string>& fields = parsed.records.emplace_back();
        for (const CsvField& field : record.fields) fields.push_back(field.text);
        return absl::OkStatus();
      },
      &parsed.syntax_error);
  return parsed;
}

TEST(CsvReaderTest, PlainRecordsWithLfAndCrlf) {
  Parsed parsed = Parse("id,name\r\n1,Alpha\n2,Beta");
  ASSERT_TRUE(parsed.status.ok()) << parsed.status;
  EXPECT_THAT(parsed.records, ElementsAre(ElementsAre("id", "name"), ElementsAre("1", "Alpha"),
                                          ElementsAre("2", "Beta")));
  EXPECT_THAT(parsed.lines, ElementsAre(1, 2, 3));
}

TEST(CsvReaderTest, QuotedFieldsKeepCommasDoubledQuotesAndLineBreaks) {
  Parsed parsed = Parse(
      "id,name\n"
      "1,\"Hello, World\"\n"
      "2,\"Say \"\"hi\"\"\"\n"
      "3,\"two\nlines\"\n"
      "4,\"\"\n");
  ASSERT_TRUE(parsed.status.ok()) << parsed.status;
  EXPECT_THAT(parsed.records,
              ElementsAre(ElementsAre("id", "name"), ElementsAre("1", "Hello, World"),
                          ElementsAre("2", "Say \"hi\""), ElementsAre("3", "two\nlines"),
                          ElementsAre("4", "")));
  // A record starts on its first line; the one after a multi-line field counts the break.
  EXPECT_THAT(parsed.lines, ElementsAre(1, 2, 3, 4, 6));
}

TEST(CsvReaderTest, EmptyFieldsTrailingCommaEmptyLinesAndByteOrderMark) {
  Parsed parsed = Parse("\xEF\xBB\xBF" "a,b,c\n\n,,\n1,2,\n\n");
  ASSERT_TRUE(parsed.status.ok()) << parsed.status;
  EXPECT_THAT(parsed.records, ElementsAre(ElementsAre("a", "b", "c"), ElementsAre("", "", ""),
                                          ElementsAre("1", "2", "")));
  EXPECT_THAT(parsed.lines, ElementsAre(1, 3, 4));
}

TEST(CsvReaderTest, SpacesAndLoneCarriageReturnsAreData) {
  Parsed parsed = Parse(" a ,b\rc\n");
  ASSERT_TRUE(parsed.status.ok()) << parsed.status;
  EXPECT_THAT(parsed.records, ElementsAre(ElementsAre(" a ", "b\rc")));
}

TEST(CsvReaderTest, FieldColumnsAreByteColumnsOfTheirLine) {
  std::vector<CsvField> fields;
  ASSERT_TRUE(ParseCsv("x\nab,\"c\nd\",e\n", [&](const CsvRecord& record) {
                for (const CsvField& field : record.fields) fields.push_back(field);
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[1].line, 2);
  EXPECT_EQ(fields[1].column, 1);
  EXPECT_EQ(fields[2].line, 2);
  EXPECT_EQ(fields[2].column, 4);
  EXPECT_EQ(fields[3].line, 3);  // after the quoted line break
  EXPECT_EQ(fields[3].column, 4);
}

TEST(CsvReaderTest, UnclosedQuoteIsReportedWhereItOpens) {
  Parsed parsed = Parse("id,name\n1,ok\n2,\"never closed\n3,x\n");
  EXPECT_EQ(parsed.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status.message(), HasSubstr("line 3, column 3: quoted field is never closed"));
  EXPECT_EQ(parsed.syntax_error.line, 3);
  EXPECT_EQ(parsed.syntax_error.column, 3);
  EXPECT_THAT(parsed.lines, ElementsAre(1, 2));  // the records before it were delivered
}

TEST(CsvReaderTest, QuoteInsideAnUnquotedFieldIsAnError) {
  Parsed parsed = Parse("id,name\n1,ab\"c\n");
  EXPECT_EQ(parsed.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.syntax_error.line, 2);
  EXPECT_EQ(parsed.syntax_error.column, 5);
  EXPECT_THAT(parsed.syntax_error.what, HasSubstr("a quote inside an unquoted field"));
}

TEST(CsvReaderTest, TextAfterAClosingQuoteIsAnError) {
  Parsed parsed = Parse("\"ab\"c,d\n");
  EXPECT_EQ(parsed.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.syntax_error.line, 1);
  EXPECT_EQ(parsed.syntax_error.column, 5);
  EXPECT_THAT(parsed.syntax_error.what, HasSubstr("text after a closing quote"));
}

TEST(CsvReaderTest, SinkErrorStopsTheParseAndIsReturned) {
  int seen = 0;
  absl::Status status = ParseCsv("a\nb\nc\n", [&](const CsvRecord&) {
    ++seen;
    return seen == 2 ? absl::CancelledError("enough") : absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(seen, 2);
}

TEST(CsvReaderTest, EmptyTextHasNoRecords) {
  Parsed parsed = Parse("");
  EXPECT_TRUE(parsed.status.ok());
  EXPECT_TRUE(parsed.records.empty());
}

}  // namespace
}  // namespace vitrina::data

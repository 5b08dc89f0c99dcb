// The row readers (CSV, JSON Lines) and the record conversion with its checks, on in-memory text.
#include "data/import_records.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vitrina::data {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

template <typename Record>
struct Converted {
  std::vector<Record> records;
  std::vector<std::string> errors;
};

template <typename Record, typename Converter>
Converted<Record> Convert(std::string_view text, ImportFormat format,
                          std::span<const ImportColumn> schema, const Converter& convert) {
  Converted<Record> out;
  ImportErrors errors(100);
  const std::string_view file = format == ImportFormat::kCsv ? "in.csv" : "in.jsonl";
  ReadImportRows(text, format, file, schema, errors, [&](const ImportRow& row) {
    std::optional<Record> record = convert(row, [&](int64_t column, std::string message) {
      errors.Add(file, row.line, column, message);
    });
    if (record) out.records.push_back(*record);
  });
  out.errors = errors.messages();
  return out;
}

Converted<TitleRecord> Titles(std::string_view text, ImportFormat format = ImportFormat::kCsv) {
  return Convert<TitleRecord>(text, format, TitleColumns(), TitleFromRow);
}
Converted<UserRecord> Users(std::string_view text, ImportFormat format = ImportFormat::kCsv) {
  return Convert<UserRecord>(text, format, UserColumns(), UserFromRow);
}
Converted<InteractionRecord> Interactions(std::string_view text,
                                          ImportFormat format = ImportFormat::kCsv) {
  return Convert<InteractionRecord>(text, format, InteractionColumns(), InteractionFromRow);
}
Converted<InteractionTypeRecord> Types(std::string_view text,
                                       ImportFormat format = ImportFormat::kCsv) {
  return Convert<InteractionTypeRecord>(text, format, InteractionTypeColumns(),
                                        InteractionTypeFromRow);
}

TEST(ImportRecordsTest, CsvTitlesWithListsQuotingAndIdZero) {
  auto titles = Titles(
      "name,id,genres,creators,available\n"
      "\"Up, and away\",0,drama|comedy, c1 | c2 |c1|,yes\n"
      "Solo,7,,,false\n");
  ASSERT_THAT(titles.errors, IsEmpty());
  ASSERT_EQ(titles.records.size(), 2u);
  EXPECT_EQ(titles.records[0], (TitleRecord{0, "Up, and away", {"drama", "comedy"},
                                            {"c1", "c2"}, true}));
  EXPECT_EQ(titles.records[1], (TitleRecord{7, "Solo", {}, {}, false}));
}

TEST(ImportRecordsTest, CsvOptionalColumnsMayBeLeftOut) {
  auto titles = Titles("id,name\n3,Three\n");
  ASSERT_THAT(titles.errors, IsEmpty());
  EXPECT_THAT(titles.records, ElementsAre(TitleRecord{3, "Three", {}, {}, true}));
}

TEST(ImportRecordsTest, JsonLinesTitlesWithArraysNumbersAndNulls) {
  auto titles = Titles(
      "{\"id\": 0, \"name\": \"Zero\", \"genres\": [\"drama\", \"\"], \"creators\": [17, \"x\"]}\n"
      "\n"
      "{\"id\": \"12\", \"name\": \"Twelve\", \"available\": false, \"genres\": null}\n",
      ImportFormat::kJsonLines);
  ASSERT_THAT(titles.errors, IsEmpty());
  EXPECT_THAT(titles.records, ElementsAre(TitleRecord{0, "Zero", {"drama"}, {"17", "x"}, true},
                                          TitleRecord{12, "Twelve", {}, {}, false}));
}

TEST(ImportRecordsTest, CsvBadValuesNameFileLineColumnAndField) {
  auto titles = Titles(
      "id,name,available\n"
      "1,One,true\n"
      "x,Two,true\n"
      "-3,Three,true\n"
      "4,,true\n"
      "5,Five,maybe\n"
      "6,Six\n");
  EXPECT_THAT(titles.records, ElementsAre(TitleRecord{1, "One", {}, {}, true}));
  EXPECT_THAT(titles.errors,
              ElementsAre("in.csv:3:1: id: 'x' is not an integer id",
                          "in.csv:4:1: id: -3 is negative (ids are integers >= 0)",
                          "in.csv:5:3: name: a value is required",
                          "in.csv:6:8: available: 'maybe' is not a boolean (true/false, 1/0, "
                          "yes/no)",
                          "in.csv:7: 2 fields, but the header has 3"));
}

TEST(ImportRecordsTest, CsvHeaderProblemsStopTheFile) {
  EXPECT_THAT(Titles("id,nmae\n1,x\n").errors,
              ElementsAre(HasSubstr("in.csv:1:4: unknown column 'nmae' (the columns are id, "
                                    "name, genres, creators, available)")));
  EXPECT_THAT(Titles("id,name,id\n").errors,
              ElementsAre("in.csv:1:9: column 'id' appears twice in the header"));
  EXPECT_THAT(Titles("id\n1\n").errors,
              ElementsAre(HasSubstr("in.csv:1: the header has no column 'name'")));
  EXPECT_THAT(Titles("").errors, ElementsAre("in.csv: empty file: a header row is required"));
}

TEST(ImportRecordsTest, CsvSyntaxErrorIsReportedWithItsPosition) {
  auto titles = Titles("id,name\n1,\"One\n2,Two\n");
  EXPECT_THAT(titles.records, IsEmpty());
  EXPECT_THAT(titles.errors,
              ElementsAre("in.csv:2:3: quoted field is never closed (a missing \")"));
}

TEST(ImportRecordsTest, JsonLinesBadLinesAreReportedAndSkipped) {
  auto users = Users(
      "{\"id\": 1, \"features\": [\"country:de\"]}\n"
      "{\"id\": 2,}\n"
      "[1, 2]\n"
      "{\"id\": 3, \"colour\": \"red\"}\n"
      "{\"id\": 4.5}\n"
      "{\"id\": 5, \"features\": \"country:fr\"}\n"
      "{\"id\": 6, \"features\": [{\"a\": 1}]}\n"
      "{\"features\": []}\n"
      "{\"id\": 7, \"features\": [\"a\\tb\"]}\n"
      "{\"id\": 0}\n"
      "{\"id\": [8]}\n",
      ImportFormat::kJsonLines);
  EXPECT_THAT(users.records, ElementsAre(UserRecord{1, {"country:de"}}, UserRecord{0, {}}));
  ASSERT_EQ(users.errors.size(), 9u);
  EXPECT_THAT(users.errors[0], HasSubstr("in.jsonl:2:10: not valid JSON: syntax error"));
  EXPECT_EQ(users.errors[1], "in.jsonl:3: a JSON object is expected on each line, got array");
  EXPECT_EQ(users.errors[2], "in.jsonl:4: unknown key 'colour' (the keys are id, features)");
  EXPECT_EQ(users.errors[3], "in.jsonl:5: id: '4.5' is not an integer id");
  // A JSON string is never split on '|': a list must be an array.
  EXPECT_EQ(users.errors[4], "in.jsonl:6: features: a list is expected (a JSON array of strings)");
  EXPECT_THAT(users.errors[5], HasSubstr("in.jsonl:7: features: list items must be strings or "
                                         "numbers, got {\"a\":1}"));
  EXPECT_EQ(users.errors[6], "in.jsonl:8: id: a value is required");
  EXPECT_EQ(users.errors[7],
            "in.jsonl:9: features: item 'a\tb' contains a tab, which the catalog cannot store");
  EXPECT_EQ(users.errors[8], "in.jsonl:11: id: one value is expected, not a list");
}

TEST(ImportRecordsTest, InteractionsTimesAsUnixSecondsOrRfc3339) {
  auto interactions = Interactions(
      "user_id,title_id,type,value,time\n"
      "0,0,view,0.5,0\n"
      "1,2,rating,4,2024-03-01T12:00:00Z\n"
      "1,2,rating,4,2024-03-01T14:00:00.75+02:00\n"
      "1,2,rating,4,9999-12-31T23:59:59Z\n");
  ASSERT_THAT(interactions.errors, IsEmpty());
  EXPECT_THAT(interactions.records,
              ElementsAre(InteractionRecord{0, 0, "view", 0.5, 0},
                          InteractionRecord{1, 2, "rating", 4, 1709294400},
                          InteractionRecord{1, 2, "rating", 4, 1709294400},
                          InteractionRecord{1, 2, "rating", 4, 253402300799}));
}

TEST(ImportRecordsTest, InteractionBadValuesAndTimes) {
  auto interactions = Interactions(
      "user_id,title_id,type,value,time\n"
      "1,2,view,nan,100\n"
      "1,2,view,1e999,100\n"
      "1,2,view,0.5,-1\n"
      "1,2,view,0.5,1969-12-31T23:59:59Z\n"
      "1,2,view,0.5,10000-01-01T00:00:00Z\n"
      "1,2,view,0.5,yesterday\n"
      "1,2,,0.5,100\n");
  EXPECT_THAT(interactions.records, IsEmpty());
  ASSERT_EQ(interactions.errors.size(), 7u);
  EXPECT_EQ(interactions.errors[0], "in.csv:2:10: value: 'nan' is not a finite number");
  EXPECT_EQ(interactions.errors[1], "in.csv:3:10: value: '1e999' is not a finite number");
  EXPECT_THAT(interactions.errors[2],
              HasSubstr("in.csv:4:14: time: '-1' is not a time: unix seconds or RFC 3339"));
  EXPECT_THAT(interactions.errors[3], HasSubstr("time: '1969-12-31T23:59:59Z' is not a time"));
  EXPECT_THAT(interactions.errors[4], HasSubstr("time: '10000-01-01T00:00:00Z' is not a time"));
  EXPECT_THAT(interactions.errors[5], HasSubstr("in.csv:7:14: time: 'yesterday' is not a time"));
  EXPECT_EQ(interactions.errors[6], "in.csv:8:5: type: a value is required");
}

TEST(ImportRecordsTest, InteractionTypesNeedAPositiveWeight) {
  auto types = Types("name,weight\nview,1\nrating,0\nbookmark,-2\n");
  EXPECT_THAT(types.records, ElementsAre(InteractionTypeRecord{"view", 1}));
  EXPECT_THAT(types.errors, ElementsAre("in.csv:3:8: weight: 0 is not > 0",
                                        "in.csv:4:10: weight: -2 is not > 0"));
}

TEST(ImportRecordsTest, ReadingStopsWhenTheErrorsAreFull) {
  ImportErrors errors(2);
  int rows = 0;
  ReadImportRows("id,name\n1\n2\n3\n4\n", ImportFormat::kCsv, "in.csv", TitleColumns(), errors,
                 [&](const ImportRow&) { ++rows; });
  EXPECT_EQ(rows, 0);
  EXPECT_EQ(errors.count(), 2u);
  EXPECT_TRUE(errors.full());
}

TEST(ImportRecordsTest, FormatFromTheExtension) {
  EXPECT_EQ(*ImportFormatOfPath("a/titles.csv"), ImportFormat::kCsv);
  EXPECT_EQ(*ImportFormatOfPath("a/titles.jsonl"), ImportFormat::kJsonLines);
  EXPECT_EQ(*ImportFormatOfPath("titles.ndjson"), ImportFormat::kJsonLines);
  EXPECT_THAT(ImportFormatOfPath("titles.txt").status().message(),
              HasSubstr("cannot tell the format from the extension '.txt'"));
}

}  // namespace
}  // namespace vitrina::data

#include "simulation/json_value.h"

#include <gtest/gtest.h>

#include <string>

namespace vitrina::simulation {
namespace {

using Kind = JsonValue::Kind;

TEST(JsonValueTest, TellsIntegersFromOtherNumbers) {
  absl::StatusOr<JsonValue> value =
      ParseJsonValue(R"( {"user": 0, "track": -42, "time": 1.0, "big": 1e3, "huge": 99999999999999999999} )");
  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_EQ(value->Find("user")->kind, Kind::kInteger);
  EXPECT_EQ(value->Find("user")->integer, 0);
  EXPECT_EQ(value->Find("track")->integer, -42);
  EXPECT_EQ(value->Find("time")->kind, Kind::kNumber);
  EXPECT_EQ(value->Find("time")->number, 1.0);
  EXPECT_EQ(value->Find("big")->kind, Kind::kNumber);
  EXPECT_EQ(value->Find("huge")->kind, Kind::kNumber);  // outside int64
  EXPECT_EQ(value->Find("missing"), nullptr);
}

TEST(JsonValueTest, ParsesNestedValuesAndEscapes) {
  absl::StatusOr<JsonValue> value = ParseJsonValue(
      R"({"experiments": {"ranker": "B"}, "list": [true, false, null, "x\"\n\u00e9\ud83d\ude00"]})");
  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_EQ(value->Find("experiments")->Find("ranker")->string, "B");
  const std::vector<JsonValue>& list = value->Find("list")->array;
  ASSERT_EQ(list.size(), 4u);
  EXPECT_TRUE(list[0].boolean);
  EXPECT_EQ(list[1].kind, Kind::kBool);
  EXPECT_FALSE(list[1].boolean);
  EXPECT_EQ(list[2].kind, Kind::kNull);
  EXPECT_EQ(list[3].string, "x\"\n\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(JsonValueTest, RefusesMalformedDocuments) {
  for (const char* bad : {"", "{", "{\"a\" 1}", "{\"a\": 1,}", "[1 2]", "01", "1.", "-", "1e",
                          "\"open", "{\"a\": 1} x", "{\"a\": 1, \"a\": 2}", "tru", "'a'",
                          "\"\\x\"", "\"\x01\""}) {
    absl::StatusOr<JsonValue> value = ParseJsonValue(bad);
    EXPECT_FALSE(value.ok()) << bad;
    if (!value.ok()) {
      EXPECT_NE(std::string(value.status().message()).find("at byte"), std::string::npos);
    }
  }
  EXPECT_FALSE(ParseJsonValue(std::string(100, '[') + std::string(100, ']')).ok());
  EXPECT_TRUE(ParseJsonValue(std::string(60, '[') + std::string(60, ']')).ok());
}

}  // namespace
}  // namespace vitrina::simulation

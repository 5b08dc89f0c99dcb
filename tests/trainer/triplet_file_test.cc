#include "trainer/triplet_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/atomic_file.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::trainer {
namespace {

class TripletFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& contents) {
    const std::string path = dir_.File(std::to_string(counter_++) + ".tsv");
    EXPECT_TRUE(common::WriteFileAtomically(path, contents).ok());
    return path;
  }
  ::vitrina::testing::TempDir dir_;
  int counter_ = 0;
};

TEST_F(TripletFileTest, ReadsMovieLensTabsWithTimestamps) {
  const auto rows = ReadTripletFile(Write("1\t31\t4\t874965758\n2\t10\t2.5\t875071561\n"));
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].user_id, 1);
  EXPECT_EQ((*rows)[0].item_id, 31);
  EXPECT_FLOAT_EQ(*(*rows)[1].value, 2.5f);
}

TEST_F(TripletFileTest, DetectsHeaderCommasSpacesAndCrlf) {
  const auto csv = ReadTripletFile(Write("user,item,rating\r\n5,6,1\r\n\r\n7, 8 ,2\r\n"));
  ASSERT_TRUE(csv.ok()) << csv.status().message();
  ASSERT_EQ(csv->size(), 2u);
  EXPECT_EQ((*csv)[1].item_id, 8);
  const auto spaces = ReadTripletFile(Write("5   6\n7 8\n"));
  ASSERT_TRUE(spaces.ok());
  EXPECT_FALSE((*spaces)[0].value.has_value());
}

TEST_F(TripletFileTest, NamesTheMalformedLine) {
  const absl::Status bad_id = ReadTripletFile(Write("1\t2\t3\n4\tx\t5\n")).status();
  EXPECT_EQ(bad_id.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(bad_id.message()).find(":2:"), std::string::npos) << bad_id.message();
  const absl::Status bad_value = ReadTripletFile(Write("1\t2\tfive\n")).status();
  EXPECT_NE(std::string(bad_value.message()).find(":1:"), std::string::npos) << bad_value.message();
  const absl::Status one_field = ReadTripletFile(Write("1 2\n3\n")).status();
  EXPECT_NE(std::string(one_field.message()).find(":2:"), std::string::npos) << one_field.message();
  EXPECT_EQ(ReadTripletFile("/nonexistent/vitrina.tsv").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace vitrina::trainer

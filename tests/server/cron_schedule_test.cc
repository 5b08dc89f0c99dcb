#include "server/cron_schedule.h"

#include <gtest/gtest.h>

namespace vitrina::server {
namespace {

absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::UTCTimeZone());
}

TEST(CronScheduleTest, NightlyDefaultFiresAtThreeEveryDay) {
  auto cron = CronSchedule::Parse("0 3 * * *");
  ASSERT_TRUE(cron.ok()) << cron.status();
  EXPECT_EQ(cron->NextAfter(Utc(2026, 11, 22, 16, 0)), Utc(2026, 11, 23, 3, 0));
  EXPECT_EQ(cron->NextAfter(Utc(2026, 11, 23, 2, 59)), Utc(2026, 11, 23, 3, 0));
  // Strictly after: a fire time is not its own successor.
  EXPECT_EQ(cron->NextAfter(Utc(2026, 11, 23, 3, 0)), Utc(2026, 11, 24, 3, 0));
}

TEST(CronScheduleTest, StepsRangesListsAndNames) {
  auto every_quarter = CronSchedule::Parse("*/15 * * * *");
  ASSERT_TRUE(every_quarter.ok());
  EXPECT_EQ(every_quarter->NextAfter(Utc(2026, 1, 1, 10, 7)), Utc(2026, 1, 1, 10, 15));
  EXPECT_EQ(every_quarter->NextAfter(Utc(2026, 1, 1, 10, 45)), Utc(2026, 1, 1, 11, 0));

  auto weekdays = CronSchedule::Parse("30 9 * * mon-fri");
  ASSERT_TRUE(weekdays.ok());
  // 2026-11-21 is a Saturday: the next weekday is Monday the 23rd.
  EXPECT_EQ(weekdays->NextAfter(Utc(2026, 11, 21, 12, 0)), Utc(2026, 11, 23, 9, 30));

  auto months = CronSchedule::Parse("0 0 1 jan,jul *");
  ASSERT_TRUE(months.ok());
  EXPECT_EQ(months->NextAfter(Utc(2026, 2, 10, 0, 0)), Utc(2026, 7, 1, 0, 0));
}

TEST(CronScheduleTest, AStepLargerThanTheFieldMeansItsFirstValueOnly) {
  // "5/2147483647" overflowed the int that counted 5, 5 + step, ... (undefined behaviour; in
  // practice negative minutes and std::bitset::set throwing out of Parse).
  absl::StatusOr<CronSchedule> cron;
  ASSERT_NO_THROW(cron = CronSchedule::Parse("5/2147483647 * * * *"));
  ASSERT_TRUE(cron.ok()) << cron.status();
  EXPECT_EQ(cron->NextAfter(Utc(2026, 1, 1, 10, 7)), Utc(2026, 1, 1, 11, 5));
  EXPECT_EQ(cron->NextAfter(Utc(2026, 1, 1, 11, 5)), Utc(2026, 1, 1, 12, 5));
}

TEST(CronScheduleTest, BothDayFieldsRestrictedMatchEither) {
  // Vixie cron: the 13th of the month OR any Friday.
  auto cron = CronSchedule::Parse("0 12 13 * 5");
  ASSERT_TRUE(cron.ok());
  // 2026-11-10 is a Tuesday; the next Friday is the 13th anyway, so check a month where they differ.
  EXPECT_EQ(cron->NextAfter(Utc(2026, 12, 1, 0, 0)), Utc(2026, 12, 4, 12, 0));   // Friday 4th
  EXPECT_EQ(cron->NextAfter(Utc(2026, 12, 12, 0, 0)), Utc(2026, 12, 13, 12, 0)); // Sunday 13th
}

TEST(CronScheduleTest, EvaluatesInTheConfiguredTimeZone) {
  auto cron = CronSchedule::Parse("0 3 * * *", "Europe/Berlin");
  ASSERT_TRUE(cron.ok()) << cron.status();
  // 03:00 in Berlin in winter (UTC+1) is 02:00 UTC.
  EXPECT_EQ(cron->NextAfter(Utc(2026, 11, 22, 12, 0)), Utc(2026, 11, 23, 2, 0));
}

TEST(CronScheduleTest, WallTimeSkippedByDaylightSavingFiresAfterTheGap) {
  // Berlin jumps from 02:00 to 03:00 on 2026-03-29: 02:30 does not exist that day.
  auto cron = CronSchedule::Parse("30 2 * * *", "Europe/Berlin");
  ASSERT_TRUE(cron.ok());
  EXPECT_EQ(cron->NextAfter(Utc(2026, 3, 28, 12, 0)), Utc(2026, 3, 29, 1, 0));  // 03:00 CEST
}

TEST(CronScheduleTest, ImpossibleDateNeverFires) {
  auto cron = CronSchedule::Parse("0 0 31 2 *");
  ASSERT_TRUE(cron.ok());
  EXPECT_EQ(cron->NextAfter(Utc(2026, 1, 1, 0, 0)), absl::InfiniteFuture());
}

TEST(CronScheduleTest, RejectsMalformedExpressionsWithAClearMessage) {
  for (const char* bad : {"", "0 3 * *", "61 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *",
                          "*/0 * * * *", "5-1 * * * *", "x * * * *", "0 3 * * * *"}) {
    auto cron = CronSchedule::Parse(bad);
    EXPECT_EQ(cron.status().code(), absl::StatusCode::kInvalidArgument) << "'" << bad << "'";
  }
  EXPECT_EQ(CronSchedule::Parse("0 3 * * *", "Mars/Olympus").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vitrina::server

#pragma once

#include <bitset>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace vitrina::server {

// A classic five-field cron expression ("minute hour day-of-month month day-of-week") evaluated in
// a time zone, e.g. "0 3 * * *" = every day at 03:00. Fields take `*`, numbers, ranges `a-b`,
// steps `*/n` / `a-b/n`, lists `a,b`, and month/day names (jan, mon). As in Vixie cron, when both
// day fields are restricted a day matches if either does.
//
// Written here rather than taken from a library: Debian 12 packages no C++ cron parser, and the
// civil-time arithmetic (DST gaps and repeats) is delegated to absl's time zones.
class CronSchedule {
 public:
  static absl::StatusOr<CronSchedule> Parse(std::string_view expression, std::string_view time_zone = "UTC");

  // The first fire time strictly after `after`. Wall-clock minutes that a DST jump skips fire at
  // the first instant after the gap; a repeated hour fires once.
  absl::Time NextAfter(absl::Time after) const;

  const std::string& expression() const { return expression_; }
  const std::string& time_zone_name() const { return time_zone_name_; }

 private:
  CronSchedule() = default;
  bool DayMatches(const absl::CivilDay& day) const;

  std::string expression_;
  std::string time_zone_name_;
  absl::TimeZone time_zone_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1..31
  std::bitset<13> months_;         // 1..12
  std::bitset<7> days_of_week_;    // 0 = Sunday
  bool day_of_month_restricted_ = false;
  bool day_of_week_restricted_ = false;
};

}  // namespace vitrina::server

#include "server/cron_schedule.h"

#include <array>
#include <vector>

#include "common/parse_number.h"
#include "fmt/format.h"

namespace vitrina::server {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;
  std::array<const char*, 12> names;  // names[i] means min + i
};

constexpr FieldSpec kMinute{"minute", 0, 59, {}};
constexpr FieldSpec kHour{"hour", 0, 23, {}};
constexpr FieldSpec kDayOfMonth{"day-of-month", 1, 31, {}};
constexpr FieldSpec kMonth{"month", 1, 12, {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}};
constexpr FieldSpec kDayOfWeek{"day-of-week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}};

// Splits on `separator`, dropping empty pieces (so runs of spaces count as one).
std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  while (!text.empty()) {
    size_t end = text.find(separator);
    std::string_view piece = text.substr(0, end);
    if (!piece.empty()) pieces.push_back(piece);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return pieces;
}

absl::StatusOr<int> ParseValue(std::string_view text, const FieldSpec& spec) {
  for (size_t i = 0; i < spec.names.size() && spec.names[i] != nullptr; ++i) {
    std::string_view name = spec.names[i];
    if (text.size() == name.size() &&
        std::equal(text.begin(), text.end(), name.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
      return spec.min + static_cast<int>(i);
    }
  }
  const std::optional<int> number = common::ParseNumber<int>(text);
  if (!number) return absl::InvalidArgumentError(fmt::format("cron {}: '{}' is not a number", spec.name, text));
  const int value = *number;
  if (value < spec.min || value > spec.max) {
    return absl::InvalidArgumentError(
        fmt::format("cron {}: {} is outside {}..{}", spec.name, value, spec.min, spec.max));
  }
  return value;
}

// The values one field allows.
absl::StatusOr<std::vector<int>> ParseField(std::string_view field, const FieldSpec& spec) {
  std::vector<int> values;
  for (std::string_view part : Split(field, ',')) {
    std::string_view range = part;
    int step = 1;
    if (size_t slash = part.find('/'); slash != std::string_view::npos) {
      range = part.substr(0, slash);
      std::string_view step_text = part.substr(slash + 1);
      step = common::ParseNumber<int>(step_text).value_or(0);
      if (step <= 0) {
        return absl::InvalidArgumentError(fmt::format("cron {}: bad step '{}'", spec.name, step_text));
      }
    }
    int first = spec.min;
    int last = spec.max;
    if (range != "*") {
      size_t dash = range.find('-');
      auto low = ParseValue(range.substr(0, dash), spec);
      if (!low.ok()) return low.status();
      first = last = *low;
      if (dash != std::string_view::npos) {
        auto high = ParseValue(range.substr(dash + 1), spec);
        if (!high.ok()) return high.status();
        last = *high;
      } else if (step != 1) {
        last = spec.max;  // "5/15" means from 5 to the end in steps of 15
      }
      if (first > last) {
        return absl::InvalidArgumentError(fmt::format("cron {}: empty range '{}'", spec.name, range));
      }
    }
    // 64-bit, as a step may be as large as an int: "5/2147483647" overflowed an int counter.
    for (int64_t v = first; v <= last; v += step) values.push_back(static_cast<int>(v));
  }
  if (values.empty()) return absl::InvalidArgumentError(fmt::format("cron {}: empty field", spec.name));
  return values;
}

}  // namespace

absl::StatusOr<CronSchedule> CronSchedule::Parse(std::string_view expression, std::string_view time_zone) {
  std::vector<std::string_view> fields = Split(expression, ' ');
  if (fields.size() != 5) {
    return absl::InvalidArgumentError(fmt::format(
        "cron expression '{}' must have 5 fields (minute hour day-of-month month day-of-week)", expression));
  }
  CronSchedule schedule;
  schedule.expression_ = std::string(expression);
  schedule.time_zone_name_ = std::string(time_zone);
  if (!absl::LoadTimeZone(std::string(time_zone), &schedule.time_zone_)) {
    return absl::InvalidArgumentError(fmt::format("unknown time zone '{}'", time_zone));
  }

  auto minutes = ParseField(fields[0], kMinute);
  auto hours = ParseField(fields[1], kHour);
  auto days = ParseField(fields[2], kDayOfMonth);
  auto months = ParseField(fields[3], kMonth);
  auto weekdays = ParseField(fields[4], kDayOfWeek);
  for (const auto* parsed : {&minutes, &hours, &days, &months, &weekdays}) {
    if (!parsed->ok()) return parsed->status();
  }
  for (int v : *minutes) schedule.minutes_.set(v);
  for (int v : *hours) schedule.hours_.set(v);
  for (int v : *days) schedule.days_of_month_.set(v);
  for (int v : *months) schedule.months_.set(v);
  for (int v : *weekdays) schedule.days_of_week_.set(v % 7);  // 7 is Sunday too
  schedule.day_of_month_restricted_ = fields[2] != "*";
  schedule.day_of_week_restricted_ = fields[4] != "*";
  return schedule;
}

bool CronSchedule::DayMatches(const absl::CivilDay& day) const {
  bool dom = days_of_month_.test(day.day());
  // absl::Weekday starts at Monday = 0; cron's 0 is Sunday.
  int weekday = (static_cast<int>(absl::GetWeekday(day)) + 1) % 7;
  bool dow = days_of_week_.test(weekday);
  if (day_of_month_restricted_ && day_of_week_restricted_) return dom || dow;
  return dom && dow;
}

absl::Time CronSchedule::NextAfter(absl::Time after) const {
  absl::CivilMinute start = absl::ToCivilMinute(after, time_zone_) + 1;
  absl::CivilMinute t = start;
  // Eight years bound the search: Feb 29 on a given weekday recurs within that span.
  const absl::CivilMinute limit = start + 8 * 366 * 24 * 60;
  while (t < limit) {
    if (!months_.test(t.month())) {
      t = absl::CivilMinute(absl::CivilMonth(t) + 1);
      continue;
    }
    if (!DayMatches(absl::CivilDay(t))) {
      t = absl::CivilMinute(absl::CivilDay(t) + 1);
      continue;
    }
    if (!hours_.test(t.hour())) {
      t = absl::CivilMinute(absl::CivilHour(t) + 1);
      continue;
    }
    if (!minutes_.test(t.minute())) {
      t += 1;
      continue;
    }
    absl::TimeZone::TimeInfo info = time_zone_.At(t);
    // In a DST gap `pre` is the instant the skipped wall time would have had; `trans` is the
    // first real instant after the gap.
    absl::Time fire = info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
    if (fire > after) return fire;
    t += 1;
  }
  return absl::InfiniteFuture();  // e.g. "0 0 31 2 *": February 31st never comes
}

}  // namespace vitrina::server

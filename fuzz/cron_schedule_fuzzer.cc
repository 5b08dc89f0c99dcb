// CronSchedule::Parse and NextAfter. Input (text): the expression on the first line, optionally a
// time zone on the second and a start instant (Unix seconds) on the third.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "common/parse_number.h"
#include "fuzz/fuzz_check.h"
#include "server/cron_schedule.h"

namespace {

std::string_view TakeLine(std::string_view& rest) {
  const size_t end = rest.find('\n');
  const std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return line;
}

// Only names that resolve under the zoneinfo folder: an absolute path or ".." would have absl read
// an arbitrary file (a /dev/ one can block), which is no part of what is under test.
bool IsZoneName(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
  for (char c : name) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                         c == '/' || c == '_' || c == '-' || c == '+';
    if (!allowed) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view expression = TakeLine(rest);
  std::string_view zone = TakeLine(rest);
  if (zone.empty()) zone = "UTC";
  if (!IsZoneName(zone)) return 0;
  // Start instants between 1970 and 2200: the server only ever asks about "now".
  const int64_t seconds = vitrina::common::ParseNumber<int64_t>(TakeLine(rest)).value_or(1'774'000'000);
  if (seconds < 0 || seconds > 7'258'118'400) return 0;

  const auto schedule = vitrina::server::CronSchedule::Parse(expression, zone);
  if (!schedule.ok()) {
    FUZZ_CHECK(schedule.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  FUZZ_CHECK(schedule->expression() == expression);
  const absl::Time start = absl::FromUnixSeconds(seconds);
  const absl::Time fire = schedule->NextAfter(start);
  FUZZ_CHECK(fire > start);
  if (fire == absl::InfiniteFuture()) return 0;
  // `fire` is the first fire time after `start`, so it is also the first after any instant in
  // between, and the next one comes strictly later.
  FUZZ_CHECK(schedule->NextAfter(fire - absl::Nanoseconds(1)) == fire);
  const absl::Time second = schedule->NextAfter(fire);
  FUZZ_CHECK(second > fire);
  return 0;
}

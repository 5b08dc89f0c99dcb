#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "prometheus/collectable.h"

namespace vitrina::server {

// The fields of /proc/<pid>/stat that the process metrics use, in the kernel's units.
struct ProcStat {
  uint64_t cpu_ticks = 0;         // utime + stime, in clock ticks
  uint64_t start_ticks = 0;       // start time after boot, in clock ticks
  uint64_t virtual_bytes = 0;     // vsize
  uint64_t resident_pages = 0;    // rss
};

// std::nullopt when `text` is not a stat line. The command name (field 2) may hold spaces and
// parentheses, so the fields are counted after its last ')'.
std::optional<ProcStat> ParseProcStat(std::string_view text);
// The `btime` line of /proc/stat: boot time in Unix seconds.
std::optional<int64_t> ParseBootTime(std::string_view proc_stat);

// The standard process metrics of Prometheus clients, read from /proc/self at scrape time
// (prometheus-cpp 1.0 has none): process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds, process_start_time_seconds.
// A figure that cannot be read (no /proc) is left out rather than reported as 0.
class ProcessMetrics : public prometheus::Collectable {
 public:
  ProcessMetrics();

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const double ticks_per_second_;
  const double page_bytes_;
  std::optional<double> start_time_seconds_;  // fixed for the process's life: read once
};

}  // namespace vitrina::server

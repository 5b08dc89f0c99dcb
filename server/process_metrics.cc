#include "server/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/parse_number.h"
#include "server/metric_families.h"

namespace vitrina::server {
namespace {

std::optional<std::string> ReadProcFile(const char* path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Entries of /proc/self/fd (the directory stream's own descriptor included, as other clients do).
std::optional<double> OpenFileDescriptors() {
  std::error_code error;
  std::filesystem::directory_iterator entries("/proc/self/fd", error);
  if (error) return std::nullopt;
  double count = 0;
  for (auto it = entries; it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (error) return std::nullopt;
    ++count;
  }
  return count;
}

std::optional<double> MaxFileDescriptors() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return std::nullopt;
  return static_cast<double>(limit.rlim_cur);
}

}  // namespace

std::optional<ProcStat> ParseProcStat(std::string_view text) {
  const size_t name_end = text.rfind(')');
  if (name_end == std::string_view::npos) return std::nullopt;
  // Fields 3 ("state") onwards; the ones wanted are utime 14, stime 15, starttime 22, vsize 23, rss 24.
  std::vector<std::string_view> fields;
  std::string_view rest = text.substr(name_end + 1);
  while (fields.size() < 22) {
    const size_t start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const size_t end = std::min(rest.find_first_of(" \n"), rest.size());
    fields.push_back(rest.substr(0, end));
    rest.remove_prefix(end);
  }
  if (fields.size() < 22) return std::nullopt;
  auto field = [&](int number) { return common::ParseNumber<uint64_t>(fields[number - 3]); };
  std::optional<uint64_t> utime = field(14), stime = field(15), start = field(22), vsize = field(23), rss = field(24);
  if (!utime || !stime || !start || !vsize || !rss) return std::nullopt;
  return ProcStat{*utime + *stime, *start, *vsize, *rss};
}

std::optional<int64_t> ParseBootTime(std::string_view proc_stat) {
  std::istringstream lines{std::string(proc_stat)};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("btime ")) return common::ParseNumber<int64_t>(std::string_view(line).substr(6));
  }
  return std::nullopt;
}

ProcessMetrics::ProcessMetrics()
    : ticks_per_second_(static_cast<double>(sysconf(_SC_CLK_TCK))),
      page_bytes_(static_cast<double>(sysconf(_SC_PAGESIZE))) {
  std::optional<std::string> self = ReadProcFile("/proc/self/stat");
  std::optional<std::string> system = ReadProcFile("/proc/stat");
  std::optional<ProcStat> stat = self ? ParseProcStat(*self) : std::nullopt;
  std::optional<int64_t> boot = system ? ParseBootTime(*system) : std::nullopt;
  if (stat && boot && ticks_per_second_ > 0) {
    start_time_seconds_ = static_cast<double>(*boot) + static_cast<double>(stat->start_ticks) / ticks_per_second_;
  }
}

std::vector<prometheus::MetricFamily> ProcessMetrics::Collect() const {
  std::vector<prometheus::MetricFamily> families;
  std::optional<std::string> text = ReadProcFile("/proc/self/stat");
  if (std::optional<ProcStat> stat = text ? ParseProcStat(*text) : std::nullopt; stat && ticks_per_second_ > 0) {
    families.push_back(CounterFamily("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                                     {{{}, static_cast<double>(stat->cpu_ticks) / ticks_per_second_}}));
    families.push_back(GaugeFamily("process_resident_memory_bytes", "Resident memory size in bytes.",
                                   {{{}, static_cast<double>(stat->resident_pages) * page_bytes_}}));
    families.push_back(GaugeFamily("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                                   {{{}, static_cast<double>(stat->virtual_bytes)}}));
  }
  if (std::optional<double> open = OpenFileDescriptors()) {
    families.push_back(GaugeFamily("process_open_fds", "Number of open file descriptors.", {{{}, *open}}));
  }
  if (std::optional<double> max = MaxFileDescriptors()) {
    families.push_back(GaugeFamily("process_max_fds", "Maximum number of open file descriptors.", {{{}, *max}}));
  }
  if (start_time_seconds_) {
    families.push_back(GaugeFamily("process_start_time_seconds",
                                   "Start time of the process since unix epoch in seconds.",
                                   {{{}, *start_time_seconds_}}));
  }
  return families;
}

}  // namespace vitrina::server

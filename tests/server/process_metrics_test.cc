#include "server/process_metrics.h"

#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <vector>

#include "prometheus/metric_family.h"

namespace vitrina::server {
namespace {

TEST(ProcStatTest, ReadsTheFieldsAfterTheCommandName) {
  // A command name with a space and parentheses, as a process may name itself.
  const char* line =
      "2102 (odd) name (x)) R 2098 2098 10489 0 -1 4194304 100 0 0 0 7 5 0 0 20 0 1 0 72576 3133440 382 "
      "18446744073709551615 93992107290624 93992107310505 140726368782400 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
  std::optional<ProcStat> stat = ParseProcStat(line);
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->cpu_ticks, 12u);  // utime 7 + stime 5
  EXPECT_EQ(stat->start_ticks, 72576u);
  EXPECT_EQ(stat->virtual_bytes, 3133440u);
  EXPECT_EQ(stat->resident_pages, 382u);
}

TEST(ProcStatTest, RefusesWhatIsNotAStatLine) {
  EXPECT_FALSE(ParseProcStat("").has_value());
  EXPECT_FALSE(ParseProcStat("2102 (cat) R 2098 2098").has_value()) << "too few fields";
  EXPECT_FALSE(ParseProcStat("2102 cat R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22").has_value());
  EXPECT_FALSE(ParseProcStat("1 (c) R 1 1 1 0 -1 4 1 0 0 0 x 0 0 0 20 0 1 0 1 1 1 1").has_value()) << "utime x";
}

TEST(ProcStatTest, BootTimeIsTheBtimeLine) {
  EXPECT_EQ(ParseBootTime("cpu  1 2 3\nintr 5\nbtime 1796411275\nprocesses 9\n"), 1796411275);
  EXPECT_FALSE(ParseBootTime("cpu  1 2 3\n").has_value());
}

// The figures of this very process, read from /proc at scrape time.
TEST(ProcessMetricsTest, ReportsThisProcessWithSaneValues) {
  // Burn 60 ms of CPU time (not wall time: a loaded machine may not schedule us), several clock
  // ticks, so that the kernel's tick-sampled CPU time cannot still be 0.
  auto cpu_seconds = [] {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
  };
  volatile double sink = 0;
  for (const double until = cpu_seconds() + 0.06; cpu_seconds() < until;) sink = sink + 1;
  std::map<std::string, prometheus::MetricFamily> families;
  for (prometheus::MetricFamily& family : ProcessMetrics().Collect()) families[family.name] = family;
  auto value = [&](const std::string& name) {
    auto it = families.find(name);
    if (it == families.end() || it->second.metric.size() != 1) {
      ADD_FAILURE() << "no single sample for " << name;
      return -1.0;
    }
    const prometheus::ClientMetric& metric = it->second.metric[0];
    return it->second.type == prometheus::MetricType::Counter ? metric.counter.value : metric.gauge.value;
  };

  EXPECT_EQ(families["process_cpu_seconds_total"].type, prometheus::MetricType::Counter);
  EXPECT_GT(value("process_cpu_seconds_total"), 0);
  EXPECT_LT(value("process_cpu_seconds_total"), 3600);
  EXPECT_GT(value("process_resident_memory_bytes"), 1 << 20);
  EXPECT_LT(value("process_resident_memory_bytes"), 64.0 * (1 << 30));
  EXPECT_GE(value("process_virtual_memory_bytes"), value("process_resident_memory_bytes"));
  EXPECT_GE(value("process_open_fds"), 3);  // stdin, stdout, stderr
  EXPECT_LE(value("process_open_fds"), value("process_max_fds"));
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(value("process_start_time_seconds"), now + 1);
  EXPECT_GT(value("process_start_time_seconds"), now - 3600) << "this test process started within the hour";
}

TEST(ProcessMetricsTest, OpenDescriptorsFollowTheProcess) {
  auto open_fds = [] {
    for (const prometheus::MetricFamily& family : ProcessMetrics().Collect()) {
      if (family.name == "process_open_fds") return family.metric.at(0).gauge.value;
    }
    return -1.0;
  };
  const double before = open_fds();
  int pipe_ends[2];
  ASSERT_EQ(pipe(pipe_ends), 0);
  EXPECT_EQ(open_fds(), before + 2);
  close(pipe_ends[0]);
  close(pipe_ends[1]);
  EXPECT_EQ(open_fds(), before);
}

}  // namespace
}  // namespace vitrina::server

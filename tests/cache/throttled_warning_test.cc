#include "cache/throttled_warning.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "spdlog/sinks/ringbuffer_sink.h"
#include "spdlog/spdlog.h"

namespace vitrina::cache {
namespace {

// Routes the default logger into a buffer for the test's lifetime.
class CapturedLog {
 public:
  CapturedLog()
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100)),
        previous_(spdlog::default_logger()) {
    sink_->set_pattern("%v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink_));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }

  std::vector<std::string> Lines() const { return sink_->last_formatted(); }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(ThrottledWarningTest, LogsOneLinePerIntervalWithTheCountItStandsFor) {
  CapturedLog log;
  ThrottledWarning warning("redis cache", std::chrono::milliseconds(300));

  for (int i = 0; i < 100; ++i) warning.Report("connection refused");
  ASSERT_EQ(log.Lines().size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  warning.Report("connection refused");

  const std::vector<std::string> lines = log.Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("redis cache: connection refused [1 occurrence"), std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find("[100 occurrence"), std::string::npos) << lines[1];
}

}  // namespace
}  // namespace vitrina::cache

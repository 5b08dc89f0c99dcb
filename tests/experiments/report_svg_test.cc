#include "experiments/report_svg.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace vitrina::experiments {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::ExperimentReport TwoArmReport(const std::string& second_arm) {
  v1::ExperimentReport report;
  report.set_experiment("exp");
  report.set_start_unix_micros(1'764'000'000'000'000);
  report.set_end_unix_micros(1'764'086'400'000'000);
  for (const std::string& name : {std::string("control"), second_arm}) {
    auto* arm = report.add_arms();
    arm->set_arm(name);
    arm->set_control(name == "control");
    arm->mutable_consumed_per_session()->set_mean(1.25);
    arm->mutable_consumed_per_session()->set_ci_low(1.0);
    arm->mutable_consumed_per_session()->set_ci_high(1.5);
    arm->mutable_consumed_per_session()->set_users(40);
  }
  auto* point = report.add_lift_over_time();
  point->set_arm(second_arm);
  point->set_time_unix_micros(report.end_unix_micros());
  point->set_computable(true);
  point->set_relative_lift(0.1);
  point->set_lift_ci_low(-0.05);
  point->set_lift_ci_high(0.25);
  return report;
}

TEST(ReportSvgTest, ArmsAreNamedOnTheBarsAndTheLinesWithTheirFigures) {
  const std::string svg = RenderReportSvg(TwoArmReport("treatment"));
  EXPECT_THAT(svg, HasSubstr(">control (control)</text>"));
  EXPECT_THAT(svg, HasSubstr(">treatment</text>"));
  EXPECT_THAT(svg, HasSubstr("1.25 [1, 1.5] n=40"));
  EXPECT_THAT(svg, HasSubstr(">treatment</tspan>"));
  EXPECT_THAT(svg, HasSubstr("+10.00 % [-5.00, +25.00]"));
  EXPECT_THAT(svg, Not(HasSubstr("MISMATCH")));
}

TEST(ReportSvgTest, NamesAreEscaped) {
  const std::string svg = RenderReportSvg(TwoArmReport("a<b & \"c\""));
  EXPECT_THAT(svg, HasSubstr("a&lt;b &amp; &quot;c&quot;"));
  EXPECT_THAT(svg, Not(HasSubstr("a<b")));
}

TEST(ReportSvgTest, ASampleRatioMismatchIsShownAsAWarning) {
  auto report = TwoArmReport("treatment");
  report.mutable_sample_ratio()->set_mismatch(true);
  report.mutable_sample_ratio()->set_p_value(1e-6);
  EXPECT_THAT(RenderReportSvg(report), HasSubstr("MISMATCH: the split or the logging is broken"));
}

}  // namespace
}  // namespace vitrina::experiments

// vitrina-analyze: an experiment's report from the exposure log (docs/EXPERIMENTS.md): per arm
// users, sessions, titles and consumed per session, latency; each arm against control with Welch's
// test, the relative lift's delta-method interval, CUPED, the sample-ratio check; --json writes the
// report (the ExperimentReport message as JSON), --svg its picture.
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "common/atomic_file.h"
#include "experiments/experiment_analysis.h"
#include "experiments/exposure_log_reader.h"
#include "experiments/report_svg.h"
#include "fmt/format.h"
#include "google/protobuf/util/json_util.h"

namespace {

using vitrina::v1::ExperimentReport;

// "control=1,b=1" -> {control: 1, b: 1}
absl::StatusOr<std::map<std::string, double>> ParseWeights(const std::string& text) {
  std::map<std::string, double> weights;
  if (text.empty()) return weights;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t comma = std::min(text.find(',', begin), text.size());
    const std::string item = text.substr(begin, comma - begin);
    const size_t equals = item.find('=');
    char* end = nullptr;
    const std::string number = equals == std::string::npos ? "" : item.substr(equals + 1);
    const double weight = std::strtod(number.c_str(), &end);
    if (equals == std::string::npos || equals == 0 || number.empty() || *end != '\0' || !(weight >= 0)) {
      return absl::InvalidArgumentError(
          fmt::format("--weights: '{}' is not ARM=WEIGHT with a weight >= 0 (e.g. control=1,b=1)", item));
    }
    weights[item.substr(0, equals)] = weight;
    begin = comma + 1;
  }
  return weights;
}

void PrintText(const ExperimentReport& report) {
  fmt::print("experiment {}: {} log files, {} records ({} torn tail bytes, {} corrupt bytes skipped), "
             "{} users in several arms excluded\n",
             report.experiment(), report.log().files(), report.log().records(), report.log().torn_tail_bytes(),
             report.log().corrupt_bytes(), report.log().users_in_several_arms());
  fmt::print("{:<20} {:>7} {:>8} {:>8} {:>26} {:>26} {:>9} {:>9}\n", "arm", "users", "sessions", "answers",
             "titles/session [95% CI]", "consumed/session [95% CI]", "p50 ms", "p99 ms");
  for (const auto& arm : report.arms()) {
    fmt::print("{:<20} {:>7} {:>8} {:>8} {:>26} {:>26} {:>9.3f} {:>9.3f}\n",
               arm.arm() + (arm.control() ? " (c)" : ""), arm.users(), arm.sessions(), arm.answers(),
               fmt::format("{:.4g} [{:.4g}, {:.4g}]", arm.titles_per_session().mean(),
                           arm.titles_per_session().ci_low(), arm.titles_per_session().ci_high()),
               fmt::format("{:.4g} [{:.4g}, {:.4g}]", arm.consumed_per_session().mean(),
                           arm.consumed_per_session().ci_low(), arm.consumed_per_session().ci_high()),
               arm.latency().p50_ms(), arm.latency().p99_ms());
  }
  auto print_comparison = [](const vitrina::v1::Comparison& c) {
    if (!c.computable()) {
      fmt::print("  {} {} vs {}: not computable ({})\n", c.metric(), c.arm(), c.control(), c.note());
      return;
    }
    fmt::print("  {} {} vs {}: diff {:+.4g} [{:+.4g}, {:+.4g}], lift {:+.2f} % [{:+.2f}, {:+.2f}], "
               "t {:.3f}, df {:.1f}, p {:.3g}{}\n",
               c.metric(), c.arm(), c.control(), c.difference(), c.difference_ci_low(), c.difference_ci_high(),
               c.relative_lift() * 100, c.lift_ci_low() * 100, c.lift_ci_high() * 100, c.t_statistic(),
               c.degrees_of_freedom(), c.p_value(), c.significant() ? " SIGNIFICANT" : "");
  };
  fmt::print("comparisons (Welch):\n");
  for (const auto& comparison : report.comparisons()) print_comparison(comparison);
  const auto& cuped = report.cuped();
  if (cuped.note().empty()) {
    fmt::print("CUPED on {} ({} users with a covariate, theta {:.4g}, variance reduced by {:.1f} %):\n",
               cuped.metric(), cuped.users_with_covariate(), cuped.theta(), cuped.variance_reduction() * 100);
    for (const auto& comparison : cuped.comparisons()) print_comparison(comparison);
  } else {
    fmt::print("CUPED: {}\n", cuped.note());
  }
  const auto& ratio = report.sample_ratio();
  fmt::print("sample ratio: chi-square {:.4g}, df {}, p {:.3g}{}\n", ratio.chi_square(),
             ratio.degrees_of_freedom(), ratio.p_value(),
             ratio.mismatch() ? "  MISMATCH (p < 0.001): the split or the logging is broken" : "");
}

absl::Status WriteOutput(const std::string& path, const std::string& contents) {
  if (path == "-") {
    std::fwrite(contents.data(), 1, contents.size(), stdout);
    return absl::OkStatus();
  }
  return vitrina::common::WriteFileAtomically(path, contents);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Analyses one experiment of the exposure log (docs/EXPERIMENTS.md): per-arm metrics with the user as "
      "the unit, Welch tests against control, relative lift (delta method), CUPED, sample-ratio check."};
  std::vector<std::string> log_dirs;
  std::string json_path, svg_path, weights_text;
  vitrina::experiments::AnalysisOptions options;
  bool quiet = false;
  app.add_option("--log-dir", log_dirs,
                 "Exposure log folder; repeat it for one folder per replica (docs/EXPERIMENTS.md)")
      ->required()
      ->check(CLI::ExistingDirectory);
  app.add_option("--experiment", options.experiment, "Experiment name (default: the only one in the log)");
  app.add_option("--control", options.control, "Control arm (default: the arm the log marks as control)");
  app.add_option("--weights", weights_text,
                 "Configured arm weights for the sample-ratio check, e.g. control=1,b=1 (default: from the log)");
  app.add_option("--lift-points", options.lift_points, "Times at which the cumulative lift is computed")
      ->check(CLI::Range(1, 10'000));
  double window_hours = 24;
  app.add_option("--consumption-window-hours", window_hours,
                 "A title GetUserRecommendations showed counts as consumed within this long after the answer")
      ->check(CLI::Range(0.0, 24.0 * 365));
  app.add_option("--json", json_path, "Write the report as JSON to this file ('-' for stdout)");
  app.add_option("--svg", svg_path, "Write the report's picture (SVG) to this file");
  app.add_flag("--quiet", quiet, "No text report on stdout");
  CLI11_PARSE(app, argc, argv);

  options.consumption_window_micros = static_cast<int64_t>(window_hours * 3600e6);
  const auto weights = ParseWeights(weights_text);
  if (!weights.ok()) {
    fmt::print(stderr, "vitrina-analyze: {}\n", std::string(weights.status().message()));
    return 2;
  }
  options.weights = *weights;

  vitrina::experiments::ExperimentAnalysis analysis;
  vitrina::experiments::LogReadStats read;
  for (const auto& log_dir : log_dirs) {
    const int64_t files_before = read.files;
    if (const auto status = vitrina::experiments::ReadLogFolder(
            log_dir, [&](const vitrina::v1::ExposureLogRecord& record) { analysis.Add(record); }, read);
        !status.ok()) {
      fmt::print(stderr, "vitrina-analyze: {}\n", std::string(status.message()));
      return 1;
    }
    if (read.files == files_before) {
      fmt::print(stderr, "vitrina-analyze: no exposure log files (exposures-*.vxl) in {}\n", log_dir);
      return 1;
    }
  }
  const auto report = analysis.Report(options, read);
  if (!report.ok()) {
    fmt::print(stderr, "vitrina-analyze: {}\n", std::string(report.status().message()));
    return 1;
  }
  if (!json_path.empty()) {
    google::protobuf::util::JsonPrintOptions json;
    json.preserve_proto_field_names = true;
    json.always_print_primitive_fields = true;
    json.add_whitespace = true;
    std::string text;
    (void)google::protobuf::util::MessageToJsonString(*report, &text, json);
    if (const auto written = WriteOutput(json_path, text + "\n"); !written.ok()) {
      fmt::print(stderr, "vitrina-analyze: --json: {}\n", std::string(written.message()));
      return 1;
    }
  }
  if (!svg_path.empty()) {
    if (const auto written = WriteOutput(svg_path, vitrina::experiments::RenderReportSvg(*report)); !written.ok()) {
      fmt::print(stderr, "vitrina-analyze: --svg: {}\n", std::string(written.message()));
      return 1;
    }
  }
  if (!quiet && json_path != "-" && svg_path != "-") PrintText(*report);
  return 0;
}

#include "experiments/report_svg.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <vector>

#include "fmt/format.h"

namespace vitrina::experiments {
namespace {

constexpr double kWidth = 880;
constexpr double kLeft = 170;   // room for arm names left of the bars
constexpr double kRight = 220;  // room for values / arm names right of the plots
constexpr double kBarHeight = 22;
constexpr double kBarGap = 10;
constexpr const char* kColors[] = {"#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860"};

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

const char* Color(size_t index) { return kColors[index % std::size(kColors)]; }

std::string UtcTime(int64_t unix_micros) {
  const std::time_t seconds = static_cast<std::time_t>(unix_micros / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:02}-{:02} {:02}:{:02}", utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min);
}

// Horizontal bars of one metric per arm with interval whiskers; returns the height used.
double DrawMeans(const v1::ExperimentReport& report, const std::string& title,
                 const v1::MetricSummary& (*metric)(const v1::ArmSummary&), double top, std::string& svg) {
  double high = 0;
  for (const auto& arm : report.arms()) high = std::max({high, metric(arm).ci_high(), metric(arm).mean()});
  if (!(high > 0)) high = 1;
  const double plot_width = kWidth - kLeft - kRight;
  svg += fmt::format(R"(<text x="10" y="{}" class="title">{}</text>)" "\n", top + 16, Escape(title));
  double y = top + 30;
  for (int i = 0; i < report.arms_size(); ++i) {
    const auto& arm = report.arms(i);
    const auto& value = metric(arm);
    const double bar = plot_width * std::max(0.0, value.mean()) / high;
    const double low_x = kLeft + plot_width * std::max(0.0, value.ci_low()) / high;
    const double high_x = kLeft + plot_width * std::max(0.0, value.ci_high()) / high;
    const double middle = y + kBarHeight / 2;
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end" class="arm">{}{}</text>)" "\n", kLeft - 8,
                       middle + 4, Escape(arm.arm()), arm.control() ? " (control)" : "");
    svg += fmt::format(R"(<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}" fill-opacity="0.75"/>)" "\n",
                       kLeft, y, bar, kBarHeight, Color(static_cast<size_t>(i)));
    svg += fmt::format(
        R"(<path d="M{0:.1f} {1} H{2:.1f} M{0:.1f} {3} V{4} M{2:.1f} {3} V{4}" stroke="#222" stroke-width="1.5"/>)"
        "\n",
        low_x, middle, high_x, y + 4, y + kBarHeight - 4);
    svg += fmt::format(R"(<text x="{}" y="{}" class="value">{:.4g} [{:.4g}, {:.4g}] n={}</text>)" "\n",
                       std::max(high_x, kLeft + bar) + 8, middle + 4, value.mean(), value.ci_low(),
                       value.ci_high(), value.users());
    y += kBarHeight + kBarGap;
  }
  return y - top + 10;
}

// Cumulative lift per arm (line) with its interval (band), 0 marked; returns the height used.
double DrawLift(const v1::ExperimentReport& report, double top, std::string& svg) {
  const double height = 240;
  const double plot_top = top + 30;
  const double plot_bottom = plot_top + height;
  const double plot_width = kWidth - kLeft - kRight;
  svg += fmt::format(R"(<text x="10" y="{}" class="title">Cumulative lift of consumed per session over {} (95 % interval)</text>)" "\n",
                     top + 16, Escape(report.arms_size() > 0 ? report.arms(0).arm() : "control"));
  double low = 0, high = 0;
  int64_t first = report.start_unix_micros(), last = report.end_unix_micros();
  for (const auto& point : report.lift_over_time()) {
    if (!point.computable()) continue;
    low = std::min(low, point.lift_ci_low());
    high = std::max(high, point.lift_ci_high());
  }
  if (high - low < 1e-9) { low -= 0.05; high += 0.05; }
  const double pad = (high - low) * 0.05;
  low -= pad;
  high += pad;
  if (last <= first) last = first + 1;
  auto x_of = [&](int64_t t) {
    return kLeft + plot_width * static_cast<double>(t - first) / static_cast<double>(last - first);
  };
  auto y_of = [&](double lift) { return plot_bottom - height * (lift - low) / (high - low); };

  svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#bbb"/>)" "\n", kLeft,
                     plot_top, plot_width, height);
  svg += fmt::format(R"(<text x="{}" y="{:.1f}" text-anchor="end" class="axis">0 %</text>)" "\n", kLeft - 6,
                     y_of(0) + 4);
  for (int tick = 0; tick <= 4; ++tick) {
    const double lift = low + (high - low) * tick / 4;
    if (std::abs(y_of(lift) - y_of(0)) < 14) continue;  // the 0 label is there
    svg += fmt::format(R"(<text x="{}" y="{:.1f}" text-anchor="end" class="axis">{:+.1f} %</text>)" "\n",
                       kLeft - 6, y_of(lift) + 4, lift * 100);
  }
  svg += fmt::format(R"(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#555" stroke-dasharray="4 3"/>)" "\n",
                     kLeft, kLeft + plot_width, y_of(0), y_of(0));
  svg += fmt::format(R"(<text x="{}" y="{}" class="axis">{} UTC</text>)" "\n", kLeft, plot_bottom + 16,
                     UtcTime(first));
  svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end" class="axis">{} UTC</text>)" "\n",
                     kLeft + plot_width, plot_bottom + 16, UtcTime(last));

  // End-of-line labels (arm name, then the final lift and interval), pushed apart so that close
  // lines keep readable labels.
  struct EndLabel {
    double y;
    const char* color;
    std::string tspans;
  };
  std::vector<EndLabel> labels;
  for (int a = 1; a < report.arms_size(); ++a) {
    const std::string& name = report.arms(a).arm();
    std::vector<const v1::LiftPoint*> points;
    for (const auto& point : report.lift_over_time()) {
      if (point.arm() == name && point.computable()) points.push_back(&point);
    }
    if (points.empty()) continue;
    std::string band, line;
    for (const auto* point : points) {
      band += fmt::format("{}{:.1f} {:.1f} ", band.empty() ? "M" : "L", x_of(point->time_unix_micros()),
                          y_of(point->lift_ci_high()));
      line += fmt::format("{}{:.1f} {:.1f} ", line.empty() ? "M" : "L", x_of(point->time_unix_micros()),
                          y_of(point->relative_lift()));
    }
    for (auto it = points.rbegin(); it != points.rend(); ++it) {
      band += fmt::format("L{:.1f} {:.1f} ", x_of((*it)->time_unix_micros()), y_of((*it)->lift_ci_low()));
    }
    const char* color = Color(static_cast<size_t>(a));
    svg += fmt::format(R"(<path d="{}Z" fill="{}" fill-opacity="0.18" stroke="none"/>)" "\n", band, color);
    svg += fmt::format(R"(<path d="{}" fill="none" stroke="{}" stroke-width="2"/>)" "\n", line, color);
    const auto* end = points.back();
    labels.push_back({y_of(end->relative_lift()), color,
                      fmt::format(R"(<tspan x="{0:.1f}" class="arm" font-weight="bold">{1}</tspan>)"
                                  R"(<tspan x="{0:.1f}" dy="15" class="value">{2:+.2f} % [{3:+.2f}, {4:+.2f}]</tspan>)",
                                  x_of(end->time_unix_micros()) + 6, Escape(name), end->relative_lift() * 100,
                                  end->lift_ci_low() * 100, end->lift_ci_high() * 100)});
  }
  std::sort(labels.begin(), labels.end(), [](const EndLabel& a, const EndLabel& b) { return a.y < b.y; });
  double previous = -1e9;
  for (auto& label : labels) {
    label.y = std::max(label.y, previous + 34);
    previous = label.y;
    svg += fmt::format(R"(<text y="{:.1f}" fill="{}">{}</text>)" "\n", label.y, label.color, label.tspans);
  }
  return plot_bottom - top + 30;
}

}  // namespace

std::string RenderReportSvg(const v1::ExperimentReport& report) {
  std::string body;
  double y = 40;
  y += DrawMeans(report, "Consumed per session (titles' worth; per-user mean, 95 % interval)",
                 [](const v1::ArmSummary& arm) -> const v1::MetricSummary& { return arm.consumed_per_session(); },
                 y, body);
  y += DrawMeans(report, "Titles shown per session (per-user mean, 95 % interval)",
                 [](const v1::ArmSummary& arm) -> const v1::MetricSummary& { return arm.titles_per_session(); },
                 y, body);
  y += DrawLift(report, y, body);
  const auto& ratio = report.sample_ratio();
  body += fmt::format(R"(<text x="10" y="{}" class="{}">Sample ratio check: chi-square {:.3g}, p = {:.3g}{}</text>)" "\n",
                      y + 10, ratio.mismatch() ? "alert" : "axis", ratio.chi_square(), ratio.p_value(),
                      ratio.mismatch() ? " - MISMATCH: the split or the logging is broken, do not trust the lifts" : "");
  y += 30;
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1:.0f}" viewBox="0 0 {0} {1:.0f}" font-family="sans-serif">)"
      "\n<style>.title{{font-size:15px;font-weight:bold}} .arm{{font-size:13px}} .value{{font-size:12px}}"
      " .axis{{font-size:11px;fill:#444}} .alert{{font-size:13px;fill:#b00;font-weight:bold}}</style>\n"
      R"(<rect width="100%" height="100%" fill="white"/>)" "\n"
      R"(<text x="10" y="24" class="title">Experiment {2}</text>)" "\n",
      kWidth, y, Escape(report.experiment()));
  svg += body;
  svg += "</svg>\n";
  return svg;
}

}  // namespace vitrina::experiments

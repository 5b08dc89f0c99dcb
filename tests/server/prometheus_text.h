#pragma once

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

namespace vitrina::server::testing {

using LabelSet = std::map<std::string, std::string>;

// A series as `name{a="1",b="2"}` with its labels sorted by name (the exposition may give them
// in any order), or just `name` when it has none.
inline std::string SeriesKey(std::string_view name, const LabelSet& labels = {}) {
  std::string key(name);
  if (labels.empty()) return key;
  key += '{';
  for (const auto& [label, value] : labels) {
    if (key.back() != '{') key += ',';
    key += label + "=\"" + value + "\"";
  }
  return key + '}';
}

// What a scrape holds: samples by SeriesKey, and each family's TYPE.
struct Exposition {
  std::map<std::string, double> samples;
  std::map<std::string, std::string> types;

  bool Has(std::string_view name, const LabelSet& labels = {}) const {
    return samples.contains(SeriesKey(name, labels));
  }
  // The sample's value; -1 (and a test failure) when the series is missing.
  double Value(std::string_view name, const LabelSet& labels = {}) const {
    auto it = samples.find(SeriesKey(name, labels));
    if (it != samples.end()) return it->second;
    ADD_FAILURE() << "no series " << SeriesKey(name, labels);
    return -1;
  }
};

// Parses the Prometheus text format 0.0.4, failing the test on a line that is neither a comment
// nor `name{label="value",...} value` (label values escaped as the format says), on a sample of
// a family without a TYPE line before it, and on a series given twice (Prometheus refuses the
// whole scrape then).
inline Exposition ParsePrometheusText(const std::string& text) {
  static const std::regex kSample(R"re(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+))re");
  static const std::regex kLabel(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)",?)re");
  Exposition exposition;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("# TYPE ")) {
      std::istringstream words(line.substr(7));
      std::string family, type;
      words >> family >> type;
      EXPECT_TRUE(std::set<std::string>({"counter", "gauge", "histogram", "summary", "untyped"}).contains(type))
          << line;
      exposition.types[family] = type;
      continue;
    }
    if (line.empty() || line.starts_with('#')) continue;
    std::smatch sample;
    if (!std::regex_match(line, sample, kSample)) {
      ADD_FAILURE() << "not a Prometheus sample: '" << line << "'";
      continue;
    }
    const std::string name = sample[1];
    LabelSet labels;
    std::string label_text = sample[3];
    for (std::smatch label; std::regex_search(label_text, label, kLabel); label_text = label.suffix()) {
      EXPECT_EQ(label.position(0), 0) << "stray text in the labels of '" << line << "'";
      EXPECT_TRUE(labels.emplace(label[1], label[2]).second) << "label given twice in '" << line << "'";
    }
    EXPECT_TRUE(label_text.empty()) << "malformed labels in '" << line << "'";

    const std::string value = sample[4];
    double number = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    EXPECT_TRUE(error == std::errc() && end == value.data() + value.size() && std::isfinite(number))
        << "not a finite value: '" << line << "'";

    std::string family = name;
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (!exposition.types.contains(family) && family.ends_with(suffix)) family.resize(family.size() - suffix.size());
    }
    EXPECT_TRUE(exposition.types.contains(family)) << "no TYPE line before '" << line << "'";
    const std::string key = SeriesKey(name, labels);
    EXPECT_FALSE(exposition.samples.contains(key)) << "series given twice: '" << key << "'";
    exposition.samples[key] = number;
  }
  return exposition;
}

}  // namespace vitrina::server::testing

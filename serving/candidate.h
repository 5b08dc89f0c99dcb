#pragma once

#include <cstdint>
#include <string_view>

namespace vitrina::serving {

// One title an answer may hold, whatever produced it. Every source and step of the answer path
// speaks this type, so that sources, filters, rankings and picks combine freely.
struct Candidate {
  int64_t title_id = 0;
  float score = 0;
  // The CandidateSource::name() of the source that produced it (static storage).
  std::string_view source{};
  // The probability with which a random pick chose this title (1 for a deterministic choice):
  // what an off-policy evaluation of the answer needs.
  double probability = 1.0;
};

}  // namespace vitrina::serving

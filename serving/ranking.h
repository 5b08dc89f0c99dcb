#pragma once

#include <vector>

#include "serving/candidate.h"
#include "serving/candidate_filter.h"

namespace vitrina::serving {

// The ranking step: candidates (from one source or several) best score first, a title kept once
// (its best-ranked entry), cut to k. Equal scores keep their sources' order, so one source's
// ranking passes through unchanged.
std::vector<Candidate> RankAndCut(std::vector<Candidate> candidates, int k);

// Drops the candidates `filter` rejects, keeping the order: for ranked lists filtered again after
// they were computed (a cached answer checked against today's blacklist).
void DropRejected(std::vector<Candidate>& candidates, const CandidateFilter& filter);

}  // namespace vitrina::serving

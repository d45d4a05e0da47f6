// Rule R4's runs: a training run over a duty's threshold is reported for the
// quarter. "Over" is strict (the rules say "more than"). A run whose best
// estimate is over it is reportable as likely; one whose upper bound alone is,
// as possible, for the officer to settle with better evidence. Runs mainly on
// biological sequence data have their own, lower threshold where the profile
// keeps EO 14110's duty.
#pragma once

#include <string>
#include <vector>

#include "detectors/estimate.h"
#include "detectors/levels.h"
#include "detectors/reporting_policy.h"
#include "redflag/v1/common.pb.h"

namespace redflag::detectors {

struct ReportableRun {
  std::string duty;  // "runs" or "biological_sequence_runs"
  double threshold = 0;
  Likelihood likelihood = Likelihood::kPossible;
  DutySource source = {};
};

// Every duty the run is reportable under (none, one, or both for a large
// biological-sequence run), the lower threshold first.
std::vector<ReportableRun> ReportableUnder(const Interval& ops, v1::WorkloadKind workload,
                                           const ReportingPolicy& policy);

}  // namespace redflag::detectors

// The evidence behind an alert's operations figure: the subject's estimate
// at the moment the alert is written and every job it adds up (largest
// first), each with its accelerator, accelerator-seconds, bounds and the
// arithmetic of its best method, so an analyst can recompute the figure
// from the alert alone, even after the jobs have moved on.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "daemon/compute/compute_view.h"
#include "redflag/v1/alerts.pb.h"

namespace redflag {

// Jobs listed one by one; the rest are summed in "jobs_not_listed".
inline constexpr int kEvidenceJobsListed = 25;

// `kind` is "model", "customer" or "parent". Sets operations_lower/best/upper
// to the report's figures (the same snapshot as the jobs) and adds a "job"
// entry per contributing job. Never fails the alert: a report that cannot
// be made is noted in "jobs".
absl::Status AddEstimateEvidence(const ComputeView& view, const std::string& kind,
                                 const std::string& id, v1::Alert& alert);

}  // namespace redflag

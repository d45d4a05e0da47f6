// A decision of detectors/ (job or egress) as the API's Decision: verdict,
// reasons, policy profile, how long it may be cached, and the summary (the
// verdict and the strongest reason) a person reads.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "detectors/job_decision.h"
#include "redflag/v1/decisions.pb.h"

namespace redflag {

v1::Decision ToDecision(const detectors::JobDecision& d, const std::string& policy_profile,
                        absl::Time cache_until);

}  // namespace redflag

// How `redflagctl compute show` prints an estimate for a person: the figure,
// the levels it reached, the lineage, then every job with every method's
// arithmetic, so the analyst can recompute it by hand.
#pragma once

#include <string>

#include "redflag/v1/compute.pb.h"

namespace redflag::cli {

std::string FormatEstimateReport(const redflag::v1::EstimateReport& report);

}  // namespace redflag::cli

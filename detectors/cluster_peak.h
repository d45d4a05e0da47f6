// Rule R4's cluster arithmetic: a cluster's theoretical peak is the sum over
// its accelerators of each one's fastest dense figure in the catalog (no
// sparsity, integer or floating point: proposed 15 CFR 702.7's "theoretical
// maximum performance ... without sparsity"), and it is reportable when that
// peak and its interconnect are both over the duty's thresholds.
#pragma once

#include "detectors/catalog.h"
#include "detectors/reporting_policy.h"
#include "redflag/v1/clusters.pb.h"

namespace redflag::detectors {

// The lines, the peak, both comparisons and the arithmetic in one line.
// A model the catalog does not know counts at the catalog's fastest entry,
// and a family name ("h100") at its fastest variant, so that a gap in the
// catalog can only over-report; each such line says so in its note.
v1::ClusterAssessment AssessCluster(const v1::Cluster& cluster, const Catalog& catalog,
                                    const ClusterDuty& duty);

// "clusters over 1e+20 OP/s at more than 300 Gbit/s (proposed: <citation>)",
// or that the profile has no cluster duty.
std::string ClusterDutyText(const ClusterDuty& duty);

}  // namespace redflag::detectors

// The quarterly report's sections of the reporting duties (R4; R5's records
// join them): the duties of the policy profile in force at the quarter's end,
// the runs over a run duty's threshold that ran in the quarter, and the
// clusters of the inventory in effect in it. Each is read as of the quarter,
// so a later profile or inventory change leaves the report as it was.
#pragma once

#include <map>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "daemon/clusters/cluster_inventory.h"
#include "daemon/compute/compute_view.h"
#include "daemon/config/policy_profile.h"
#include "daemon/records/record_store.h"
#include "daemon/reports/quarterly_report.h"
#include "redflag/v1/reports.pb.h"

namespace redflag {

// The profile of the last in_force "policy" record in `report.in_force()`
// (the audit sections are added first), or `fallback` when there is none.
PolicyProfile ProfileInForce(const v1::QuarterlyReport& report, const PolicyProfile& fallback);

// Adds reporting_profile, duties, runs, clusters and foreign-person records.
// `eval`: the figures as of the quarter's end with each lineage's jobs;
// `active`: the jobs that ran in the quarter; `clusters` and `records` may be
// null (none kept); `now` bounds a running quarter's "overdue".
absl::Status AddReportingSections(const Quarter& q, const PolicyProfile& profile,
                                  const ComputeEvaluation& eval,
                                  const std::set<std::string>& active, ClusterInventory* clusters,
                                  RecordStore* records, absl::Time now,
                                  v1::QuarterlyReport& report);

}  // namespace redflag

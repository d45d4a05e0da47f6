// Rule biological_sequence_run (R4 under the EO 14110 profile): a training
// job declared as mainly on biological sequence data whose operations are over
// the duty's threshold (1e23) is a run to report for its quarter; the alert
// tells the compliance officer before the report does. Each compute pass.
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/compute/compute_view.h"
#include "detectors/reporting_policy.h"

namespace redflag {

class BiologicalSequenceRuns {
 public:
  BiologicalSequenceRuns(AlertStore& alerts, detectors::ReportingPolicy policy)
      : recorder_(alerts), policy_(std::move(policy)) {}

  absl::Status Evaluate(const ComputeEvaluation& eval, absl::Time now);

 private:
  AlertRecorder recorder_;
  const detectors::ReportingPolicy policy_;
};

}  // namespace redflag

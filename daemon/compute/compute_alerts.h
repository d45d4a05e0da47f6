// Turns compute figures into stored alerts (evaluated on the daemon's
// compute timer, daemon/compute/compute_pass.h): a level a model
// lineage or customer reached (rule compute_level), a projected crossing of
// the highest level (compute_projection), and data-quality findings of jobs
// (data_quality). Idempotent: an alert is keyed by rule, subject and level,
// and stored again only when what it says changes (possible -> likely), so a
// restart or a re-evaluation raises nothing twice.
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/alerts/alert_store.h"
#include "daemon/compute/compute_view.h"
#include "detectors/levels.h"

namespace redflag {

class ComputeAlerts {
 public:
  ComputeAlerts(const ComputeView& view, AlertStore& alerts, absl::Duration horizon);

  // One evaluation; `now` dates projections and detections.
  absl::Status EvaluateOnce(absl::Time now);
  // The same from figures computed once for every detector that needs them.
  absl::Status Evaluate(const ComputeEvaluation& eval, absl::Time now);

 private:
  const ComputeView& view_;
  AlertRecorder recorder_;
  const absl::Duration horizon_;
};

}  // namespace redflag

// Rule structuring (R6): accounts linked by shared payment instruments,
// contacts, owners, parents, declarations or checkpoints (detectors/
// account_links.h) whose combined operations reach a compute level that no
// member reaches alone; and rule cross_account_checkpoint: a job that trains
// from a checkpoint produced in another customer's account. On the compute timer.
// Training adds up over a rolling window (policy.structuring_window): for a
// group whose all-time training could cross a level, each member's training
// in the window is the job totals less the per-day totals of the days before
// it.
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/compute/compute_view.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/ledger/ledger.h"

namespace redflag {

class Structuring {
 public:
  Structuring(const ComputeView& view, Ledger& ledger, CustomerRegistry& customers,
              AlertStore& alerts, absl::Duration window);

  absl::Status EvaluateOnce(absl::Time now);
  // The same from figures computed once for every detector that needs them.
  absl::Status Evaluate(const ComputeEvaluation& eval, absl::Time now);

 private:
  // Each account's training operations since `start`, from the jobs as they
  // stand after a checkpoint (so that the per-day totals are complete).
  absl::StatusOr<std::map<std::string, detectors::Interval>> TrainingSince(absl::Time start);

  const ComputeView& view_;
  Ledger& ledger_;
  const absl::Duration window_;
  CustomerRegistry& customers_;
  AlertRecorder recorder_;
};

}  // namespace redflag

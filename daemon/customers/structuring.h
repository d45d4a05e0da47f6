// Rule structuring (R6): accounts linked by shared payment instruments,
// contacts, owners, parents, declarations or checkpoints (detectors/
// account_links.h) whose combined operations reach a compute level that no
// member reaches alone; and rule cross_account_checkpoint: a job that trains
// from a checkpoint produced in another customer's account. On the compute timer.
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
  Structuring(const ComputeView& view, const Ledger& ledger, CustomerRegistry& customers,
              AlertStore& alerts);

  absl::Status EvaluateOnce(absl::Time now);
  // The same from figures computed once for every detector that needs them.
  absl::Status Evaluate(const ComputeEvaluation& eval, absl::Time now);

 private:
  const ComputeView& view_;
  const Ledger& ledger_;
  CustomerRegistry& customers_;
  AlertRecorder recorder_;
};

}  // namespace redflag

// Rule cluster_inventory_mismatch (R4's data quality): a job that names a
// cluster of the inventory but holds more accelerators of its model than the
// cluster had when the job started (detectors/cluster_fit.h) means the
// inventory or the job's spec is wrong, and the cluster's reported peak is
// not to be trusted. One alert per cluster, with the jobs as evidence. On a
// timer.
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/clusters/cluster_inventory.h"
#include "daemon/ledger/ledger.h"
#include "daemon/util/periodic.h"

namespace redflag {

class ClusterFitAlerts {
 public:
  ClusterFitAlerts(const Ledger& ledger, ClusterInventory& clusters, AlertStore& alerts)
      : ledger_(ledger), clusters_(clusters), recorder_(alerts) {}

  absl::Status EvaluateOnce(absl::Time now);
  void Start(absl::Duration interval);

 private:
  const Ledger& ledger_;
  ClusterInventory& clusters_;
  AlertRecorder recorder_;
  std::unique_ptr<Periodic> timer_;  // last: stops before the rest goes
};

}  // namespace redflag

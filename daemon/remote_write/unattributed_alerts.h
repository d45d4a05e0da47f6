// Raises unattributed_compute (detectors/unattributed_compute.h) for each
// cluster whose holding account has grown over the policy's amount or share,
// every compute.evaluation_interval, with the busiest unattributed GPUs (node,
// UUID, pod, why) as evidence.
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/util/periodic.h"
#include "detectors/unattributed_compute.h"

namespace redflag {

class Ledger;
class RemoteWriteReceiver;

class UnattributedAlerts {
 public:
  UnattributedAlerts(const RemoteWriteReceiver& receiver, const Ledger& ledger, AlertStore& alerts,
                     detectors::UnattributedPolicy policy, absl::Duration interval);

  absl::Status Evaluate(absl::Time now);

  static constexpr size_t kGpusInEvidence = 10;

 private:
  const RemoteWriteReceiver& receiver_;
  const Ledger& ledger_;
  const detectors::UnattributedPolicy policy_;
  AlertRecorder recorder_;
  std::unique_ptr<Periodic> timer_;  // last: stops before the rest goes
};

}  // namespace redflag

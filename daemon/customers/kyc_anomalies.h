// Rule kyc_anomaly (R11/R12): each customer's profile, its largest job and
// its officers screened against the restricted-party lists, scored with the
// configured weights (detectors/kyc_score.h); a score at the threshold is a
// finding whose evidence is every contributing flag. On a timer.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/config/config.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/ledger/ledger.h"
#include "daemon/screening/party_lists.h"
#include "daemon/util/periodic.h"
#include "detectors/kyc_score.h"

namespace redflag {

class KycAnomalies {
 public:
  KycAnomalies(const Ledger& ledger, CustomerRegistry& customers, const PartyLists& lists,
               AlertStore& alerts, const KycConfig& config);

  absl::Status EvaluateOnce(absl::Time now);
  void Start(absl::Duration interval);

 private:
  const Ledger& ledger_;
  CustomerRegistry& customers_;
  const PartyLists& lists_;
  AlertRecorder recorder_;
  detectors::KycWeights weights_;
  const double threshold_;
  // What each customer was last judged on (profile version, largest job,
  // list versions): unchanged customers are not scored again.
  std::map<std::string, std::string> judged_;
  std::unique_ptr<Periodic> timer_;  // last: stops before the rest goes
};

}  // namespace redflag

// Rule dedicated_capacity_licence (R3, detectors/dedicated_capacity.h) over
// the ledger's jobs: one customer-level alert per adversary-linked customer
// holding dedicated 3A090/4A090-class capacity, with the jobs as evidence.
// In force under every policy profile (the headquarters-based licence
// requirement stands on its own). Resolving the alert as licence_obtained
// lifts the same reason from DecisionService.CheckJob. On a timer.
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/ledger/ledger.h"
#include "daemon/util/periodic.h"
#include "detectors/catalog.h"
#include "detectors/country_policy.h"

namespace redflag {

class DedicatedCapacityAlerts {
 public:
  DedicatedCapacityAlerts(const Ledger& ledger, CustomerRegistry& customers, AlertStore& alerts,
                          std::shared_ptr<const detectors::CountryPolicy> policy,
                          std::shared_ptr<const detectors::Catalog> catalog,
                          int max_ownership_depth);

  absl::Status EvaluateOnce(absl::Time now);
  void Start(absl::Duration interval);

 private:
  const Ledger& ledger_;
  CustomerRegistry& customers_;
  AlertRecorder recorder_;
  const std::shared_ptr<const detectors::CountryPolicy> policy_;
  const std::shared_ptr<const detectors::Catalog> catalog_;
  const int max_ownership_depth_;
  std::unique_ptr<Periodic> timer_;  // last: stops before the rest goes
};

}  // namespace redflag

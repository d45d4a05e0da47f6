// Access events of customers' accounts, kept per customer in time order,
// and rule access_geography (R7): after each batch, every customer it
// concerns is judged over the configured window. A customer headquartered
// (or ultimately owned) in D:5 or Macau is left to adversary_linked_training;
// one without a profile has no declared headquarters to contradict.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/config/config.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/storage/store.h"
#include "detectors/access_geography.h"
#include "detectors/country_policy.h"
#include "redflag/v1/access.pb.h"

namespace redflag {

class AccessLog {
 public:
  AccessLog(Store& store, bool sync, CustomerRegistry& customers, AlertStore& alerts,
            std::shared_ptr<const detectors::CountryPolicy> policy, const PolicyConfig& config);

  // Stores validated events (the same event twice is kept once), then judges
  // each customer they concern at `now`.
  absl::StatusOr<uint32_t> Record(const v1::RecordAccessRequest& request, absl::Time now);

  // The customer's events from `from` to `to` (both included), oldest first,
  // until `fn` returns false.
  absl::Status Events(const std::string& customer_id, absl::Time from, absl::Time to,
                      const std::function<bool(const v1::AccessEvent&)>& fn);

  // The customer's access over the window ending at `now`.
  absl::StatusOr<v1::AccessSummary> Summary(const std::string& customer_id, absl::Time now);

 private:
  absl::StatusOr<detectors::AccessTally> Tally(const std::string& customer_id, absl::Time now);
  absl::Status Judge(const std::string& customer_id, absl::Time now);

  Store& store_;
  const bool sync_;
  CustomerRegistry& customers_;
  AlertRecorder recorder_;
  const std::shared_ptr<const detectors::CountryPolicy> policy_;
  const absl::Duration window_;
  const detectors::AccessThresholds thresholds_;
  const int max_ownership_depth_;
};

}  // namespace redflag

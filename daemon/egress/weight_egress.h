// Weight egress events, kept per model in time order, and rule weight_egress
// (R8): weights of a model whose lineage reaches the controlled level
// ("likely" by the best estimate, "possible" by the upper bound), not
// recorded as published, copied to a country outside the AI authorization
// destinations on the day of the copy. Judged as events arrive, when the
// policy profile has the rule.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/compute/compute_view.h"
#include "daemon/models/model_registry.h"
#include "daemon/storage/store.h"
#include "detectors/country_policy.h"
#include "redflag/v1/egress.pb.h"

namespace redflag {

class WeightEgress {
 public:
  // `enabled`: whether the policy profile has the rule; events are kept
  // either way.
  WeightEgress(Store& store, bool sync, const ComputeView& view, ModelRegistry& models,
               AlertStore& alerts, std::shared_ptr<const detectors::CountryPolicy> policy,
               double level, bool enabled);

  // Stores validated events and judges each; returns how many were flagged.
  absl::StatusOr<uint32_t> Record(const v1::RecordEgressRequest& request, absl::Time now);

 private:
  // One copy outside the authorised set, against its lineage's operations.
  absl::StatusOr<bool> Judge(const v1::EgressEvent& event, const detectors::Interval& ops,
                             absl::Time now);

  Store& store_;
  const bool sync_;
  const ComputeView& view_;
  ModelRegistry& models_;
  AlertRecorder recorder_;
  const std::shared_ptr<const detectors::CountryPolicy> policy_;
  const double level_;
  const bool enabled_;
};

}  // namespace redflag

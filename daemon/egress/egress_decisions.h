// EgressService.CheckEgress's facts: the model lineage's operations (from the
// compute pass, the same figures the alerts judge), whether its weights are
// recorded as published, whether the destination is an AI authorization
// destination today, and the Red Flag 28 inquiries about the model with
// their answers; then detectors/egress_decision.h judges them. A DENY or
// REVIEW is put on record (audit `decision.egress`) before it is answered.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/compute/compute_view.h"
#include "detectors/country_policy.h"
#include "redflag/v1/egress.pb.h"

namespace redflag {

class AuditLog;
class InquiryStore;
class ModelRegistry;
class Store;

struct EgressDecisionOptions {
  double level = 1e26;  // policy.rf28_level
  std::string policy_profile;
  absl::Duration cache_for = absl::Seconds(60);
};

class EgressDecisions {
 public:
  EgressDecisions(const ComputeView& view, ModelRegistry& models, InquiryStore& inquiries,
                  AuditLog& audit, Store& store,
                  std::shared_ptr<const detectors::CountryPolicy> countries,
                  EgressDecisionOptions options)
      : view_(view),
        models_(models),
        inquiries_(inquiries),
        audit_(audit),
        store_(store),
        countries_(std::move(countries)),
        options_(std::move(options)) {}

  // From each compute pass: every lineage's operations.
  absl::Status Update(const ComputeEvaluation& eval, absl::Time now);

  absl::StatusOr<v1::Decision> Check(const v1::CheckEgressRequest& request,
                                     const std::string& asked_by, absl::Time now);

 private:
  // The lineage's operations, or nullopt when nothing of it was trained here;
  // computed now if no pass has run yet.
  absl::StatusOr<std::optional<detectors::Interval>> LineageOps(const std::string& model_id);

  const ComputeView& view_;
  ModelRegistry& models_;
  InquiryStore& inquiries_;
  AuditLog& audit_;
  Store& store_;
  const std::shared_ptr<const detectors::CountryPolicy> countries_;
  const EgressDecisionOptions options_;

  std::mutex mu_;
  bool evaluated_ = false;
  std::map<std::string, detectors::Interval> lineage_ops_;
};

}  // namespace redflag

// Rule rf28 (Red Flag 28 of the AI diffusion rule): a model lineage whose
// operations reach the ECCN 4E091 level ("likely" by the best estimate,
// "possible" by the upper bound; a pre-alert from a share of the level by the
// best estimate or its projection at the recent rate), whose weights are not
// published, trained by a customer
// whose headquarters or ultimate parent's headquarters is outside the AI
// authorization destinations. A likely or possible finding opens an
// export-intent inquiry. Runs on the compute timer when the policy profile has it.
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/compute/compute_view.h"
#include "daemon/config/config.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/inquiries/inquiry_store.h"
#include "daemon/models/model_registry.h"
#include "detectors/country_policy.h"

namespace redflag {

class RedFlag28 {
 public:
  RedFlag28(const ComputeView& view, ModelRegistry& models, CustomerRegistry& customers,
            AlertStore& alerts, InquiryStore& inquiries,
            std::shared_ptr<const detectors::CountryPolicy> policy, const PolicyConfig& config);

  absl::Status EvaluateOnce(absl::Time now);
  // The same from figures computed once for every detector that needs them.
  absl::Status Evaluate(const ComputeEvaluation& eval, absl::Time now);

 private:
  const ComputeView& view_;
  ModelRegistry& models_;
  CustomerRegistry& customers_;
  AlertRecorder recorder_;
  InquiryStore& inquiries_;
  const std::shared_ptr<const detectors::CountryPolicy> policy_;
  const double level_;
  const double pre_alert_fraction_;
  const int max_ownership_depth_;
};

}  // namespace redflag

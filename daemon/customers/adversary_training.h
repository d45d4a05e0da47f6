// Rule adversary_linked_training (R2): any AI training job, of any size, for
// a customer headquartered in, or whose ultimate parent is headquartered in,
// Country Group D:5 or Macau on a day the job ran, is a high alert (BIS
// guidance of May 2025). Evaluated on a timer over every job, with the
// current profiles (what is known now about who the customer is) and the
// country groups as of the job's own dates. Each customer linked today has
// an alert of its own too, under every profile: where a licence for its
// training is recorded (licence_obtained lifts CheckJob's R2 reason).
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/ledger/ledger.h"
#include "daemon/util/periodic.h"
#include "detectors/country_policy.h"

namespace redflag {

class AdversaryTraining {
 public:
  // `judge_training`: the adversary-linked training rule is in force. Chains
  // that cannot be resolved (a cycle, or more than `max_ownership_depth`
  // links) are findings whatever the policy profile (ownership_unresolved).
  AdversaryTraining(const Ledger& ledger, CustomerRegistry& customers, AlertStore& alerts,
                    std::shared_ptr<const detectors::CountryPolicy> policy, int max_ownership_depth,
                    bool judge_training);

  absl::Status EvaluateOnce(absl::Time now);
  // Evaluates every `interval` on a thread of its own until destroyed.
  void Start(absl::Duration interval);

 private:
  const Ledger& ledger_;
  CustomerRegistry& customers_;
  AlertRecorder recorder_;
  const std::shared_ptr<const detectors::CountryPolicy> policy_;
  const int max_ownership_depth_;
  const bool judge_training_;
  std::unique_ptr<Periodic> timer_;  // last: stops before the rest goes
};

// Workloads that train a model: every kind but inference, evaluation and
// other; an undeclared kind counts, since nothing says it does not train.
bool IsTraining(v1::WorkloadKind kind);

}  // namespace redflag

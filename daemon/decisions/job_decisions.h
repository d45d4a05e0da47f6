// DecisionService.CheckJob's facts: the customer's profile and ultimate
// parent (is it headquartered or owned in D:5 or Macau today?), its stored
// findings with their dispositions, and whether the accelerator is of the
// 3A090/4A090 class; then detectors/job_decision.h judges them.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "detectors/catalog.h"
#include "detectors/country_policy.h"
#include "detectors/job_decision.h"
#include "redflag/v1/decisions.pb.h"

namespace redflag {

class AlertStore;
class CustomerRegistry;

// 3A090.a: total processing performance (peak dense operations per second in
// tera-operations x the operation's bit length) of at least 4800. (3A090.b's
// performance density needs the die area, which the catalog does not hold.)
bool IsAdvancedComputing(const detectors::Accelerator& accelerator);

struct JobDecisionOptions {
  detectors::DecisionPolicy policy;
  std::string policy_profile;  // "name@version"
  absl::Duration cache_for = absl::Seconds(60);
  int max_ownership_depth = 64;
};

class JobDecisions {
 public:
  JobDecisions(CustomerRegistry& customers, AlertStore& alerts,
               std::shared_ptr<const detectors::CountryPolicy> countries,
               std::shared_ptr<const detectors::Catalog> catalog, JobDecisionOptions options)
      : customers_(customers),
        alerts_(alerts),
        countries_(std::move(countries)),
        catalog_(std::move(catalog)),
        options_(std::move(options)) {}

  absl::StatusOr<v1::Decision> Check(const v1::CheckJobRequest& request, absl::Time now);

 private:
  absl::StatusOr<detectors::CustomerStanding> Standing(const std::string& customer_id,
                                                       absl::Time now);

  CustomerRegistry& customers_;
  AlertStore& alerts_;
  const std::shared_ptr<const detectors::CountryPolicy> countries_;
  const std::shared_ptr<const detectors::Catalog> catalog_;
  const JobDecisionOptions options_;
};

}  // namespace redflag

// DecisionService.CheckJob's facts: the customer's profile and ultimate
// parent (is it headquartered or owned in D:5 or Macau today?), its stored
// findings with their dispositions, and whether the accelerator is of the
// 3A090/4A090 class; then detectors/job_decision.h judges them. Every DENY
// and REVIEW is put on record (audit `decision.job`) before it is answered.
// The standing is kept between checks until a write changes what it was read
// from (daemon/decisions/standing_cache.h).
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "daemon/decisions/standing_cache.h"
#include "detectors/catalog.h"
#include "detectors/country_policy.h"
#include "detectors/job_decision.h"
#include "redflag/v1/decisions.pb.h"

namespace redflag {

class AlertStore;
class AuditLog;
class CustomerRegistry;
class Store;

struct JobDecisionOptions {
  detectors::DecisionPolicy policy;
  std::string policy_profile;  // "name@version"
  absl::Duration cache_for = absl::Seconds(60);
  int max_ownership_depth = 64;
  size_t cached_customers = 65536;
};

class JobDecisions {
 public:
  JobDecisions(CustomerRegistry& customers, AlertStore& alerts, AuditLog& audit, Store& store,
               std::shared_ptr<const detectors::CountryPolicy> countries,
               std::shared_ptr<const detectors::Catalog> catalog, JobDecisionOptions options);

  // The decision, a DENY or REVIEW recorded with `asked_by` (the caller's
  // principal, and through what) first; UNAVAILABLE when it cannot be.
  absl::StatusOr<v1::Decision> Check(const v1::CheckJobRequest& request,
                                     const std::string& asked_by, absl::Time now);
  // The decision without a record (a dry run).
  absl::StatusOr<v1::Decision> Preview(const v1::CheckJobRequest& request, absl::Time now);

 private:
  absl::StatusOr<StandingCache::Kept> Standing(const std::string& customer_id, absl::Time now);
  absl::StatusOr<detectors::CustomerStanding> ReadStanding(const std::string& customer_id,
                                                           absl::CivilDay day);

  CustomerRegistry& customers_;
  AlertStore& alerts_;
  AuditLog& audit_;
  Store& store_;
  const std::shared_ptr<const detectors::CountryPolicy> countries_;
  const std::shared_ptr<const detectors::Catalog> catalog_;
  const JobDecisionOptions options_;
  // Shared with the registries' change listeners, which may outlive this.
  const std::shared_ptr<StandingCache> cache_;
};

}  // namespace redflag

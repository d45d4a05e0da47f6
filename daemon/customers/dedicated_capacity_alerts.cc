#include "daemon/customers/dedicated_capacity_alerts.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/customers/adversary_evidence.h"
#include "detectors/adversary_link.h"
#include "detectors/dedicated_capacity.h"
#include "detectors/ownership.h"

namespace redflag {
namespace {

absl::CivilDay Day(int64_t unix_ms) {
  return absl::ToCivilDay(absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

constexpr size_t kJobsShown = 20;

}  // namespace

DedicatedCapacityAlerts::DedicatedCapacityAlerts(
    const Ledger& ledger, CustomerRegistry& customers, AlertStore& alerts,
    std::shared_ptr<const detectors::CountryPolicy> policy,
    std::shared_ptr<const detectors::Catalog> catalog, int max_ownership_depth)
    : ledger_(ledger),
      customers_(customers),
      recorder_(alerts),
      policy_(std::move(policy)),
      catalog_(std::move(catalog)),
      max_ownership_depth_(max_ownership_depth) {}

void DedicatedCapacityAlerts::Start(absl::Duration interval) {
  timer_ = std::make_unique<Periodic>("rf-dedicated", interval,
                                      [this](absl::Time now) { return EvaluateOnce(now); });
}

absl::Status DedicatedCapacityAlerts::EvaluateOnce(absl::Time now) {
  // Only dedicated jobs matter: most fleets have few, so profiles are read
  // only for their customers.
  std::map<std::string, std::vector<const Ledger::JobSnapshot*>> by_customer;
  const std::vector<Ledger::JobSnapshot> jobs = ledger_.SnapshotJobs();
  for (const Ledger::JobSnapshot& job : jobs) {
    if (job.spec->dedicated()) by_customer[job.spec->customer_id()].push_back(&job);
  }
  if (by_customer.empty()) return absl::OkStatus();
  absl::StatusOr<CustomerRegistry::Profiles> all = customers_.AllProfiles();
  if (!all.ok()) return all.status();
  auto profile_of = [&](const std::string& id) { return all->Find(id); };
  for (const auto& [customer_id, its_jobs] : by_customer) {
    const v1::CustomerProfile* customer = profile_of(customer_id);
    if (customer == nullptr) continue;
    const detectors::UltimateParent parent =
        detectors::FindUltimateParent(*customer, profile_of, max_ownership_depth_);
    std::vector<detectors::DedicatedJob> facts;
    std::vector<detectors::AdversaryLink> links;
    for (const Ledger::JobSnapshot* job : its_jobs) {
      const v1::JobSpec& spec = *job->spec;
      // Linked on a day the job ran: its first, or its last (today while it runs).
      const int64_t last_ms = job->end_unix_ms != 0 ? job->end_unix_ms : absl::ToUnixMillis(now);
      std::vector<detectors::AdversaryLink> l =
          detectors::FindAdversaryLinks(*customer, parent, *policy_, Day(spec.start_unix_ms()));
      if (l.empty()) l = detectors::FindAdversaryLinks(*customer, parent, *policy_, Day(last_ms));
      if (links.empty()) links = l;
      facts.push_back(
          {.job_id = spec.job_id(),
           .accelerators = spec.accelerator_count(),
           .accelerator_model = spec.accelerator_model(),
           .dedicated = true,
           .advanced = detectors::IsAdvancedComputing(*catalog_, spec.accelerator_model()),
           .adversary_linked = !l.empty()});
    }
    const std::optional<detectors::DedicatedCapacity> needs = detectors::LicenceRequired(facts);
    if (!needs.has_value()) continue;
    const detectors::AdversaryLink& first = links.front();
    v1::Alert a = NewAlert("dedicated_capacity_licence", "customer", customer_id, first.country);
    a.set_customer_id(customer_id);
    a.set_level(first.country);
    a.set_severity(v1::SEVERITY_CRITICAL);
    a.set_summary(absl::StrCat(
        "customer ", customer_id, " (", customer->legal_name(), "), ", LinkClause(first),
        ", holds dedicated capacity of ", needs->accelerators,
        " 3A090/4A090-class accelerators: a licence is required (R3); obtain one or release the "
        "capacity"));
    AddLinkEvidence(a, links, parent);
    AddEvidence(a, "accelerators", absl::StrCat(needs->accelerators));
    AddEvidence(a, "jobs", absl::StrCat(needs->job_ids.size()));
    std::vector<std::string> shown(
        needs->job_ids.begin(),
        needs->job_ids.begin() + std::min(needs->job_ids.size(), kJobsShown));
    AddEvidence(a, "job_ids", absl::StrJoin(shown, ", "));
    AddEvidence(a, "basis",
                "15 CFR 742.6(a)(6)(iii)(A): a licence for advanced-computing items to an entity "
                "headquartered, or whose ultimate parent is headquartered, in D:5 or Macau, "
                "wherever it is");
    AddEvidence(a, "lifted_by",
                "resolving this alert as licence_obtained lets DecisionService.CheckJob allow "
                "dedicated capacity for the customer");
    if (absl::Status r = recorder_.Record(std::move(a), now, true); !r.ok()) return r;
  }
  return absl::OkStatus();
}

}  // namespace redflag

#include "daemon/customers/adversary_training.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "daemon/customers/adversary_evidence.h"
#include "detectors/adversary_link.h"
#include "detectors/ownership.h"

namespace redflag {
namespace {

std::string Date(int64_t unix_ms) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

absl::CivilDay Day(int64_t unix_ms) {
  return absl::ToCivilDay(absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

}  // namespace

bool IsTraining(v1::WorkloadKind kind) {
  return kind != v1::WORKLOAD_KIND_INFERENCE && kind != v1::WORKLOAD_KIND_EVALUATION &&
         kind != v1::WORKLOAD_KIND_OTHER;
}

AdversaryTraining::AdversaryTraining(const Ledger& ledger, CustomerRegistry& customers,
                                     AlertStore& alerts,
                                     std::shared_ptr<const detectors::CountryPolicy> policy,
                                     int max_ownership_depth, bool judge_training)
    : ledger_(ledger),
      customers_(customers),
      recorder_(alerts),
      policy_(std::move(policy)),
      max_ownership_depth_(max_ownership_depth),
      judge_training_(judge_training) {}

namespace {

// A chain that cannot be resolved hides who controls the customer: like an
// owner of unknown share, it is control nobody can rule out.
v1::Alert OwnershipUnresolved(const v1::CustomerProfile& customer,
                              const detectors::UltimateParent& parent, int max_depth) {
  const bool cycle = parent.cycle;
  v1::Alert a = NewAlert("ownership_unresolved", "customer", customer.customer_id(),
                         cycle ? "cycle" : "depth");
  a.set_customer_id(customer.customer_id());
  a.set_level(cycle ? "cycle" : "depth");
  a.set_severity(v1::SEVERITY_HIGH);
  a.set_summary(absl::StrCat(
      "the ownership chain of customer ", customer.customer_id(), " (", customer.legal_name(), ") ",
      cycle ? "leads back to itself" : absl::StrCat("is longer than ", max_depth, " links"),
      ": who controls it is unknown, as with an owner of unknown share; hold new capacity "
      "until the chain is established"));
  AddEvidence(a, "ownership_path", parent.PathText());
  AddEvidence(a, "links_followed", absl::StrCat(parent.path.size() - 1));
  AddEvidence(a, "reason",
              cycle ? "the walk reached an owner already on the chain"
                    : absl::StrCat("the walk stopped at policy.max_ownership_depth (", max_depth,
                                   ") with owners still above"));
  AddEvidence(a, "last_owner_reached",
              absl::StrCat(parent.parent().name, " (", parent.parent().country, ")"));
  return a;
}

// R2 at the customer: where an analyst records the licence that lets
// DecisionService.CheckJob admit its training (one per linked customer,
// whether or not it trains here yet).
v1::Alert AdversaryLinkedCustomer(const v1::CustomerProfile& customer,
                                  const detectors::UltimateParent& parent,
                                  const std::vector<detectors::AdversaryLink>& links) {
  const detectors::AdversaryLink& first = links.front();
  v1::Alert a =
      NewAlert("adversary_linked_training", "customer", customer.customer_id(), first.country);
  a.set_customer_id(customer.customer_id());
  a.set_level(first.country);
  a.set_severity(v1::SEVERITY_HIGH);
  a.set_summary(absl::StrCat(
      "customer ", customer.customer_id(), " (", customer.legal_name(), "), ", LinkClause(first),
      ": new training capacity is held back (R2); resolve this alert as licence_obtained once a "
      "licence covers its training"));
  AddLinkEvidence(a, links, parent);
  AddEvidence(a, "basis",
              "15 CFR 742.6(a)(6)(iii)(A); BIS guidance of May 2025 on training for parties "
              "headquartered in D:5 or Macau");
  AddEvidence(a, "lifted_by",
              "resolving this alert as licence_obtained lets DecisionService.CheckJob admit "
              "training for the customer");
  return a;
}

}  // namespace

void AdversaryTraining::Start(absl::Duration interval) {
  timer_ = std::make_unique<Periodic>("rf-adversary", interval,
                                      [this](absl::Time now) { return EvaluateOnce(now); });
}

absl::Status AdversaryTraining::EvaluateOnce(absl::Time now) {
  absl::StatusOr<CustomerRegistry::Profiles> all = customers_.AllProfiles();
  if (!all.ok()) return all.status();
  const std::map<std::string, v1::CustomerProfile>& profiles = all->by_id;
  auto profile_of = [&](const std::string& id) { return all->Find(id); };
  std::map<std::string, detectors::UltimateParent> parents;  // per customer, once
  for (const auto& [id, profile] : profiles) {
    detectors::UltimateParent& parent = parents[id] =
        detectors::FindUltimateParent(profile, profile_of, max_ownership_depth_);
    const std::vector<detectors::AdversaryLink> links =
        detectors::FindAdversaryLinks(profile, parent, *policy_, Day(absl::ToUnixMillis(now)));
    if (!links.empty()) {
      if (absl::Status r =
              recorder_.Record(AdversaryLinkedCustomer(profile, parent, links), now, true);
          !r.ok()) {
        return r;
      }
    }
    if (!parent.cycle && !parent.truncated) continue;
    if (absl::Status r =
            recorder_.Record(OwnershipUnresolved(profile, parent, max_ownership_depth_), now, true);
        !r.ok()) {
      return r;
    }
  }
  if (!judge_training_) return absl::OkStatus();
  for (const Ledger::JobSnapshot& job : ledger_.SnapshotJobs()) {
    const v1::JobSpec& spec = *job.spec;
    if (!IsTraining(spec.workload())) continue;
    const v1::CustomerProfile* customer = profile_of(spec.customer_id());
    if (customer == nullptr) continue;
    auto parent = parents.find(spec.customer_id());
    // The groups as they stood on the days the job ran: its first day, and its
    // last (or today while it runs).
    const int64_t last_ms = job.end_unix_ms != 0 ? job.end_unix_ms : absl::ToUnixMillis(now);
    std::vector<detectors::AdversaryLink> links = detectors::FindAdversaryLinks(
        *customer, parent->second, *policy_, Day(spec.start_unix_ms()));
    if (links.empty()) {
      links = detectors::FindAdversaryLinks(*customer, parent->second, *policy_, Day(last_ms));
    }
    if (links.empty()) continue;
    const detectors::AdversaryLink& first = links.front();
    v1::Alert a = NewAlert("adversary_linked_training", "job", spec.job_id(), first.country);
    a.set_customer_id(spec.customer_id());
    a.set_level(first.country);
    a.set_severity(v1::SEVERITY_HIGH);
    a.set_summary(
        absl::StrCat("job ", spec.job_id(), " trains", spec.model_id().empty() ? "" : " model ",
                     spec.model_id(), " for customer ", spec.customer_id(), ", ", LinkClause(first),
                     ": adversary-linked training at any size; hold new capacity and escalate"));
    AddLinkEvidence(a, links, parent->second);
    AddEvidence(a, "customer", absl::StrCat(customer->legal_name(), " (", spec.customer_id(), ")"));
    AddEvidence(a, "workload", v1::WorkloadKind_Name(spec.workload()));
    AddEvidence(a, "model_id", spec.model_id());
    AddEvidence(a, "accelerators",
                absl::StrCat(spec.accelerator_count(), " x ", spec.accelerator_model()));
    AddEvidence(a, "job_dates",
                absl::StrCat(Date(spec.start_unix_ms()), " to ",
                             job.end_unix_ms != 0 ? Date(job.end_unix_ms) : "running"));
    AddEvidence(a, "basis",
                "15 CFR 742.6(a)(6)(iii)(A); BIS guidance of May 2025 on training for parties "
                "headquartered in D:5 or Macau");
    if (absl::Status r = recorder_.Record(std::move(a), now, true); !r.ok()) return r;
  }
  return absl::OkStatus();
}

}  // namespace redflag

#include "daemon/decisions/job_decisions.h"

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/alerts/alert_store.h"
#include "daemon/audit/audit_log.h"
#include "daemon/customers/adversary_training.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/decisions/decision_proto.h"
#include "detectors/adversary_link.h"
#include "detectors/dedicated_capacity.h"
#include "detectors/ownership.h"

namespace redflag {
namespace {

// The rules whose customer-level alerts the decision reads.
constexpr const char* kRules[] = {
    "restricted_party",     "listed_ownership",          "kyc_anomaly",
    "ownership_unresolved", "adversary_linked_training", "dedicated_capacity_licence"};

std::string Disposition(v1::Disposition d) {
  switch (d) {
    case v1::DISPOSITION_FALSE_POSITIVE:
      return "false_positive";
    case v1::DISPOSITION_LICENCE_OBTAINED:
      return "licence_obtained";
    case v1::DISPOSITION_TRUE_POSITIVE:
      return "true_positive";
    case v1::DISPOSITION_NO_ACTION_REQUIRED:
      return "no_action_required";
    default:
      return "other";
  }
}

double EvidenceNumber(const v1::Alert& a, absl::string_view name) {
  for (const v1::Evidence& e : a.evidence()) {
    double v = 0;
    if (e.name() == name && absl::SimpleAtod(e.value(), &v)) return v;
  }
  return 0;
}

}  // namespace

JobDecisions::JobDecisions(CustomerRegistry& customers, AlertStore& alerts, AuditLog& audit,
                           Store& store, std::shared_ptr<const detectors::CountryPolicy> countries,
                           std::shared_ptr<const detectors::Catalog> catalog,
                           JobDecisionOptions options)
    : customers_(customers),
      alerts_(alerts),
      audit_(audit),
      store_(store),
      countries_(std::move(countries)),
      catalog_(std::move(catalog)),
      options_(std::move(options)),
      cache_(std::make_shared<StandingCache>(options_.cached_customers)) {
  alerts_.AddChangeListener([cache = cache_](const v1::Alert& a) {
    if (a.subject_kind() == "customer") cache->Forget(a.subject_id());
  });
  customers_.AddChangeListener([cache = cache_](const std::string&) { cache->ForgetAll(); });
}

absl::StatusOr<StandingCache::Kept> JobDecisions::Standing(const std::string& customer_id,
                                                           absl::Time now) {
  const absl::CivilDay day = absl::ToCivilDay(now, absl::UTCTimeZone());
  if (StandingCache::Kept kept = cache_->Find(customer_id, day)) return kept;
  const StandingCache::Ticket ticket = cache_->Begin(customer_id);
  absl::StatusOr<detectors::CustomerStanding> read = ReadStanding(customer_id, day);
  if (!read.ok()) return read.status();
  auto kept = std::make_shared<const detectors::CustomerStanding>(*std::move(read));
  cache_->Keep(customer_id, ticket, day, kept);
  return kept;
}

absl::StatusOr<detectors::CustomerStanding> JobDecisions::ReadStanding(
    const std::string& customer_id, absl::CivilDay day) {
  detectors::CustomerStanding out;
  absl::StatusOr<v1::Customer> customer = customers_.Get(customer_id);
  if (customer.ok()) {
    out.has_profile = true;
    // The ownership chain, read as far as it goes (each link one read).
    std::map<std::string, v1::CustomerProfile> seen;
    auto profile_of = [&](const std::string& id) -> const v1::CustomerProfile* {
      auto it = seen.find(id);
      if (it == seen.end()) {
        absl::StatusOr<v1::Customer> c = customers_.Get(id);
        if (!c.ok()) return nullptr;
        it = seen.emplace(id, c->profile()).first;
      }
      return &it->second;
    };
    const detectors::UltimateParent parent = detectors::FindUltimateParent(
        customer->profile(), profile_of, options_.max_ownership_depth);
    const std::vector<detectors::AdversaryLink> links =
        detectors::FindAdversaryLinks(customer->profile(), parent, *countries_, day);
    if (!links.empty()) {
      out.adversary_linked = true;
      out.adversary_basis =
          absl::StrCat(links[0].basis, " ", links[0].country, " (", links[0].entity, ")");
    }
  } else if (customer.status().code() != absl::StatusCode::kNotFound) {
    return customer.status();
  }
  for (const char* rule : kRules) {
    absl::StatusOr<std::vector<v1::Alert>> alerts = alerts_.About(rule, "customer", customer_id);
    if (!alerts.ok()) return alerts.status();
    for (const v1::Alert& a : *alerts) {
      detectors::CustomerFinding f{.rule = a.rule(),
                                   .alert_id = a.alert_id(),
                                   .level = a.level(),
                                   .score = EvidenceNumber(a, "score"),
                                   .evidence = a.summary()};
      if (a.state() == v1::ALERT_STATE_RESOLVED) {
        f.disposition = Disposition(a.disposition());
        f.resolved_by = a.resolved_by();
        f.licence = a.licence().reference();
        if (a.licence().expires_unix_ms() != 0) {
          f.licence_expires = absl::FromUnixMillis(a.licence().expires_unix_ms());
        }
        f.licence_max_accelerators = a.licence().max_accelerators();
      }
      out.findings.push_back(std::move(f));
    }
  }
  return out;
}

absl::StatusOr<v1::Decision> JobDecisions::Check(const v1::CheckJobRequest& request,
                                                 const std::string& asked_by, absl::Time now) {
  absl::StatusOr<v1::Decision> d = Preview(request, now);
  if (!d.ok() || d->verdict() == v1::VERDICT_ALLOW) return d;
  std::vector<std::string> rules;
  for (const v1::DecisionReason& r : d->reasons()) {
    if (!r.lifted()) rules.push_back(r.rule());
  }
  std::unique_ptr<WriteBatch> wb = store_.NewBatch();
  absl::StatusOr<v1::AuditRecord> rec = audit_.Write(
      *wb,
      {asked_by,
       "decision.job",
       absl::StrCat("customer/", request.customer_id()),
       {{"verdict", v1::Verdict_Name(d->verdict())},
        {"reasons", absl::StrJoin(rules, ",")},
        {"scheduler", request.scheduler()},
        {"scheduler_job_id", request.scheduler_job_id()},
        {"cluster", request.cluster()},
        {"accelerators",
         absl::StrCat(request.accelerator_count(), " x ", request.accelerator_model())},
        {"dedicated", request.dedicated() ? "yes" : "no"}}},
      now);
  if (!rec.ok()) {
    return absl::UnavailableError(absl::StrCat("the decision could not be put on record (",
                                               rec.status().message(), "); retry"));
  }
  return d;
}

absl::StatusOr<v1::Decision> JobDecisions::Preview(const v1::CheckJobRequest& request,
                                                   absl::Time now) {
  absl::StatusOr<StandingCache::Kept> standing = Standing(request.customer_id(), now);
  if (!standing.ok()) return standing.status();
  const detectors::JobAsk ask{.customer_id = request.customer_id(),
                              .accelerators = request.accelerator_count(),
                              .dedicated = request.dedicated(),
                              .advanced_accelerator = detectors::IsAdvancedComputing(
                                  *catalog_, request.accelerator_model()),
                              .training = IsTraining(request.workload()),
                              .at = now};
  const detectors::JobDecision d = detectors::DecideJob(ask, **standing, options_.policy);
  v1::Decision out =
      ToDecision(d, options_.policy_profile, std::min(now + options_.cache_for, d.valid_until));
  if (d.reasons.empty() || d.reasons[0].lifted) {
    out.set_summary(absl::StrCat(detectors::VerdictName(d.verdict), ": nothing holds back ",
                                 request.customer_id()));
  }
  return out;
}

}  // namespace redflag

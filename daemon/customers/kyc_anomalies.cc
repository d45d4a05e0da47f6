#include "daemon/customers/kyc_anomalies.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace redflag {

KycAnomalies::KycAnomalies(const Ledger& ledger, CustomerRegistry& customers,
                           const PartyLists& lists, AlertStore& alerts, const KycConfig& c)
    : ledger_(ledger),
      customers_(customers),
      lists_(lists),
      recorder_(alerts),
      threshold_(c.threshold) {
  weights_.formed_recently_large_request = c.weight_formed_recently_large_request;
  weights_.residential_address = c.weight_residential_address;
  weights_.forwarder_address = c.weight_forwarder_address;
  weights_.third_country_payment = c.weight_third_country_payment;
  weights_.third_party_payment = c.weight_third_party_payment;
  weights_.reseller_undisclosed = c.weight_reseller_undisclosed;
  weights_.no_end_use = c.weight_no_end_use;
  weights_.listed_officer = c.weight_listed_officer;
  weights_.no_web_presence = c.weight_no_web_presence;
  weights_.young_domain = c.weight_young_domain;
  weights_.large_request_accelerators = c.large_request_accelerators;
}

void KycAnomalies::Start(absl::Duration interval) {
  timer_ = std::make_unique<Periodic>("rf-kyc", interval,
                                      [this](absl::Time now) { return EvaluateOnce(now); });
}

absl::Status KycAnomalies::EvaluateOnce(absl::Time now) {
  std::map<std::string, uint32_t> largest;  // customer -> most accelerators in one job
  for (const Ledger::JobSnapshot& j : ledger_.SnapshotJobs()) {
    uint32_t& n = largest[j.spec->customer_id()];
    n = std::max(n, j.spec->accelerator_count());
  }
  const PartyLists::Snapshot lists = lists_.InUse();
  // Read first, judge after: alerts are written outside the store scan.
  std::string list_versions;
  for (const auto& l : lists) absl::StrAppend(&list_versions, l->sha256, ",");
  std::vector<v1::CustomerProfile> profiles;
  absl::Status s = customers_.ForEach([&](const v1::Customer& c) {
    std::string basis =
        absl::StrCat(c.version(), "|", largest[c.profile().customer_id()], "|", list_versions);
    std::string& last = judged_[c.profile().customer_id()];
    if (last != basis) {
      last = std::move(basis);
      profiles.push_back(c.profile());
    }
    return true;
  });
  if (!s.ok()) return s;
  for (const v1::CustomerProfile& p : profiles) {
    std::vector<std::string> listed_officers;
    for (const v1::Person& o : p.officers()) {
      if (o.name().empty()) continue;
      std::vector<ListHit> hits = lists_.Screen(o.name(), o.nationality(), lists);
      if (hits.empty()) continue;
      const ListHit& h = hits.front();
      listed_officers.push_back(absl::StrFormat("%s (%s %s entry %s, score %.2f)", o.name(),
                                                h.list->name, h.hit.entry->source_code,
                                                h.hit.entry->id, h.hit.score));
    }
    const detectors::KycScore score =
        detectors::ScoreKyc(p, largest[p.customer_id()], listed_officers, weights_,
                            absl::ToCivilDay(now, absl::UTCTimeZone()));
    if (score.score < threshold_) continue;
    v1::Alert a = NewAlert("kyc_anomaly", "customer", p.customer_id(), "score");
    a.set_customer_id(p.customer_id());
    const bool strong = score.score >= 1.5 * threshold_;
    a.set_level(strong ? "strong" : "elevated");
    a.set_severity(strong ? v1::SEVERITY_HIGH : v1::SEVERITY_WARNING);
    std::vector<std::string> names;
    for (const detectors::KycFlag& f : score.flags) names.push_back(f.name);
    a.set_summary(absl::StrFormat(
        "customer %s: know-your-customer score %g (threshold %g) from %s: review for diversion",
        p.customer_id(), score.score, threshold_, absl::StrJoin(names, ", ")));
    AddEvidence(a, "score", absl::StrFormat("%g", score.score));
    AddEvidence(a, "threshold", absl::StrFormat("%g", threshold_));
    for (const detectors::KycFlag& f : score.flags) {
      AddEvidence(a, f.name, absl::StrFormat("weight %g: %s", f.weight, f.fact));
    }
    if (absl::Status r = recorder_.Record(std::move(a), now, true); !r.ok()) {
      judged_.erase(p.customer_id());  // judged again next time
      return r;
    }
  }
  return absl::OkStatus();
}

}  // namespace redflag

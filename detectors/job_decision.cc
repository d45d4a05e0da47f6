#include "detectors/job_decision.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace redflag::detectors {
namespace {

// A reason from a finding; lifted when an analyst resolved the finding with
// the disposition that answers it.
DecisionReason FromFinding(const CustomerFinding& f, Verdict verdict, const char* lifting) {
  DecisionReason r{
      .rule = f.rule, .verdict = verdict, .alert_id = f.alert_id, .evidence = f.evidence};
  if (f.disposition == lifting) {
    r.lifted = true;
    r.lifted_by =
        f.resolved_by.empty() ? f.disposition : absl::StrCat(f.disposition, " by ", f.resolved_by);
  }
  return r;
}

std::string Day(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()); }

// Whether licence finding `f` covers the job: asked before its end, within its size.
bool Covers(const CustomerFinding& f, const JobAsk& job) {
  return job.at < f.licence_expires &&
         (f.licence_max_accelerators == 0 || job.accelerators <= f.licence_max_accelerators);
}

// Why licence finding `f` does not cover the job.
std::string WhyNotCovered(const CustomerFinding& f, const JobAsk& job) {
  if (job.at >= f.licence_expires) {
    return absl::StrCat("licence ", f.licence, " ended on ", Day(f.licence_expires));
  }
  return absl::StrFormat("the job's %u accelerators exceed the %u licence %s covers",
                         job.accelerators, f.licence_max_accelerators, f.licence);
}

// The customer-level finding of a rule: one resolved as licence obtained
// whose licence covers the job if there is one, else one resolved as
// licence obtained (to say why it does not cover), else any (null when none).
const CustomerFinding* Finding(const CustomerStanding& c, const std::string& rule,
                               const JobAsk& job) {
  const CustomerFinding* any = nullptr;
  const CustomerFinding* licensed = nullptr;
  for (const CustomerFinding& f : c.findings) {
    if (f.rule != rule) continue;
    if (f.disposition == "licence_obtained") {
      if (Covers(f, job)) return &f;
      if (licensed == nullptr) licensed = &f;
    }
    if (any == nullptr) any = &f;
  }
  return licensed != nullptr ? licensed : any;
}

// Names the finding behind `r`, and lifts `r` when it records a licence
// that covers the job (or says why the licence does not).
void ApplyLicence(const CustomerStanding& c, const JobAsk& job, DecisionReason& r,
                  JobDecision& out) {
  const CustomerFinding* f = Finding(c, r.rule, job);
  if (f == nullptr) return;
  r.alert_id = f->alert_id;
  if (f->disposition != "licence_obtained") return;
  if (!Covers(*f, job)) {
    absl::StrAppend(&r.evidence, "; ", WhyNotCovered(*f, job));
    return;
  }
  r.lifted = true;
  std::string licence;
  if (!f->licence.empty()) {
    licence = absl::StrCat(" (licence ", f->licence);
    if (f->licence_expires != absl::InfiniteFuture()) {
      absl::StrAppend(&licence, ", until ", Day(f->licence_expires));
    }
    absl::StrAppend(&licence, ")");
  }
  r.lifted_by = absl::StrCat("licence_obtained", licence, " by ", f->resolved_by);
  out.valid_until = std::min(out.valid_until, f->licence_expires);
}

}  // namespace

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kAllow:
      return "ALLOW";
    case Verdict::kReview:
      return "REVIEW";
    case Verdict::kDeny:
      return "DENY";
  }
  return "ALLOW";
}

JobDecision DecideJob(const JobAsk& job, const CustomerStanding& customer,
                      const DecisionPolicy& policy) {
  JobDecision out;
  auto& reasons = out.reasons;
  if (!customer.has_profile && policy.no_profile != Verdict::kAllow) {
    reasons.push_back({.rule = "no_customer_profile",
                       .verdict = policy.no_profile,
                       .evidence = absl::StrCat("customer ", job.customer_id,
                                                " has no profile: nobody has screened it")});
  }
  for (const CustomerFinding& f : customer.findings) {
    if (f.rule == "restricted_party" && f.score >= policy.block_score) {
      reasons.push_back(FromFinding(f, Verdict::kDeny, "false_positive"));
    } else if (f.rule == "listed_ownership" && f.level == "50_percent") {
      reasons.push_back(FromFinding(f, Verdict::kDeny, "false_positive"));
    } else if (f.rule == "listed_ownership" && f.level == "share_unknown") {
      reasons.push_back(FromFinding(f, Verdict::kReview, "false_positive"));
    } else if (f.rule == "kyc_anomaly" && f.score >= policy.kyc_review_score) {
      reasons.push_back(FromFinding(f, Verdict::kReview, "false_positive"));
    } else if (f.rule == "ownership_unresolved") {
      // A cycle or a chain past the depth: who controls the customer is unknown.
      reasons.push_back(FromFinding(f, Verdict::kReview, "false_positive"));
    }
  }
  if (customer.adversary_linked && job.training) {
    DecisionReason r{.rule = "adversary_linked_training",
                     .verdict = policy.adversary_training,
                     .evidence = absl::StrCat(customer.adversary_basis,
                                              ": new training capacity is held back (R2)")};
    ApplyLicence(customer, job, r, out);
    reasons.push_back(std::move(r));
  }
  if (customer.adversary_linked && job.dedicated && job.advanced_accelerator &&
      policy.dedicated_needs_licence) {
    DecisionReason r{.rule = "dedicated_capacity_licence",
                     .verdict = Verdict::kDeny,
                     .evidence = absl::StrFormat(
                         "%s: dedicated capacity of %u 3A090/4A090-class accelerators needs a "
                         "licence (R3)",
                         customer.adversary_basis, job.accelerators)};
    ApplyLicence(customer, job, r, out);
    reasons.push_back(std::move(r));
  }
  for (const DecisionReason& r : reasons) {
    if (!r.lifted) out.verdict = std::max(out.verdict, r.verdict);
  }
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const DecisionReason& a, const DecisionReason& b) {
                     if (a.lifted != b.lifted) return !a.lifted;
                     return a.verdict > b.verdict;
                   });
  return out;
}

LicenceTerm LicenceTermAt(absl::Time expires, absl::Time now, absl::Duration notice) {
  if (expires == absl::InfiniteFuture() || now + notice < expires) return LicenceTerm::kInForce;
  return now < expires ? LicenceTerm::kEndsSoon : LicenceTerm::kEnded;
}

}  // namespace redflag::detectors

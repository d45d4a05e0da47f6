#include "daemon/decisions/licence_notices.h"

#include "absl/strings/str_cat.h"
#include "detectors/job_decision.h"

namespace redflag {
namespace {

std::string Day(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()); }

}  // namespace

void LicenceNotices::Start(absl::Duration interval) {
  timer_ = std::make_unique<Periodic>("rf-licences", interval,
                                      [this](absl::Time now) { return EvaluateOnce(now); });
}

absl::Status LicenceNotices::EvaluateOnce(absl::Time now) {
  v1::ListAlertsRequest req;
  req.mutable_filter()->add_states(v1::ALERT_STATE_RESOLVED);
  req.mutable_filter()->set_include_suppressed(true);
  req.set_page_size(1000);
  for (bool more = true; more;) {
    absl::StatusOr<v1::ListAlertsResponse> page = alerts_.List(req);
    if (!page.ok()) return page.status();
    for (const v1::Alert& found : page->alerts()) {
      const v1::Licence& l = found.licence();
      if (found.disposition() != v1::DISPOSITION_LICENCE_OBTAINED || l.expires_unix_ms() == 0) {
        continue;
      }
      const absl::Time end = absl::FromUnixMillis(l.expires_unix_ms());
      const detectors::LicenceTerm term = detectors::LicenceTermAt(end, now, notice_);
      if (term == detectors::LicenceTerm::kInForce) continue;
      const bool ended = term == detectors::LicenceTerm::kEnded;
      const std::string customer =
          found.customer_id().empty() ? found.subject_id() : found.customer_id();
      v1::Alert a = NewAlert("licence_ending", "customer", customer, l.reference());
      a.set_customer_id(customer);
      a.set_level(ended ? "ended" : "ends_soon");
      a.set_severity(ended ? v1::SEVERITY_HIGH : v1::SEVERITY_WARNING);
      a.set_summary(absl::StrCat(
          "licence ", l.reference(), " of customer ", customer, ended ? " ended on " : " ends on ",
          Day(end), ": from then DecisionService.CheckJob refuses again what it lifted (",
          found.rule(), ", alert ", found.alert_id(),
          "); renew it and record the new licence (redflagctl alerts reopen ", found.alert_id(),
          ", then alerts resolve with --licence)"));
      AddEvidence(a, "licence", l.reference());
      AddEvidence(a, "ends", absl::FormatTime(end, absl::UTCTimeZone()));
      AddEvidence(a, "lifts", found.alert_id());
      AddEvidence(a, "resolved_by", found.resolved_by());
      AddEvidence(a, "notice", absl::FormatDuration(notice_));
      if (absl::Status s = recorder_.Record(std::move(a), now, true); !s.ok()) return s;
    }
    more = !page->next_page_token().empty();
    req.set_page_token(page->next_page_token());
  }
  return absl::OkStatus();
}

}  // namespace redflag

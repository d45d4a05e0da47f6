#include "daemon/decisions/decision_proto.h"

#include "absl/strings/str_cat.h"

namespace redflag {
namespace {

v1::Verdict ToProto(detectors::Verdict v) {
  switch (v) {
    case detectors::Verdict::kAllow:
      return v1::VERDICT_ALLOW;
    case detectors::Verdict::kReview:
      return v1::VERDICT_REVIEW;
    case detectors::Verdict::kDeny:
      return v1::VERDICT_DENY;
  }
  return v1::VERDICT_UNSPECIFIED;
}

}  // namespace

v1::Decision ToDecision(const detectors::JobDecision& d, const std::string& policy_profile,
                        absl::Time cache_until) {
  v1::Decision out;
  out.set_verdict(ToProto(d.verdict));
  for (const detectors::DecisionReason& r : d.reasons) {
    v1::DecisionReason* p = out.add_reasons();
    p->set_rule(r.rule);
    p->set_verdict(ToProto(r.verdict));
    p->set_alert_id(r.alert_id);
    p->set_evidence(r.evidence);
    p->set_lifted(r.lifted);
    p->set_lifted_by(r.lifted_by);
  }
  out.set_policy_profile(policy_profile);
  out.set_cache_until_unix_ms(absl::ToUnixMillis(cache_until));
  if (!d.reasons.empty()) {
    out.set_summary(absl::StrCat(detectors::VerdictName(d.verdict), " (", d.reasons[0].rule,
                                 "): ", d.reasons[0].evidence));
  }
  return out;
}

}  // namespace redflag

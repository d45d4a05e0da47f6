#include "daemon/alerts/alert_recorder.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "daemon/alerts/alert_lifecycle.h"

namespace redflag {

v1::Alert NewAlert(const std::string& rule, const std::string& kind, const std::string& id,
                   const std::string& level_key) {
  v1::Alert a;
  a.set_alert_id(absl::StrCat(rule, "/", kind, "/", id, "/", level_key));
  a.set_rule(rule);
  a.set_subject_kind(kind);
  a.set_subject_id(id);
  return a;
}

void AddEvidence(v1::Alert& alert, const std::string& name, const std::string& value) {
  v1::Evidence* e = alert.add_evidence();
  e->set_name(name);
  e->set_value(value);
}

void SetEvidence(v1::Alert& alert, const std::string& name, const std::string& value) {
  for (v1::Evidence& e : *alert.mutable_evidence()) {
    if (e.name() == name) {
      e.set_value(value);
      return;
    }
  }
  AddEvidence(alert, name, value);
}

std::string OpsFigure(double ops) { return absl::StrFormat("%.6g", ops); }
std::string OpsRounded(double ops) { return absl::StrFormat("%.3g", ops); }

v1::Severity ToSeverity(detectors::Severity s) {
  switch (s) {
    case detectors::Severity::kInfo:
      return v1::SEVERITY_INFO;
    case detectors::Severity::kWarning:
      return v1::SEVERITY_WARNING;
    case detectors::Severity::kHigh:
      return v1::SEVERITY_HIGH;
    case detectors::Severity::kCritical:
      return v1::SEVERITY_CRITICAL;
  }
  return v1::SEVERITY_UNSPECIFIED;
}

absl::Status AlertRecorder::Record(v1::Alert alert, absl::Time now, bool update_when_changed,
                                   const Gather& gather) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string says = absl::StrCat(alert.level(), "|", alert.severity());
  auto known = stored_.find(alert.alert_id());
  if (known != stored_.end() && (!update_when_changed || known->second == says)) {
    return absl::OkStatus();  // nothing new to say
  }
  absl::StatusOr<std::optional<v1::Alert>> old = alerts_.Get(alert.alert_id());
  if (!old.ok()) return old.status();
  const int64_t now_ms = absl::ToUnixMillis(now);
  if (old->has_value()) {
    const v1::Alert& o = **old;
    if (!update_when_changed || (o.level() == alert.level() && o.severity() == alert.severity())) {
      stored_[alert.alert_id()] = absl::StrCat(o.level(), "|", o.severity());
      return absl::OkStatus();
    }
    CarryWorkflow(o, alert);
  } else {
    alert.set_first_detected_unix_ms(now_ms);
    alert.set_state(v1::ALERT_STATE_OPEN);
    alert.set_state_changed_unix_ms(now_ms);
  }
  alert.set_last_detected_unix_ms(now_ms);
  if (gather) {
    if (absl::Status s = gather(alert); !s.ok()) return s;
  }
  if (absl::Status s = alerts_.Put(alert).status(); !s.ok()) return s;
  stored_[alert.alert_id()] = says;
  return absl::OkStatus();
}

}  // namespace redflag

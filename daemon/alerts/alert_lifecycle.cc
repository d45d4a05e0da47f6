#include "daemon/alerts/alert_lifecycle.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace redflag {
namespace {

std::string Lower(const std::string& enum_name, size_t prefix) {
  return absl::AsciiStrToLower(enum_name.substr(prefix));
}

}  // namespace

std::string StateName(v1::AlertState state) {
  return Lower(v1::AlertState_Name(state), sizeof("ALERT_STATE_") - 1);
}
std::string SeverityName(v1::Severity severity) {
  return Lower(v1::Severity_Name(severity), sizeof("SEVERITY_") - 1);
}

absl::StatusOr<AuditEntry> ApplyAlertAction(const v1::AlertActionRequest& req, int64_t now_ms,
                                            v1::Alert& a) {
  const std::string action = Lower(v1::AlertAction_Name(req.action()), sizeof("ALERT_ACTION_") - 1);
  const std::string state = StateName(a.state());
  AuditEntry entry{req.actor(), absl::StrCat("alert.", action), a.alert_id(), {}};
  auto refuse = [&](absl::string_view why) {
    return absl::FailedPreconditionError(
        absl::StrCat("alert ", a.alert_id(), " is ", state, ": ", why));
  };
  auto set_state = [&](v1::AlertState s) {
    entry.details.emplace_back("from_state", state);
    entry.details.emplace_back("to_state", StateName(s));
    a.set_state(s);
    a.set_state_changed_unix_ms(now_ms);
  };
  switch (req.action()) {
    case v1::ALERT_ACTION_ACKNOWLEDGE:
      if (a.state() != v1::ALERT_STATE_OPEN) return refuse("only an open alert is acknowledged");
      set_state(v1::ALERT_STATE_ACKNOWLEDGED);
      if (!req.assignee().empty()) a.set_assignee(req.assignee());
      break;
    case v1::ALERT_ACTION_ASSIGN:
      a.set_assignee(req.assignee());
      break;
    case v1::ALERT_ACTION_COMMENT:
      break;
    case v1::ALERT_ACTION_RESOLVE:
      if (a.state() == v1::ALERT_STATE_RESOLVED) return refuse("it is resolved already");
      set_state(v1::ALERT_STATE_RESOLVED);
      a.set_disposition(req.disposition());
      a.set_resolution_comment(req.comment());
      a.set_resolved_by(req.actor());
      entry.details.emplace_back("disposition", Lower(v1::Disposition_Name(req.disposition()),
                                                      sizeof("DISPOSITION_") - 1));
      if (req.has_licence()) {
        *a.mutable_licence() = req.licence();
        entry.details.emplace_back("licence", req.licence().reference());
        if (req.licence().expires_unix_ms() != 0) {
          entry.details.emplace_back("licence_expires_unix_ms",
                                     absl::StrCat(req.licence().expires_unix_ms()));
        }
        if (req.licence().max_accelerators() != 0) {
          entry.details.emplace_back("licence_max_accelerators",
                                     absl::StrCat(req.licence().max_accelerators()));
        }
      }
      break;
    case v1::ALERT_ACTION_REOPEN:
      if (a.state() != v1::ALERT_STATE_RESOLVED) return refuse("only a resolved alert is reopened");
      set_state(v1::ALERT_STATE_OPEN);
      a.set_disposition(v1::DISPOSITION_UNSPECIFIED);
      a.set_resolution_comment("");
      a.clear_resolved_by();
      a.clear_licence();
      break;
    case v1::ALERT_ACTION_SUPPRESS:
      a.set_suppressed_until_unix_ms(req.suppress_until_unix_ms());
      entry.details.emplace_back("suppressed_until_unix_ms",
                                 absl::StrCat(req.suppress_until_unix_ms()));
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat("action: unknown value ", req.action()));
  }
  if (!req.assignee().empty()) entry.details.emplace_back("assignee", req.assignee());
  if (!req.comment().empty()) entry.details.emplace_back("comment", req.comment());
  return entry;
}

void CarryWorkflow(const v1::Alert& stored, v1::Alert& redetected) {
  redetected.set_first_detected_unix_ms(stored.first_detected_unix_ms());
  redetected.set_state(stored.state());
  redetected.set_assignee(stored.assignee());
  redetected.set_disposition(stored.disposition());
  redetected.set_resolution_comment(stored.resolution_comment());
  redetected.set_resolved_by(stored.resolved_by());
  if (stored.has_licence()) *redetected.mutable_licence() = stored.licence();
  redetected.set_suppressed_until_unix_ms(stored.suppressed_until_unix_ms());
  redetected.set_state_changed_unix_ms(stored.state_changed_unix_ms());
}

}  // namespace redflag

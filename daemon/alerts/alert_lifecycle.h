// What an analyst's step does to an alert: the states it may be taken in,
// the fields it sets, and what the audit log records of it.
//   open --acknowledge--> acknowledged --resolve--> resolved --reopen--> open
//   open --resolve--> resolved; assign, comment and suppress in any state.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "daemon/audit/audit_log.h"
#include "redflag/v1/alerts.pb.h"

namespace redflag {

// Applies a validated request to `alert` at `now_ms`; FAILED_PRECONDITION
// when its state does not allow the step. Returns the audit entry.
absl::StatusOr<AuditEntry> ApplyAlertAction(const v1::AlertActionRequest& request, int64_t now_ms,
                                            v1::Alert& alert);

// "open", "acknowledged", "resolved"; "critical", "high", ...: names used
// in the audit log and metric labels.
std::string StateName(v1::AlertState state);
std::string SeverityName(v1::Severity severity);

// A re-detection keeps what analysts did: state, assignee, disposition,
// suppression, first detection.
void CarryWorkflow(const v1::Alert& stored, v1::Alert& redetected);

}  // namespace redflag

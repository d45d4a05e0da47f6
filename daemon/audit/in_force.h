// What was in force, and since when: the policy (profile, config, country
// groups, accelerator catalog, levels) and each restricted-party list version
// are recorded in the audit log when they change, as "<subject>" records of
// action "in_force", so that a report on a past quarter can say which rules
// and lists applied then, and the record is as tamper-evident as the rest.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/audit/audit_log.h"
#include "daemon/storage/store.h"

namespace redflag {

// Appends an "in_force" record about `subject` (e.g. "policy", "list/csl")
// with `details`, unless the last one recorded for it had the same details.
// True when a record was written.
absl::StatusOr<bool> RecordInForce(AuditLog& audit, Store& store, const std::string& subject,
                                   const std::vector<std::pair<std::string, std::string>>& details,
                                   absl::Time now);

}  // namespace redflag

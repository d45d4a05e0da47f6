// How redflagctl prints alerts for a person: one line each with its
// summary beneath (`alerts list`), and one alert whole with its evidence,
// its workflow and its history from the audit log (`alerts show`).
#pragma once

#include <string>
#include <vector>

#include "redflag/v1/alerts.pb.h"
#include "redflag/v1/audit.pb.h"

namespace redflag::cli {

std::string FormatAlertList(const std::vector<redflag::v1::Alert>& alerts);
// `history`: the audit records about the alert, oldest first.
std::string FormatAlert(const redflag::v1::Alert& alert,
                        const std::vector<redflag::v1::AuditRecord>& history);

}  // namespace redflag::cli

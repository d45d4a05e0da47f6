// Small pieces every human-readable redflagctl view shares.
#pragma once

#include <cstdint>
#include <string>

#include "redflag/v1/alerts.pb.h"

namespace redflag::cli {

// "2026-11-24 08:00:00 UTC", or "-" for 0 (never).
std::string TimeText(int64_t unix_ms);
// "2026-11-24", or "-" for 0.
std::string DayText(int64_t unix_ms);
// "critical", "open", "true_positive": an enum value without its prefix, lower case.
std::string SeverityText(redflag::v1::Severity s);
std::string StateText(redflag::v1::AlertState s);
std::string DispositionText(redflag::v1::Disposition d);

}  // namespace redflag::cli

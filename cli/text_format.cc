#include "cli/text_format.h"

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace redflag::cli {
namespace {

std::string WithoutPrefix(const std::string& name, absl::string_view prefix) {
  absl::string_view n = name;
  if (n.substr(0, prefix.size()) == prefix) n.remove_prefix(prefix.size());
  return absl::AsciiStrToLower(n);
}

}  // namespace

std::string TimeText(int64_t unix_ms) {
  if (unix_ms == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", absl::FromUnixMillis(unix_ms),
                          absl::UTCTimeZone());
}

std::string DayText(int64_t unix_ms) {
  if (unix_ms == 0) return "-";
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

std::string SeverityText(v1::Severity s) {
  return WithoutPrefix(v1::Severity_Name(s), "SEVERITY_");
}
std::string StateText(v1::AlertState s) {
  return WithoutPrefix(v1::AlertState_Name(s), "ALERT_STATE_");
}
std::string DispositionText(v1::Disposition d) {
  return WithoutPrefix(v1::Disposition_Name(d), "DISPOSITION_");
}

}  // namespace redflag::cli

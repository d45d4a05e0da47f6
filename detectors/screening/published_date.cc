#include "detectors/screening/published_date.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace redflag::screening {
namespace {

// A publisher's clock and ours may disagree by hours, not by more than a day.
constexpr absl::Duration kFutureSlack = absl::Hours(24);

absl::StatusOr<absl::Time> ParseDay(absl::string_view s) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(s, &day)) return absl::InvalidArgumentError("not a date");
  return absl::FromCivil(day, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<absl::Time> ParsePublishedDate(absl::string_view text, absl::string_view file,
                                              absl::Time now) {
  absl::string_view line = text.substr(0, text.find('\n'));
  line = absl::StripAsciiWhitespace(line);
  absl::Time t;
  std::string error;
  if (absl::StatusOr<absl::Time> day = ParseDay(line); day.ok()) {
    t = *day;
  } else if (!absl::ParseTime(absl::RFC3339_full, line, &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        file, ": the first line must be the list's date, YYYY-MM-DD or RFC 3339, not \"",
        line.substr(0, 40), "\""));
  }
  if (t > now + kFutureSlack) {
    return absl::InvalidArgumentError(absl::StrCat(
        file, ": the date ", absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone()),
        " is in the future"));
  }
  return t;
}

}  // namespace redflag::screening

#include "daemon/screening/list_date.h"

#include <fstream>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "detectors/screening/published_date.h"

namespace redflag {
namespace {

constexpr size_t kMaxDateFile = 4096;

absl::StatusOr<absl::Time> ParseDay(absl::string_view s) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(s, &day)) return absl::InvalidArgumentError("not a date");
  return absl::FromCivil(day, absl::UTCTimeZone());
}

}  // namespace

ListDate DateOfList(const std::string& first_file, absl::string_view newest_entry_date,
                    int64_t file_mtime_unix, absl::Time now) {
  ListDate out;
  const std::string date_file = first_file + ".published";
  std::ifstream in(date_file, std::ios::binary);
  if (in) {
    std::string text(kMaxDateFile, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    absl::StatusOr<absl::Time> t = screening::ParsePublishedDate(text, date_file, now);
    if (t.ok()) {
      out.unix_seconds = absl::ToUnixSeconds(*t);
      out.source = absl::StrCat("date file ", date_file);
      return out;
    }
    out.problem = std::string(t.status().message());
  }
  if (absl::StatusOr<absl::Time> day = ParseDay(newest_entry_date); day.ok()) {
    out.unix_seconds = absl::ToUnixSeconds(*day);
    out.source = "newest entry date";
    return out;
  }
  out.unix_seconds = file_mtime_unix;
  out.source = "file time";
  return out;
}

}  // namespace redflag

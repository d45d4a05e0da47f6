// The date a restricted-party list was published, as a date file beside it
// writes it (`<file>.published`: scripts/fetch-lists.sh and the shipped
// copies in lists/).
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace redflag::screening {

// The text's first line: YYYY-MM-DD or RFC 3339. Anything else, or a date
// more than a day after `now`, is an error naming `file`.
absl::StatusOr<absl::Time> ParsePublishedDate(absl::string_view text, absl::string_view file,
                                              absl::Time now);

}  // namespace redflag::screening

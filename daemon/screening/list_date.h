// How recent a restricted-party list is, from the best evidence at hand: the
// publisher's date written beside the file (`<file>.published`, which
// scripts/fetch-lists.sh writes from the download's Last-Modified and the
// shipped copies carry), else the newest date an entry gives (the CSL's
// start_date), else the file's modification time, which a copy or a clone
// resets and is the weakest.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace redflag {

struct ListDate {
  int64_t unix_seconds = 0;
  // "date file <file>.published", "newest entry date" or "file time".
  std::string source;
  // Why a `.published` file beside the list was not used; empty if it was, or
  // if there is none.
  std::string problem;
};

// `newest_entry_date`: YYYY-MM-DD or empty. Reads `<first_file>.published`
// (at most 4 KiB) if it exists.
ListDate DateOfList(const std::string& first_file, absl::string_view newest_entry_date,
                    int64_t file_mtime_unix, absl::Time now);

}  // namespace redflag

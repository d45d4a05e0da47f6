// A CSV reader (RFC 4180: quoted fields, doubled quotes, CRLF or LF) that
// keeps each record's line number, so callers can point at the line of a
// bad value. Pure: text in, records out.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace redflag::detectors {

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// Blank lines are skipped. An unterminated quote is an error naming its line.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text);

}  // namespace redflag::detectors

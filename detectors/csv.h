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

// The records before a quoted field that never closes (a truncated file), and
// in `unclosed_quote_line` the line where that field opens (0 if none).
std::vector<CsvRecord> ParseCsvRecords(absl::string_view text, int* unclosed_quote_line);

}  // namespace redflag::detectors

// Reads the Consolidated Screening List in the CSV trade.gov publishes
// (consolidated.csv: 29 named columns, "; "-separated multi-valued cells).
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "detectors/screening/party_list.h"

namespace redflag::screening {

// Columns are found by their header names, so reordered or added columns
// still load. Repeated header rows are skipped. A row with the wrong number
// of fields, no name or an id seen before is reported and skipped; the file
// fails as a whole only when its header lacks a needed column or a quoted
// field never closes.
absl::StatusOr<PartyList> ParseCsl(absl::string_view text);

}  // namespace redflag::screening

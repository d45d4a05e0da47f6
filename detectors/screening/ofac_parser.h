// Reads OFAC's SDN list in its CSV data files: sdn.csv (one row per listed
// party), add.csv (addresses) and alt.csv (other names), joined on ent_num.
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "detectors/screening/party_list.h"

namespace redflag::screening {

// The files have no header; "-0-" is an empty cell and a trailing Ctrl-Z
// ends the file. Rows with the wrong number of fields or a non-numeric or
// repeated ent_num are problems, reported by file and line and skipped.
// add/alt rows whose ent_num sdn.csv does not list are orphans, skipped and
// counted apart: OFAC publishes the three files separately, and copies of
// different dates are common. add/alt may be empty.
absl::StatusOr<PartyList> ParseOfac(absl::string_view sdn_csv, absl::string_view add_csv,
                                    absl::string_view alt_csv);

}  // namespace redflag::screening

// A restricted-party list as the screening engine sees it, whatever format it
// was published in: entries with every name they go by, and the rows that
// could not be read, with their line numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace redflag::screening {

struct ListEntry {
  // The entry's id in its list: the CSL _id, the OFAC ent_num.
  std::string id;
  // The agency list it comes from, short ("SDN", "EL", "MEU") and as published.
  std::string source_code;
  std::string source;
  std::string type;  // "Entity", "Individual", "Vessel", ... (may be empty)
  std::string name;
  std::vector<std::string> aliases;
  // Addresses as listed, one line each ("31 Jinrong Street, ..., Beijing, 100033, CN").
  std::vector<std::string> addresses;
  // Web sites and e-mail domains the listing gives ("irisl.net"), lower case,
  // without scheme, "www." or path; and telephone numbers as listed.
  std::vector<std::string> domains;
  std::vector<std::string> phones;
  // ISO 3166-1 alpha-2 codes of addresses, citizenships and nationalities.
  std::vector<std::string> countries;
  std::string programs;
  // Where a person checks the listing.
  std::string source_url;
};

struct RowProblem {
  std::string file;  // which file of a multi-file list ("alt.csv"); empty for one-file lists
  int line = 0;      // 1-based line of the file where the row starts
  std::string message;
};

struct PartyList {
  std::vector<ListEntry> entries;
  // Rows skipped because they could not be read; the good rows still load.
  std::vector<RowProblem> problems;
  // Rows that are well formed but belong to no entry of this version: OFAC
  // add.csv/alt.csv rows of parties a differently dated sdn.csv does not list
  // (designated since, or delisted). Skipped and counted apart: they are no
  // sign of a damaged file.
  uint64_t orphan_rows = 0;
  std::vector<RowProblem> orphans;  // the first kOrphansKept of them
  static constexpr size_t kOrphansKept = 100;
  // The newest date an entry gives (the CSL's start_date, YYYY-MM-DD): the
  // list is at least this recent. Empty when the format carries no dates
  // (OFAC's CSV files).
  std::string newest_entry_date;
};

}  // namespace redflag::screening

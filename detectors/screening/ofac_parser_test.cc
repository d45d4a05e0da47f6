#include "detectors/screening/ofac_parser.h"

#include "detectors/screening/test_lists.h"
#include "gtest/gtest.h"

namespace redflag::screening {
namespace {

using testing::ReadTestFile;

TEST(OfacParser, JoinsThePublishedSdnAddAndAltFiles) {
  absl::StatusOr<PartyList> list =
      ParseOfac(ReadTestFile("ofac_2021-07-07/sdn.csv"), ReadTestFile("ofac_2021-07-07/add.csv"),
                ReadTestFile("ofac_2021-07-07/alt.csv"));
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->entries.size(), 8976u);  // the Ctrl-Z after the last row is no row
  EXPECT_TRUE(list->problems.empty());
  size_t aliases = 0;
  for (const ListEntry& e : list->entries) aliases += e.aliases.size();
  EXPECT_EQ(aliases, 11910u - 4);  // four alt.csv names repeat their primary name

  const ListEntry& first = list->entries.front();
  EXPECT_EQ(first.id, "36");
  EXPECT_EQ(first.name, "AEROCARIBBEAN AIRLINES");
  EXPECT_EQ(first.type, "Entity");
  EXPECT_EQ(first.programs, "CUBA");
  EXPECT_EQ(first.source_code, "SDN");
  EXPECT_EQ(first.aliases, std::vector<std::string>{"AERO-CARIBBEAN"});
  EXPECT_EQ(first.countries, std::vector<std::string>{"CU"});
  EXPECT_EQ(first.source_url, "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=36");
}

TEST(OfacParser, CountryNamesAsOfacWritesThemBecomeCodes) {
  absl::StatusOr<PartyList> list =
      ParseOfac("1,\"A\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
                "1,1,-0- ,\"Pyongyang\",\"Korea, North\",-0- \r\n"
                "1,2,-0- ,\"Yangon\",\"Burma\",-0- \r\n"
                "1,3,-0- ,\"Tehran\",\"Iran\",-0- \r\n"
                "1,4,-0- ,\"Macau\",\"Macau\",-0- \r\n"
                "1,5,-0- ,\"Nowhere\",\"undetermined\",-0- \r\n",
                "");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->entries[0].countries, (std::vector<std::string>{"KP", "MM", "IR", "MO"}));
}

// OFAC publishes sdn.csv, add.csv and alt.csv separately, and an operator's
// copies are often of different dates: here the SDN file of 2024-05-03 with
// the address and alias files of 2025-02-27. Their rows for the 2,111 parties
// designated since (2,474 addresses, 1,468 aliases, counted independently with
// Python's csv module) are orphans, counted apart; no row is bad, so the list
// loads whole.
TEST(OfacParser, FilesOfDifferentDatesLoadWithTheOrphansCountedApart) {
  absl::StatusOr<PartyList> list = ParseOfac(ReadTestFile("ofac_sdn_2024-05-03/sdn.csv"),
                                             ReadTestFile("ofac_add_alt_2025-02-27/add.csv"),
                                             ReadTestFile("ofac_add_alt_2025-02-27/alt.csv"));
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->entries.size(), 14965u);
  EXPECT_TRUE(list->problems.empty()) << list->problems.front().message;
  EXPECT_EQ(list->orphan_rows, 2474u + 1468u);
  ASSERT_EQ(list->orphans.size(), PartyList::kOrphansKept);
  EXPECT_EQ(list->orphans.front().file, "add.csv");
  EXPECT_NE(list->orphans.front().message.find("is not in sdn.csv"), std::string::npos);
  // The parties both dates list keep their newer aliases and addresses.
  size_t with_alias = 0;
  for (const ListEntry& e : list->entries) with_alias += e.aliases.empty() ? 0 : 1;
  EXPECT_GT(with_alias, 5000u);
  // Addresses as one line each, the empty cells ("-0-") left out.
  for (const ListEntry& e : list->entries) {
    if (e.id != "25578") continue;
    ASSERT_GE(e.addresses.size(), 3u);
    EXPECT_EQ(e.addresses[0], "Ferdowsi Avenue - PO Box 11365-171, Tehran, Iran");
    EXPECT_EQ(e.addresses[2], "Room 704-6, Wheelock Hse, 20 Pedder St, Hong Kong");
  }
  // The CSV files carry no list date.
  EXPECT_EQ(list->newest_entry_date, "");
}

TEST(OfacParser, BadRowsAreReportedByFileAndLine) {
  absl::StatusOr<PartyList> list = ParseOfac(
      "1,\"ALPHA\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      "x,\"BETA\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      "3,\"GAMMA\",\"individual\"\r\n"
      "4,-0- ,-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      "1,\"ALPHA AGAIN\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a",
      "",
      "1,10,\"aka\",\"ALPHA ONE\",-0- \r\n7,11,\"aka\",\"ORPHAN\",-0- \r\n1,12,\"aka\",-0- ,-0- "
      "\r\n");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->entries.size(), 1u);
  EXPECT_EQ(list->entries[0].aliases, std::vector<std::string>{"ALPHA ONE"});
  std::vector<std::string> seen;
  for (const RowProblem& p : list->problems) {
    seen.push_back(p.file + ":" + std::to_string(p.line) + ": " + p.message);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "sdn.csv:3: 3 fields, expected 12",
                      "sdn.csv:2: ent_num \"x\" is not a number",
                      "sdn.csv:4: name is empty (ent_num 4)",
                      "sdn.csv:5: ent_num 1 repeats the row on line 1",
                      "alt.csv:3: alt_name is empty",
                  }));
  // The alias of a party this sdn.csv does not list is an orphan, not a
  // problem: counted apart, with its place.
  EXPECT_EQ(list->orphan_rows, 1u);
  ASSERT_EQ(list->orphans.size(), 1u);
  EXPECT_EQ(list->orphans[0].file + ":" + std::to_string(list->orphans[0].line) + ": " +
                list->orphans[0].message,
            "alt.csv:2: ent_num 7 is not in sdn.csv");
}

}  // namespace
}  // namespace redflag::screening

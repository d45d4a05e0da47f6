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
                      "alt.csv:2: ent_num 7 is not in sdn.csv",
                      "alt.csv:3: alt_name is empty",
                  }));
}

}  // namespace
}  // namespace redflag::screening

#include "detectors/screening/csl_parser.h"

#include "detectors/screening/test_lists.h"
#include "gtest/gtest.h"

namespace redflag::screening {
namespace {

using testing::ReadTestFile;

const ListEntry* FindEntry(const PartyList& list, const std::string& source,
                           const std::string& id) {
  for (const ListEntry& e : list.entries) {
    if (e.source_code == source && e.id == id) return &e;
  }
  return nullptr;
}

TEST(CslParser, LoadsThePublishedFileWithItsRepeatedHeaderAndTruncatedLastRow) {
  absl::StatusOr<PartyList> list = ParseCsl(ReadTestFile("csl_2023-11-30/csl.csv"));
  ASSERT_TRUE(list.ok()) << list.status();
  // 4,228 data rows after the two header rows; the last is cut off mid-field.
  EXPECT_EQ(list->entries.size(), 4226u);
  ASSERT_EQ(list->problems.size(), 1u);
  EXPECT_EQ(list->problems[0].line, 4233);
  EXPECT_EQ(list->problems[0].message, "a quoted field is not closed (truncated file?)");

  const ListEntry* vtb = FindEntry(*list, "SSI", "17013");
  ASSERT_NE(vtb, nullptr);
  EXPECT_EQ(vtb->name, "VTB BANK PUBLIC JOINT STOCK COMPANY");
  EXPECT_EQ(vtb->source, "Sectoral Sanctions Identifications List (SSI) - Treasury Department");
  EXPECT_EQ(vtb->type, "Entity");
  EXPECT_EQ(vtb->programs, "UKRAINE-EO13662; RUSSIA-EO14024");
  EXPECT_EQ(vtb->aliases.front(), "JSC VTB BANK");
  EXPECT_GT(vtb->aliases.size(), 5u);
  EXPECT_EQ(vtb->countries, std::vector<std::string>{"RU"});
  ASSERT_EQ(vtb->addresses.size(), 9u);
  EXPECT_EQ(vtb->addresses.front(), "29, Bolshaya Morskaya str., St. Petersburg, 190000, RU");
  // The newest start_date of any entry: the list is at least that recent.
  EXPECT_EQ(list->newest_entry_date, "2023-11-16");

  // The same party listed by two agencies under one _id is two entries.
  EXPECT_NE(FindEntry(*list, "SSI", "17014"), nullptr);
  EXPECT_NE(FindEntry(*list, "NS-MBS List", "17014"), nullptr);
}

TEST(CslParser, CurrentExcerptLoadsEveryRow) {
  absl::StatusOr<PartyList> list = ParseCsl(ReadTestFile("csl_sample_2025-06-25/consolidated.csv"));
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->entries.size(), 13u);
  EXPECT_TRUE(list->problems.empty());
}

constexpr char kHeader[] =
    "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,"
    "start_date,end_date,standard_order,license_requirement,license_policy,call_sign,"
    "vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,"
    "source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,"
    "source_information_url,ids\n";

std::string Row(const std::string& id, const std::string& name, const std::string& aliases = "",
                const std::string& addresses = "") {
  return "\"" + id + "\",\"Entity List (EL) - Bureau of Industry and Security\",,,,\"" + name +
         "\",,\"" + addresses + "\",,,,,,,,,,,,,,,\"" + aliases + "\",,,,,,\n";
}

TEST(CslParser, BadRowsAreReportedWithLineNumbersAndGoodRowsLoad) {
  std::string text = std::string(kHeader) + Row("1", "Alpha Trading Ltd.", "ALPHA; ALPHA TR") +
                     "\"2\",\"Entity List (EL)\",short row\n" + Row("3", "") + Row("", "No Id") +
                     Row("1", "Alpha again") +
                     Row("4", "Beta Co.", "", "1 Road, Beijing, CN; X, RU");
  absl::StatusOr<PartyList> list = ParseCsl(text);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->entries.size(), 2u);
  EXPECT_EQ(list->entries[0].aliases, (std::vector<std::string>{"ALPHA", "ALPHA TR"}));
  EXPECT_EQ(list->entries[0].source_code, "EL");
  EXPECT_EQ(list->entries[1].countries, (std::vector<std::string>{"CN", "RU"}));
  ASSERT_EQ(list->problems.size(), 4u);
  EXPECT_EQ(list->problems[0].line, 3);
  EXPECT_EQ(list->problems[0].message, "3 fields, the header has 29 (truncated row?)");
  EXPECT_EQ(list->problems[1].line, 4);
  EXPECT_EQ(list->problems[1].message, "name is empty (_id 3)");
  EXPECT_EQ(list->problems[2].message, "_id is empty");
  EXPECT_EQ(list->problems[3].line, 6);
  EXPECT_EQ(list->problems[3].message, "_id 1 of EL repeats the row on line 2");
}

TEST(CslParser, ColumnsAreFoundByNameInAnyOrder) {
  absl::StatusOr<PartyList> list = ParseCsl(
      "name,alt_names,addresses,source,_id\n\"Gamma LLC\",\"G1; G2\",\"Minsk, BY\",SDN,9\n");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->entries.size(), 1u);
  EXPECT_EQ(list->entries[0].name, "Gamma LLC");
  EXPECT_EQ(list->entries[0].id, "9");
  EXPECT_EQ(list->entries[0].countries, std::vector<std::string>{"BY"});
}

TEST(CslParser, AFileThatIsNotACslFailsNamingTheMissingColumn) {
  absl::StatusOr<PartyList> list = ParseCsl("ent_num,SDN_Name\n1,X\n");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().message(),
            "line 1: the header has no \"_id\" column (is this a CSL file?)");
  EXPECT_FALSE(ParseCsl("").ok());
}

}  // namespace
}  // namespace redflag::screening

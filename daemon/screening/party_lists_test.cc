#include "daemon/screening/party_lists.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"

namespace redflag {
namespace {

namespace fs = std::filesystem;

std::string TestData(const std::string& relative) {
  std::ifstream in(std::string(REDFLAG_SOURCE_DIR) + "/tests/data/screening/" + relative,
                   std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class PartyListsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("party-lists-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_.csl_file = (dir_ / "consolidated.csv").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes a file and moves its modification time on, so the change shows
  // even within the file system's time resolution.
  void Write(const std::string& name, const std::string& text) {
    static int generation = 0;
    std::ofstream(dir_ / name, std::ios::binary) << text;
    fs::last_write_time(dir_ / name,
                        fs::file_time_type::clock::now() + std::chrono::seconds(++generation));
  }

  fs::path dir_;
  ScreeningConfig config_;
};

TEST_F(PartyListsTest, LoadsTheConfiguredCslAndScreensAgainstIt) {
  Write("consolidated.csv", TestData("csl_2023-11-30/csl.csv"));
  PartyLists lists(config_);
  EXPECT_EQ(lists.Refresh(false), std::vector<std::string>{"csl"});
  std::vector<ListHit> hits = lists.Screen("Рособоронэкспорт", "RU");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().list->name, "csl");
  EXPECT_EQ(hits.front().hit.matched_name, "ROSOBORONEKSPORT OAO");
  std::vector<ListStatus> status = lists.Status();
  ASSERT_EQ(status.size(), 1u);
  ASSERT_NE(status[0].in_use, nullptr);
  EXPECT_EQ(status[0].in_use->index->entries().size(), 4226u);
  EXPECT_EQ(status[0].in_use->index->problems().size(), 1u);  // the truncated last row
  EXPECT_EQ(status[0].loads, 1u);
  // Unchanged files are not read again.
  EXPECT_TRUE(lists.Refresh(false).empty());
}

TEST_F(PartyListsTest, ABrokenOrEmptyNewVersionNeverReplacesTheGoodOne) {
  const std::string good = TestData("csl_2023-11-30/csl.csv");
  Write("consolidated.csv", good);
  PartyLists lists(config_);
  ASSERT_EQ(lists.Refresh(false).size(), 1u);
  const std::string sha = lists.Status()[0].in_use->sha256;

  // Empty file, header only, not a CSL, half the rows cut short.
  const std::string header = good.substr(0, good.find('\n') + 1);
  std::string mangled;
  std::istringstream rows(good);
  int n = 0;
  for (std::string line; std::getline(rows, line);) {
    mangled += (++n % 2 == 0 && n > 2) ? line.substr(0, 40) + "\n" : line + "\n";
  }
  for (const std::string& bad :
       {std::string(), header, std::string("ent_num,name\n1,X\n"), mangled}) {
    Write("consolidated.csv", bad);
    EXPECT_TRUE(lists.Refresh(false).empty());
    ListStatus s = lists.Status()[0];
    EXPECT_EQ(s.in_use->sha256, sha);
    EXPECT_FALSE(s.last_error.empty());
    EXPECT_FALSE(lists.Screen("Rosoboroneksport", "").empty());
  }
  EXPECT_EQ(lists.Status()[0].refusals, 4u);
  fs::remove(dir_ / "consolidated.csv");
  EXPECT_TRUE(lists.Refresh(true).empty());
  EXPECT_NE(lists.Status()[0].last_error.find("cannot read"), std::string::npos);
  EXPECT_FALSE(lists.Screen("Rosoboroneksport", "").empty());
}

TEST_F(PartyListsTest, AFewBadRowsLoadTheRestAndTheNewVersionIsUsed) {
  Write("consolidated.csv", TestData("csl_sample_2025-06-25/consolidated.csv"));
  PartyLists lists(config_);
  config_.max_bad_row_fraction = 0.2;
  PartyLists tolerant(config_);
  ASSERT_EQ(tolerant.Refresh(false).size(), 1u);
  const size_t before = tolerant.Status()[0].in_use->index->entries().size();
  std::string text = TestData("csl_sample_2025-06-25/consolidated.csv");
  if (text.back() != '\n') text += "\r\n";  // the published file ends without one
  text += "\"x1\",\"Entity List (EL)\",too,short\n";
  Write("consolidated.csv", text);
  ASSERT_EQ(tolerant.Refresh(false), std::vector<std::string>{"csl"});
  const auto& index = *tolerant.Status()[0].in_use->index;
  EXPECT_EQ(index.entries().size(), before);
  ASSERT_EQ(index.problems().size(), 1u);
  EXPECT_EQ(index.problems()[0].line, 15);
  // At the default 1 %, one bad row in 14 is too many.
  EXPECT_TRUE(lists.Refresh(false).empty());
  EXPECT_NE(lists.Status()[0].last_error.find("1 of 14 rows unreadable"), std::string::npos);
}

TEST_F(PartyListsTest, AFileCutShortIsRefusedUnlessShrinkingIsAllowed) {
  const std::string good = TestData("csl_2023-11-30/csl.csv");
  Write("consolidated.csv", good);
  PartyLists lists(config_);
  ASSERT_EQ(lists.Refresh(false).size(), 1u);
  // The first third of the file, as a failed copy leaves it: one unreadable
  // row (the cut one), far fewer entries.
  Write("consolidated.csv", good.substr(0, good.size() / 3));
  EXPECT_TRUE(lists.Refresh(false).empty());
  EXPECT_NE(lists.Status()[0].last_error.find("fewer than screening.min_kept_fraction 0.5 of the "
                                              "4226 in use (a file cut short?)"),
            std::string::npos)
      << lists.Status()[0].last_error;
  EXPECT_EQ(lists.Status()[0].in_use->index->entries().size(), 4226u);

  config_.min_kept_fraction = 0;
  PartyLists shrinking(config_);
  Write("consolidated.csv", good);
  ASSERT_EQ(shrinking.Refresh(false).size(), 1u);
  Write("consolidated.csv", TestData("csl_sample_2025-06-25/consolidated.csv"));
  EXPECT_EQ(shrinking.Refresh(false).size(), 1u);
  EXPECT_EQ(shrinking.Status()[0].in_use->index->entries().size(), 13u);
}

TEST_F(PartyListsTest, OfacNeedsItsThreeFiles) {
  config_.csl_file.clear();
  config_.ofac_sdn_file = (dir_ / "sdn.csv").string();
  Write("sdn.csv", TestData("ofac_2021-07-07/sdn.csv"));
  Write("add.csv", TestData("ofac_2021-07-07/add.csv"));
  PartyLists lists(config_);
  EXPECT_TRUE(lists.Refresh(false).empty());
  EXPECT_NE(lists.Status()[0].last_error.find("alt.csv: cannot read"), std::string::npos);
  Write("alt.csv", TestData("ofac_2021-07-07/alt.csv"));
  EXPECT_EQ(lists.Refresh(false), std::vector<std::string>{"ofac_sdn"});
  std::vector<ListHit> hits = lists.Screen("بانک ملت", "IR");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().hit.matched_name, "BANK MELLAT");
}

TEST_F(PartyListsTest, NothingConfiguredScreensNothing) {
  PartyLists lists(ScreeningConfig{});
  EXPECT_FALSE(lists.configured());
  EXPECT_TRUE(lists.Refresh(true).empty());
  EXPECT_TRUE(lists.Screen("Sberbank", "").empty());
}

}  // namespace
}  // namespace redflag

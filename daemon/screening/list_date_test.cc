#include "daemon/screening/list_date.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/status/statusor.h"
#include "detectors/screening/published_date.h"
#include "gtest/gtest.h"

namespace redflag {
namespace {

using screening::ParsePublishedDate;

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 12, 1, 12, 0, 0), absl::UTCTimeZone());

TEST(ListDate, ThePublishedFileTakesADayOrAnRfc3339Time) {
  absl::StatusOr<absl::Time> t = ParsePublishedDate("2024-05-03\n", "sdn.csv.published", kNow);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, absl::FromCivil(absl::CivilDay(2024, 5, 3), absl::UTCTimeZone()));
  t = ParsePublishedDate("2024-05-03T18:43:23Z  \nfetched by fetch-lists.sh\n", "f", kNow);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(absl::ToUnixSeconds(*t), 1714761803);
}

TEST(ListDate, ABadOrFutureDateIsAnErrorNamingTheFile) {
  for (const char* text : {"", "May 3, 2024", "2024-13-01", "yesterday"}) {
    absl::StatusOr<absl::Time> t = ParsePublishedDate(text, "lists/ofac/sdn.csv.published", kNow);
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_NE(t.status().message().find("lists/ofac/sdn.csv.published: the first line"),
              std::string::npos)
        << t.status();
  }
  absl::StatusOr<absl::Time> t = ParsePublishedDate("2027-01-01", "f.published", kNow);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("is in the future"), std::string::npos) << t.status();
  // A day ahead is a clock difference, not an error.
  EXPECT_TRUE(ParsePublishedDate("2026-12-02", "f.published", kNow).ok());
}

TEST(ListDate, PublisherDateThenNewestEntryThenFileTime) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("list_date_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
       std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string list = (dir / "consolidated.csv").string();
  std::ofstream(list) << "x";
  const int64_t mtime = 1800000000;

  ListDate d = DateOfList(list, "", mtime, kNow);
  EXPECT_EQ(d.unix_seconds, mtime);
  EXPECT_EQ(d.source, "file time");
  EXPECT_EQ(d.problem, "");

  d = DateOfList(list, "2023-11-16", mtime, kNow);
  EXPECT_EQ(d.unix_seconds, absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2023, 11, 16),
                                                                absl::UTCTimeZone())));
  EXPECT_EQ(d.source, "newest entry date");

  std::ofstream(list + ".published") << "2023-11-30\n";
  d = DateOfList(list, "2023-11-16", mtime, kNow);
  EXPECT_EQ(d.unix_seconds, absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2023, 11, 30),
                                                                absl::UTCTimeZone())));
  EXPECT_EQ(d.source, "date file " + list + ".published");

  // An unreadable date file does not stop the list: it is dated otherwise,
  // and the problem is told.
  std::ofstream(list + ".published") << "last Tuesday\n";
  d = DateOfList(list, "2023-11-16", mtime, kNow);
  EXPECT_EQ(d.source, "newest entry date");
  EXPECT_NE(d.problem.find(".published: the first line must be the list's date"), std::string::npos)
      << d.problem;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace redflag

#include "detectors/csv.h"

#include <gtest/gtest.h>

namespace redflag::detectors {
namespace {

TEST(ParseCsv, QuotedFieldsWithCommasQuotesAndNewlinesKeepTheirLine) {
  auto r = ParseCsv("a,b,c\r\n1,\"x, \"\"y\"\"\",3\n\n\"multi\nline\",5,\n");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].line, 1);
  EXPECT_EQ((*r)[1].line, 2);
  EXPECT_EQ((*r)[1].fields, (std::vector<std::string>{"1", "x, \"y\"", "3"}));
  EXPECT_EQ((*r)[2].line, 4);  // the blank line 3 is skipped
  EXPECT_EQ((*r)[2].fields, (std::vector<std::string>{"multi\nline", "5", ""}));
}

TEST(ParseCsv, LastRecordWithoutNewline) {
  auto r = ParseCsv("a,b\n1,2");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].fields, (std::vector<std::string>{"1", "2"}));
}

TEST(ParseCsv, UnclosedQuoteNamesItsLine) {
  auto r = ParseCsv("a,b\n1,2\n3,\"open\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "line 3: a quoted field is not closed");
}

}  // namespace
}  // namespace redflag::detectors

#include "detectors/country_policy.h"

#include "detectors/shipped_country_policy.h"
#include "gtest/gtest.h"

namespace redflag::detectors {
namespace {

// A copy, so a test may change its settings.
CountryPolicy Shipped() { return ShippedCountryPolicy(); }

TEST(CountryPolicy, CambodiaIsD5BeforeItsRemovalOn2026_02_03AndNotFrom) {
  CountryPolicy p = Shipped();
  const CountryGroupRow* before = p.AdversaryLinked("KH", absl::CivilDay(2026, 2, 2));
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(before->group, "d5");
  EXPECT_NE(CountryPolicy::Describe(*before).find("KH in d5 until 2026-02-03 ("),
            std::string::npos);
  EXPECT_EQ(p.AdversaryLinked("KH", absl::CivilDay(2026, 2, 3)), nullptr);
  EXPECT_EQ(p.AdversaryLinked("KH", absl::CivilDay(2026, 11, 24)), nullptr);
}

TEST(CountryPolicy, TheShippedGroupsAsTheRulesDefineThem) {
  CountryPolicy p = Shipped();
  const absl::CivilDay today(2026, 11, 24);
  int d5 = 0, aia = 0;
  for (const CountryGroupRow& r : p.rows()) {
    d5 += r.group == "d5" && p.Membership("d5", r.country, today) != nullptr;
    aia += r.group == "aia" && p.AiAuthorized(r.country, today) != nullptr;
  }
  EXPECT_EQ(d5, 22);   // 23 in 2025, less Cambodia
  EXPECT_EQ(aia, 19);  // 18 destinations and the United States
  for (const char* c : {"CN", "RU", "IR", "KP", "VE", "MO"}) {
    EXPECT_NE(p.AdversaryLinked(c, today), nullptr) << c;
  }
  for (const char* c : {"US", "DE", "JP", "CY", "SG", "AE", "IN"}) {
    EXPECT_EQ(p.AdversaryLinked(c, today), nullptr) << c;
  }
  EXPECT_EQ(p.AiAuthorized("TW", today)->group, "aia");
  EXPECT_EQ(p.AiAuthorized("SG", today), nullptr);
  EXPECT_EQ(p.AiAuthorized("DE", absl::CivilDay(2024, 12, 31)), nullptr);  // before the rule
}

TEST(CountryPolicy, HongKongFollowsTheSetting) {
  CountryPolicy p = Shipped();
  const absl::CivilDay today(2026, 11, 24);
  const CountryGroupRow* hk = p.AdversaryLinked("HK", today);
  ASSERT_NE(hk, nullptr);
  EXPECT_EQ(hk->country, "CN");
  p.set_hong_kong_as_china(false);
  EXPECT_EQ(p.AdversaryLinked("HK", today), nullptr);
}

TEST(CountryPolicy, BadRowsAreLocatedAndNamed) {
  absl::StatusOr<CountryPolicy> p = CountryPolicy::Parse(
      "group,country,name,from,until,source\n"
      "d6,CN,China,,,x\n"
      "d5,China,China,,,x\n"
      "d5,RU,Russia,2026-13-01,,x\n"
      "d5,IR,Iran,2026-02-01,2026-01-01,x\n"
      "d5,SY,Syria,,,\n"
      "d5,KP,North Korea,,,x\n"
      "d5,KP,North Korea,2020-01-01,,x\n",
      "groups.csv");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(),
            "groups.csv:2: group: \"d6\" is not one of d5, macau, aia\n"
            "groups.csv:3: country: \"China\" is not an ISO 3166-1 alpha-2 code\n"
            "groups.csv:4: from: \"2026-13-01\" is not a date (YYYY-MM-DD)\n"
            "groups.csv:5: until: must be after from\n"
            "groups.csv:6: source: is empty: every row names where it comes from\n"
            "groups.csv:8: country: KP is already in d5 for some of these days (line 7)");
  EXPECT_FALSE(CountryPolicy::Parse("group,country\nd5,CN\n", "g.csv").ok());
}

}  // namespace
}  // namespace redflag::detectors

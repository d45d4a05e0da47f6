#include "daemon/access/access_log.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "daemon/storage/memory_store.h"
#include "detectors/shipped_country_policy.h"

namespace redflag {
namespace {

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 11, 24, 12, 0, 0), absl::UTCTimeZone());

std::shared_ptr<const detectors::CountryPolicy> Policy() {
  return std::make_shared<const detectors::CountryPolicy>(detectors::ShippedCountryPolicy());
}

class AccessLogTest : public ::testing::Test {
 protected:
  AccessLogTest() : customers_(store_, false), alerts_(store_, false) {
    PolicyConfig config;
    config.access_window = absl::Hours(24 * 30);
    config.access_min_events = 4;
    config.access_flagged_share = 0.5;
    log_ = std::make_unique<AccessLog>(store_, false, customers_, alerts_, Policy(), config);
  }

  void Customer(const std::string& id, const std::string& hq) {
    v1::CustomerProfile p;
    p.set_customer_id(id);
    p.set_headquarters_country(hq);
    ASSERT_TRUE(customers_.Upsert(p, 1).ok());
  }
  v1::RecordAccessRequest Events(const std::string& customer,
                                 std::vector<std::pair<std::string, absl::Duration>> where_ago) {
    v1::RecordAccessRequest r;
    int i = 0;
    for (const auto& [country, ago] : where_ago) {
      v1::AccessEvent* e = r.add_events();
      e->set_customer_id(customer);
      e->set_source_ip("203.0.113.7");
      e->set_country(country);
      e->set_time_unix_ms(absl::ToUnixMillis(kNow - ago));
      e->set_event_id(absl::StrCat(i++));
    }
    return r;
  }
  size_t AlertCount() { return alerts_.List(v1::ListAlertsRequest())->alerts_size(); }

  MemoryStore store_;
  CustomerRegistry customers_;
  AlertStore alerts_;
  std::unique_ptr<AccessLog> log_;
};

TEST_F(AccessLogTest, OnlyEventsInsideTheWindowCount) {
  Customer("c", "US");
  const absl::Duration day = absl::Hours(24);
  ASSERT_TRUE(log_->Record(Events("c", {{"CN", 40 * day},
                                        {"CN", 35 * day},
                                        {"CN", 31 * day},
                                        {"US", 2 * day},
                                        {"US", day},
                                        {"CN", absl::Hours(1)}}),
                           kNow)
                  .ok());
  absl::StatusOr<v1::AccessSummary> s = log_->Summary("c", kNow);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->events(), 3u);  // the three older than 30 days are outside
  EXPECT_EQ(s->flagged_events(), 1u);
  EXPECT_EQ(AlertCount(), 0u);  // 3 events: too few to judge
}

TEST_F(AccessLogTest, TheSameEventTwiceIsOneEvent) {
  Customer("c", "US");
  v1::RecordAccessRequest r = Events("c", {{"CN", absl::Hours(1)}, {"US", absl::Hours(2)}});
  ASSERT_TRUE(log_->Record(r, kNow).ok());
  ASSERT_TRUE(log_->Record(r, kNow).ok());
  EXPECT_EQ(log_->Summary("c", kNow)->events(), 2u);
}

TEST_F(AccessLogTest, AFindingOnlyForAMismatchWithADeclaredHeadquarters) {
  Customer("us", "US");
  Customer("ru", "RU");
  std::vector<std::pair<std::string, absl::Duration>> mostly_russia = {{"RU", absl::Hours(1)},
                                                                       {"RU", absl::Hours(2)},
                                                                       {"RU", absl::Hours(3)},
                                                                       {"US", absl::Hours(4)}};
  ASSERT_TRUE(log_->Record(Events("us", mostly_russia), kNow).ok());
  ASSERT_TRUE(log_->Record(Events("ru", mostly_russia), kNow).ok());
  ASSERT_TRUE(log_->Record(Events("no-profile", mostly_russia), kNow).ok());
  absl::StatusOr<v1::ListAlertsResponse> listed = alerts_.List(v1::ListAlertsRequest());
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->alerts_size(), 1);
  EXPECT_EQ(listed->alerts(0).alert_id(), "access_geography/customer/us/flagged_share");
  EXPECT_EQ(listed->alerts(0).level(), "flagged_share>=50%");
}

TEST_F(AccessLogTest, AFailedWriteIsReturned) {
  Customer("c", "US");
  store_.set_fail_writes(true);
  EXPECT_FALSE(log_->Record(Events("c", {{"CN", absl::Hours(1)}}), kNow).ok());
  store_.set_fail_writes(false);
  EXPECT_EQ(log_->Summary("c", kNow)->events(), 0u);
}

}  // namespace
}  // namespace redflag

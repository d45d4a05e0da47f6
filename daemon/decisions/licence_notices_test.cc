#include "daemon/decisions/licence_notices.h"

#include <gtest/gtest.h>

#include "daemon/alerts/alert_store.h"
#include "daemon/audit/audit_log.h"
#include "daemon/storage/memory_store.h"

namespace redflag {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1795478400);  // 2026-11-24
constexpr absl::Duration kDay = absl::Hours(24);

class LicenceNoticesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    audit_ = std::move(*AuditLog::Open(store_, false));
    alerts_ = std::make_unique<AlertStore>(store_, false, audit_.get());
  }
  // A finding about `customer` resolved as `d`, with a licence ending at
  // `ends` (none when InfiniteFuture).
  void Resolved(const std::string& customer, v1::Disposition d, const std::string& licence,
                absl::Time ends) {
    v1::Alert a = NewAlert("dedicated_capacity_licence", "customer", customer, "CN");
    a.set_customer_id(customer);
    a.set_level("CN");
    ASSERT_TRUE(alerts_->Put(a).ok());
    v1::AlertActionRequest r;
    r.set_alert_id(a.alert_id());
    r.set_action(v1::ALERT_ACTION_RESOLVE);
    r.set_actor("carol");
    r.set_disposition(d);
    if (!licence.empty()) r.mutable_licence()->set_reference(licence);
    if (ends != absl::InfiniteFuture()) {
      r.mutable_licence()->set_expires_unix_ms(absl::ToUnixMillis(ends));
    }
    ASSERT_TRUE(alerts_->Act(r, kNow).ok());
  }
  std::map<std::string, v1::Alert> Notices() {
    v1::ListAlertsRequest req;
    req.mutable_filter()->add_rules("licence_ending");
    absl::StatusOr<v1::ListAlertsResponse> listed = alerts_->List(req);
    EXPECT_TRUE(listed.ok()) << listed.status();
    std::map<std::string, v1::Alert> out;
    if (!listed.ok()) return out;
    for (const v1::Alert& a : listed->alerts()) out[a.subject_id()] = a;
    return out;
  }

  MemoryStore store_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<AlertStore> alerts_;
};

TEST_F(LicenceNoticesTest, ALicenceEndingWithinTheNoticeAlertsThenAgainWhenItHasEnded) {
  Resolved("dragon", v1::DISPOSITION_LICENCE_OBTAINED, "D555", kNow + 10 * kDay);
  Resolved("later", v1::DISPOSITION_LICENCE_OBTAINED, "D556", kNow + 60 * kDay);
  Resolved("forever", v1::DISPOSITION_LICENCE_OBTAINED, "D557", absl::InfiniteFuture());
  Resolved("wrong", v1::DISPOSITION_FALSE_POSITIVE, "", absl::InfiniteFuture());
  LicenceNotices notices(*alerts_, 30 * kDay);
  ASSERT_TRUE(notices.EvaluateOnce(kNow).ok());
  std::map<std::string, v1::Alert> n = Notices();
  ASSERT_EQ(n.size(), 1u);
  const v1::Alert soon = n.at("dragon");
  EXPECT_EQ(soon.level(), "ends_soon");
  EXPECT_EQ(soon.severity(), v1::SEVERITY_WARNING);
  EXPECT_NE(soon.summary().find("licence D555 of customer dragon ends on 2026-12-04"),
            std::string::npos)
      << soon.summary();
  // Past its end: the same alert, now high; the 60-day one is within notice.
  ASSERT_TRUE(notices.EvaluateOnce(kNow + 31 * kDay).ok());
  n = Notices();
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n.at("dragon").level(), "ended");
  EXPECT_EQ(n.at("dragon").severity(), v1::SEVERITY_HIGH);
  EXPECT_EQ(n.at("dragon").alert_id(), soon.alert_id());
  EXPECT_EQ(n.at("later").level(), "ends_soon");
}

}  // namespace
}  // namespace redflag

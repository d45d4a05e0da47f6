#include "daemon/alerts/alert_lifecycle.h"

#include <gtest/gtest.h>

#include "daemon/alerts/alert_store.h"
#include "daemon/storage/memory_store.h"

namespace redflag {
namespace {

v1::AlertActionRequest Step(v1::AlertAction action, const std::string& comment = "") {
  v1::AlertActionRequest r;
  r.set_alert_id("rf28/model/m/4e091");
  r.set_actor("ana");
  r.set_action(action);
  r.set_comment(comment);
  return r;
}

v1::Alert Open() {
  v1::Alert a;
  a.set_alert_id("rf28/model/m/4e091");
  a.set_state(v1::ALERT_STATE_OPEN);
  return a;
}

TEST(AlertLifecycle, OpenAcknowledgedResolvedReopened) {
  v1::Alert a = Open();
  v1::AlertActionRequest ack = Step(v1::ALERT_ACTION_ACKNOWLEDGE);
  ack.set_assignee("ben");
  absl::StatusOr<AuditEntry> e = ApplyAlertAction(ack, 1000, a);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(a.state(), v1::ALERT_STATE_ACKNOWLEDGED);
  EXPECT_EQ(a.assignee(), "ben");
  EXPECT_EQ(a.state_changed_unix_ms(), 1000);
  EXPECT_EQ(e->action, "alert.acknowledge");
  EXPECT_EQ(e->actor, "ana");
  EXPECT_EQ(e->details,
            (std::vector<std::pair<std::string, std::string>>{
                {"from_state", "open"}, {"to_state", "acknowledged"}, {"assignee", "ben"}}));

  EXPECT_EQ(ApplyAlertAction(ack, 1100, a).status().message(),
            "alert rf28/model/m/4e091 is acknowledged: only an open alert is acknowledged");

  v1::AlertActionRequest resolve = Step(v1::ALERT_ACTION_RESOLVE, "inquiry answered: no export");
  resolve.set_disposition(v1::DISPOSITION_NO_ACTION_REQUIRED);
  ASSERT_TRUE(ApplyAlertAction(resolve, 2000, a).ok());
  EXPECT_EQ(a.state(), v1::ALERT_STATE_RESOLVED);
  EXPECT_EQ(a.disposition(), v1::DISPOSITION_NO_ACTION_REQUIRED);
  EXPECT_EQ(a.resolution_comment(), "inquiry answered: no export");
  EXPECT_EQ(ApplyAlertAction(resolve, 2100, a).status().code(),
            absl::StatusCode::kFailedPrecondition);

  ASSERT_TRUE(ApplyAlertAction(Step(v1::ALERT_ACTION_REOPEN, "new facts"), 3000, a).ok());
  EXPECT_EQ(a.state(), v1::ALERT_STATE_OPEN);
  EXPECT_EQ(a.disposition(), v1::DISPOSITION_UNSPECIFIED);
  EXPECT_EQ(ApplyAlertAction(Step(v1::ALERT_ACTION_REOPEN, "again"), 3100, a).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(AlertLifecycle, ALicenceIsKeptWithTheResolutionAndGoesWithAReopen) {
  v1::Alert a = Open();
  v1::AlertActionRequest resolve = Step(v1::ALERT_ACTION_RESOLVE);
  resolve.set_disposition(v1::DISPOSITION_LICENCE_OBTAINED);
  resolve.mutable_licence()->set_reference("D123456");
  resolve.mutable_licence()->set_expires_unix_ms(5000);
  resolve.mutable_licence()->set_max_accelerators(512);
  absl::StatusOr<AuditEntry> e = ApplyAlertAction(resolve, 2000, a);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(a.licence().reference(), "D123456");
  EXPECT_EQ(a.licence().expires_unix_ms(), 5000);
  EXPECT_EQ(a.licence().max_accelerators(), 512u);
  EXPECT_EQ(e->details, (std::vector<std::pair<std::string, std::string>>{
                            {"from_state", "open"},
                            {"to_state", "resolved"},
                            {"disposition", "licence_obtained"},
                            {"licence", "D123456"},
                            {"licence_expires_unix_ms", "5000"},
                            {"licence_max_accelerators", "512"}}));

  v1::Alert again = Open();
  CarryWorkflow(a, again);
  EXPECT_EQ(again.licence().reference(), "D123456");

  ASSERT_TRUE(ApplyAlertAction(Step(v1::ALERT_ACTION_REOPEN, "licence revoked"), 3000, a).ok());
  EXPECT_FALSE(a.has_licence());
}

TEST(AlertLifecycle, AReDetectionKeepsWhatAnalystsDid) {
  v1::Alert stored = Open();
  stored.set_first_detected_unix_ms(10);
  stored.set_state(v1::ALERT_STATE_RESOLVED);
  stored.set_assignee("ben");
  stored.set_disposition(v1::DISPOSITION_FALSE_POSITIVE);
  stored.set_suppressed_until_unix_ms(99);
  v1::Alert again = Open();
  again.set_first_detected_unix_ms(50);
  again.set_severity(v1::SEVERITY_CRITICAL);
  CarryWorkflow(stored, again);
  EXPECT_EQ(again.first_detected_unix_ms(), 10);
  EXPECT_EQ(again.state(), v1::ALERT_STATE_RESOLVED);
  EXPECT_EQ(again.assignee(), "ben");
  EXPECT_EQ(again.disposition(), v1::DISPOSITION_FALSE_POSITIVE);
  EXPECT_EQ(again.suppressed_until_unix_ms(), 99);
  EXPECT_EQ(again.severity(), v1::SEVERITY_CRITICAL);
}

TEST(AlertStoreAct, StepsAreStoredWithTheirAuditRecordAndSuppressionHides) {
  MemoryStore store;
  auto audit = AuditLog::Open(store, false);
  AlertStore alerts(store, false, audit->get());
  v1::Alert a = Open();
  a.set_rule("rf28");
  ASSERT_TRUE(alerts.Put(a).ok());
  EXPECT_EQ((*audit)->head_seq(), 1u);  // alert.raised

  v1::AlertActionRequest suppress = Step(v1::ALERT_ACTION_SUPPRESS);
  suppress.set_suppress_until_unix_ms(absl::ToUnixMillis(absl::Now() + absl::Hours(1)));
  ASSERT_TRUE(alerts.Act(suppress, absl::Now()).ok());
  EXPECT_EQ((*audit)->head_seq(), 2u);
  EXPECT_EQ(alerts.List(v1::ListAlertsRequest())->alerts_size(), 0);
  v1::ListAlertsRequest all;
  all.mutable_filter()->set_include_suppressed(true);
  EXPECT_EQ(alerts.List(all)->alerts_size(), 1);

  store.set_fail_writes(true);
  EXPECT_FALSE(alerts.Act(Step(v1::ALERT_ACTION_ACKNOWLEDGE), absl::Now()).ok());
  store.set_fail_writes(false);
  EXPECT_EQ(alerts.Get(a.alert_id())->value().state(), v1::ALERT_STATE_OPEN);
  EXPECT_EQ((*audit)->head_seq(), 2u);
  v1::AlertActionRequest missing = Step(v1::ALERT_ACTION_ACKNOWLEDGE);
  missing.set_alert_id("nope");
  EXPECT_EQ(alerts.Act(missing, absl::Now()).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace redflag

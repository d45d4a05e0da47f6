#include "cli/alert_report.h"

#include <gtest/gtest.h>

namespace redflag::cli {
namespace {

v1::Alert Resolved() {
  v1::Alert a;
  a.set_alert_id("rf28/model/frontier-1/acct-9001");
  a.set_rule("rf28");
  a.set_subject_kind("model");
  a.set_subject_id("frontier-1");
  a.set_customer_id("acct-9001");
  a.set_level("possible");
  a.set_severity(v1::SEVERITY_HIGH);
  a.set_state(v1::ALERT_STATE_RESOLVED);
  a.set_summary("model frontier-1 may reach 1e+26 operations");
  a.set_first_detected_unix_ms(1790812800000);  // 2026-10-01
  a.set_last_detected_unix_ms(1790816400000);
  a.set_state_changed_unix_ms(1790820000000);
  a.set_policy_profile("ai_diffusion_2025@2025-01-15");
  a.set_assignee("ben");
  a.set_disposition(v1::DISPOSITION_LICENCE_OBTAINED);
  a.set_resolution_comment("granted 2026-09-30");
  a.mutable_licence()->set_reference("D555");
  a.mutable_licence()->set_expires_unix_ms(1830297600000);  // 2028-01-01
  a.mutable_licence()->set_max_accelerators(4096);
  for (auto [n, v] :
       {std::pair{"operations_best", "2.67e+25"}, std::pair{"level_operations", "1e+26"}}) {
    v1::Evidence* e = a.add_evidence();
    e->set_name(n);
    e->set_value(v);
  }
  return a;
}

TEST(FormatAlert, WorkflowEvidenceAndHistory) {
  v1::AuditRecord raised;
  raised.set_seq(7);
  raised.set_unix_ms(1790812800000);
  raised.set_actor("redflagd");
  raised.set_action("alert.raised");
  v1::AuditRecord resolved;
  resolved.set_seq(9);
  resolved.set_unix_ms(1790820000000);
  resolved.set_actor("ana");
  resolved.set_action("alert.resolve");
  v1::AuditDetail* d = resolved.add_details();
  d->set_name("comment");
  d->set_value("licence D555");
  resolved.add_details()->set_name("assignee");  // empty: not shown

  EXPECT_EQ(FormatAlert(Resolved(), {raised, resolved}),
            "rf28/model/frontier-1/acct-9001\n"
            "  model frontier-1 may reach 1e+26 operations\n"
            "\n"
            "  rule:        rf28 (level possible)\n"
            "  severity:    high\n"
            "  subject:     model frontier-1\n"
            "  customer:    acct-9001\n"
            "  detected:    first 2026-10-01 00:00:00 UTC, last 2026-10-01 01:00:00 UTC\n"
            "  policy:      ai_diffusion_2025@2025-01-15\n"
            "  state:       resolved since 2026-10-01 02:00:00 UTC\n"
            "  assignee:    ben\n"
            "  disposition: licence_obtained: granted 2026-09-30\n"
            "  licence:     D555, until 2028-01-01 00:00:00 UTC, jobs of up to 4096 accelerators\n"
            "\n"
            "evidence (2):\n"
            "  operations_best   2.67e+25\n"
            "  level_operations  1e+26\n"
            "\n"
            "history (2 audit records):\n"
            "  #7  2026-10-01 00:00:00 UTC  redflagd  alert.raised\n"
            "  #9  2026-10-01 02:00:00 UTC  ana  alert.resolve\n"
            "        comment: licence D555\n");
}

TEST(FormatAlertList, OneLineEachWithItsSummary) {
  v1::Alert open = Resolved();
  open.set_state(v1::ALERT_STATE_OPEN);
  EXPECT_EQ(FormatAlertList({open}),
            "high      open          rf28/model/frontier-1/acct-9001  [possible]\n"
            "          model frontier-1 may reach 1e+26 operations\n"
            "1 alert\n");
  EXPECT_EQ(FormatAlertList({}), "no alerts\n");
}

}  // namespace
}  // namespace redflag::cli

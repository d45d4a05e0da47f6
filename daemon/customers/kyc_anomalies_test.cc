#include "daemon/customers/kyc_anomalies.h"

#include <gtest/gtest.h>

#include "daemon/compute/compute_test_jobs.h"
#include "daemon/storage/memory_store.h"

namespace redflag {
namespace {

TEST(KycAnomalies, FlagsAddUpToAFindingWithEveryFlagAsEvidence) {
  MemoryStore store;
  std::unique_ptr<Ledger> ledger = std::move(*Ledger::Open(store, LedgerOptions()));
  CustomerRegistry customers(store, false);
  AlertStore alerts(store, false);
  ScreeningConfig screening;
  screening.csl_file =
      std::string(REDFLAG_SOURCE_DIR) + "/tests/data/screening/csl_2023-11-30/csl.csv";
  PartyLists lists(screening);
  ASSERT_EQ(lists.Refresh(true).size(), 1u);

  v1::CustomerProfile shell;
  shell.set_customer_id("shell");
  shell.set_headquarters_country("SG");
  shell.set_formation_date("2024-05-01");
  shell.set_address_forwarder(true);
  shell.add_contact_domains("shell.example");
  shell.set_declared_end_use("research");
  // An officer named like an Entity List entry.
  shell.add_officers()->set_name("Northwestern Polytechnical University");
  ASSERT_TRUE(customers.Upsert(shell, 1).ok());
  ASSERT_TRUE(ledger->RegisterJob(testjobs::Spec("j", "shell", "m", "", 2048)).ok());
  v1::CustomerProfile plain;
  plain.set_customer_id("plain");
  plain.set_address_residential(true);  // one flag alone decides nothing
  plain.add_contact_domains("plain.example");
  plain.set_declared_end_use("fine-tuning");
  ASSERT_TRUE(customers.Upsert(plain, 1).ok());

  KycAnomalies rule(*ledger, customers, lists, alerts, KycConfig());
  ASSERT_TRUE(rule.EvaluateOnce(absl::FromUnixSeconds(1795000000)).ok());
  absl::StatusOr<v1::ListAlertsResponse> listed = alerts.List(v1::ListAlertsRequest());
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->alerts_size(), 1);
  const v1::Alert& a = listed->alerts(0);
  EXPECT_EQ(a.alert_id(), "kyc_anomaly/customer/shell/score");
  EXPECT_EQ(a.level(), "strong");  // 2 + 2 + 3 = 7, at least 1.5 x the threshold of 4
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : a.evidence()) evidence[e.name()] = e.value();
  EXPECT_EQ(evidence["score"], "7");
  EXPECT_EQ(evidence["formed_recently_large_request"],
            "weight 2: formed 2024-05-01 (after 2022-10-07), jobs of up to 2048 accelerators");
  EXPECT_NE(evidence["listed_officer"].find("Northwestern Polytechnical University (csl EL entry"),
            std::string::npos);
  ledger->Stop();
}

}  // namespace
}  // namespace redflag

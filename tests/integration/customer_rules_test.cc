// Adversary-linked training (R2) and access geography (R7) end to end
// through gRPC against the real daemon: dated country groups (Cambodia
// before and after 2026-02-03), an ultimate parent in D:5 behind two
// subsidiaries in AI-authorised countries, and access events with the
// share of D:5/Macau and anonymiser traffic judged per customer.
#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "redflag/v1/access.grpc.pb.h"
#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/customers.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

int64_t Ms(absl::CivilDay day) {
  return absl::ToUnixMillis(absl::FromCivil(day, absl::UTCTimeZone()));
}

class CustomerRulesEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = DaemonProcess::Start(
        dir_.path() + "/data", FreePorts(),
        {"-o", "compute.evaluation_interval=200ms", "-o", "policy.access_min_events=20", "-o",
         "policy.access_flagged_share=0.2"});
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
  }

  void Upsert(const v1::CustomerProfile& p) {
    grpc::Status s = UpsertCustomer(*daemon_, p);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  void Customer(const std::string& id, const std::string& hq) {
    v1::CustomerProfile p;
    p.set_customer_id(id);
    p.set_legal_name(id + " Ltd");
    p.set_headquarters_country(hq);
    Upsert(p);
  }
  void Job(const std::string& id, const std::string& customer, absl::CivilDay start,
           v1::WorkloadKind kind = v1::WORKLOAD_KIND_FINE_TUNING) {
    grpc::ClientContext ctx;
    v1::RegisterJobRequest req;
    v1::JobSpec* j = req.mutable_job();
    j->set_job_id(id);
    j->set_customer_id(customer);
    j->set_accelerator_model("NVIDIA H100 80GB HBM3");
    j->set_accelerator_count(8);  // small: the rule holds at any size
    j->set_start_unix_ms(Ms(start));
    j->set_workload(kind);
    v1::RegisterJobResponse resp;
    grpc::Status s = v1::JobService::NewStub(daemon_->channel())->RegisterJob(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  std::map<std::string, v1::Alert> Alerts(const std::string& rule) {
    return ListAlertsById(*daemon_, rule);
  }
  grpc::Status Record(const std::vector<v1::AccessEvent>& events) {
    grpc::ClientContext ctx;
    v1::RecordAccessRequest req;
    for (const v1::AccessEvent& e : events) *req.add_events() = e;
    v1::RecordAccessResponse resp;
    return v1::AccessService::NewStub(daemon_->channel())->RecordAccess(&ctx, req, &resp);
  }

  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(CustomerRulesEndToEnd, AdversaryLinkedTrainingAsOfEachJobsDates) {
  Customer("kh-lab", "KH");
  Customer("us-lab", "US");
  v1::CustomerProfile acme;
  acme.set_customer_id("acme-us");
  acme.set_legal_name("Acme US Inc");
  acme.set_headquarters_country("US");
  for (auto [name, country, pct] :
       {std::tuple{"Acme Europe BV", "NL", 100.0}, std::tuple{"Acme Japan KK", "JP", 100.0},
        std::tuple{"Dragon Holdings Ltd", "CN", 60.0}}) {
    v1::OwnershipLink* l = acme.add_ownership_chain();
    l->set_owner_name(name);
    l->set_owner_country(country);
    l->set_ownership_percent(pct);
  }
  Upsert(acme);
  Job("kh-january", "kh-lab", absl::CivilDay(2026, 1, 15), v1::WORKLOAD_KIND_PRETRAINING);
  Job("kh-march", "kh-lab", absl::CivilDay(2026, 3, 1), v1::WORKLOAD_KIND_PRETRAINING);
  Job("acme-ft", "acme-us", absl::CivilDay(2026, 11, 1));
  Job("acme-serving", "acme-us", absl::CivilDay(2026, 11, 1), v1::WORKLOAD_KIND_INFERENCE);
  Job("us-train", "us-lab", absl::CivilDay(2026, 11, 1), v1::WORKLOAD_KIND_PRETRAINING);
  // Registered last: once its alert exists, a pass has seen everything above.
  Customer("sentinel", "RU");
  Job("sentinel-job", "sentinel", absl::CivilDay(2026, 11, 1));

  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (!Alerts("adversary_linked_training")
              .contains("adversary_linked_training/job/sentinel-job/RU") &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  std::map<std::string, v1::Alert> alerts = Alerts("adversary_linked_training");
  std::set<std::string> ids;
  for (const auto& [id, a] : alerts) ids.insert(id);
  EXPECT_EQ(ids, (std::set<std::string>{"adversary_linked_training/job/acme-ft/CN",
                                        "adversary_linked_training/job/kh-january/KH",
                                        "adversary_linked_training/job/sentinel-job/RU",
                                        // linked today, where their licences are recorded
                                        "adversary_linked_training/customer/acme-us/CN",
                                        "adversary_linked_training/customer/sentinel/RU"}));
  const v1::Alert& acme_alert = alerts["adversary_linked_training/job/acme-ft/CN"];
  EXPECT_EQ(acme_alert.severity(), v1::SEVERITY_HIGH);
  EXPECT_EQ(acme_alert.customer_id(), "acme-us");
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : acme_alert.evidence()) evidence[e.name()] = e.value();
  EXPECT_EQ(evidence["ownership_path"],
            "Acme US Inc (US) <- 100% Acme Europe BV (NL) <- 100% Acme Japan KK (JP) <- 60% "
            "Dragon Holdings Ltd (CN)");
  EXPECT_EQ(evidence["links"], "ultimate parent by ownership: Dragon Holdings Ltd (CN)");

  // The finding is the customer's: `customers show` lists it with the path.
  CommandResult shown = RunCommand(
      {REDFLAGCTL_PATH, "--addr", daemon_->grpc_address(), "customers", "show", "acme-us"});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("[high] adversary_linked_training CN"), std::string::npos)
      << shown.output;
  EXPECT_NE(shown.output.find("ownership_path: Acme US Inc (US) <- 100% Acme Europe BV"),
            std::string::npos)
      << shown.output;
}

TEST_F(CustomerRulesEndToEnd, OwnershipDeeperThanTheWalkOrCyclicIsAFinding) {
  // 17 links to a CN parent: found. 100 links: the walk stops at 64 and says so.
  for (auto [id, links] : {std::pair{"deep-17", 17}, std::pair{"deep-100", 100}}) {
    v1::CustomerProfile p;
    p.set_customer_id(id);
    p.set_legal_name(absl::StrCat(id, " Inc"));
    p.set_headquarters_country("US");
    for (int i = 1; i <= links; ++i) {
      v1::OwnershipLink* l = p.add_ownership_chain();
      l->set_owner_name(i == links ? "Dragon Parent Ltd" : absl::StrCat("Holding ", i, " Ltd"));
      l->set_owner_country(i == links ? "CN" : "VG");
      l->set_ownership_percent(100);
    }
    Upsert(p);
    Job(absl::StrCat(id, "-ft"), id, absl::CivilDay(2026, 11, 1));
  }
  for (auto [id, owner] : {std::pair{"cyc-a", "cyc-b"}, std::pair{"cyc-b", "cyc-a"}}) {
    v1::CustomerProfile p;
    p.set_customer_id(id);
    p.set_legal_name(absl::StrCat(id, " Ltd"));
    p.set_headquarters_country("SG");
    v1::OwnershipLink* l = p.add_ownership_chain();
    l->set_owner_name(absl::StrCat(owner, " Ltd"));
    l->set_owner_customer_id(owner);
    Upsert(p);
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (
      (Alerts("ownership_unresolved").size() < 3 || Alerts("adversary_linked_training").empty()) &&
      absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  std::set<std::string> unresolved;
  for (const auto& [id, a] : Alerts("ownership_unresolved")) unresolved.insert(id);
  EXPECT_EQ(unresolved, (std::set<std::string>{"ownership_unresolved/customer/cyc-a/cycle",
                                               "ownership_unresolved/customer/cyc-b/cycle",
                                               "ownership_unresolved/customer/deep-100/depth"}));
  std::set<std::string> adversary;
  for (const auto& [id, a] : Alerts("adversary_linked_training")) adversary.insert(id);
  EXPECT_EQ(adversary, (std::set<std::string>{"adversary_linked_training/job/deep-17-ft/CN",
                                              "adversary_linked_training/customer/deep-17/CN"}));
  CommandResult shown = RunCommand(
      {REDFLAGCTL_PATH, "--addr", daemon_->grpc_address(), "customers", "show", "deep-100"});
  EXPECT_NE(shown.output.find("ownership_unresolved"), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find("(depth limit)"), std::string::npos) << shown.output;
}

v1::AccessEvent Event(const std::string& customer, const std::string& country, bool anonymizer,
                      int i) {
  v1::AccessEvent e;
  e.set_customer_id(customer);
  e.set_principal(absl::StrCat("user-", i % 3));
  e.set_source_ip(absl::StrCat("198.51.100.", i % 250));
  e.set_country(country);
  e.set_anonymizer(anonymizer);
  e.set_time_unix_ms(absl::ToUnixMillis(absl::Now()) - (i + 1) * 60'000);
  e.set_channel("api");
  e.set_event_id(absl::StrCat(customer, "-", i));
  return e;
}

TEST_F(CustomerRulesEndToEnd, AccessGeographyIsJudgedPerCustomerAgainstItsHeadquarters) {
  Customer("globex", "US");
  Customer("quiet", "GB");
  Customer("cn-hq", "CN");
  std::vector<v1::AccessEvent> events;
  for (int i = 0; i < 30; ++i) {
    // globex: 20 from the US, 6 from China, 4 through anonymisers = 10 of 30.
    events.push_back(Event("globex", i < 20 ? "US" : i < 26 ? "CN" : "DE", i >= 26, i));
    // quiet: 2 of 30 from China, below 20 %.
    events.push_back(Event("quiet", i < 2 ? "CN" : "GB", false, i));
    // cn-hq: all from China, where it is headquartered: no mismatch.
    events.push_back(Event("cn-hq", "CN", false, i));
  }
  grpc::Status s = Record(events);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(Record(events).ok());  // sent twice, counted once

  std::map<std::string, v1::Alert> alerts = Alerts("access_geography");
  ASSERT_EQ(alerts.size(), 1u);
  const v1::Alert& a = alerts.begin()->second;
  EXPECT_EQ(a.alert_id(), "access_geography/customer/globex/flagged_share");
  EXPECT_EQ(a.severity(), v1::SEVERITY_HIGH);
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : a.evidence()) evidence[e.name()] = e.value();
  EXPECT_EQ(evidence["events"], "30");
  EXPECT_EQ(evidence["flagged_events"], "10");
  EXPECT_EQ(evidence["flagged_countries"], "CN 6");
  EXPECT_EQ(evidence["anonymizer_events"], "4");

  grpc::ClientContext ctx;
  v1::GetAccessSummaryRequest req;
  req.set_customer_id("quiet");
  v1::AccessSummary summary;
  ASSERT_TRUE(
      v1::AccessService::NewStub(daemon_->channel())->GetAccessSummary(&ctx, req, &summary).ok());
  EXPECT_EQ(summary.events(), 30u);
  EXPECT_EQ(summary.flagged_events(), 2u);
  ASSERT_GE(summary.countries_size(), 2);
  EXPECT_EQ(summary.countries(0).country(), "GB");
  EXPECT_EQ(summary.countries(0).events(), 28u);

  v1::AccessEvent bad = Event("globex", "US", false, 0);
  bad.set_source_ip("300.1.1.1");
  grpc::Status refused = Record({Event("globex", "US", false, 1), bad});
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.error_message(),
            "events[1].source_ip: must be an IPv4 or IPv6 address, got '300.1.1.1'");
}

}  // namespace
}  // namespace redflag::testing

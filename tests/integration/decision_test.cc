// DecisionService.CheckJob through the real daemon: the decision a scheduler
// gets for a clear customer, an adversary-linked one (shared and dedicated
// capacity, training and inference), a listed party before and after an
// analyst clears the hit, and a customer nobody profiled; every DENY and
// REVIEW in the audit log with who asked.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <tuple>

#include "absl/time/clock.h"
#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/audit.grpc.pb.h"
#include "redflag/v1/decisions.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

class DecisionEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = DaemonProcess::Start(
        dir_.path() + "/data", FreePorts(),
        {"-o",
         "screening.csl_file=" REDFLAG_SOURCE_DIR "/tests/data/screening/csl_2023-11-30/csl.csv",
         "-o", "screening.min_kept_fraction=0"});
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
  }

  void Customer(const std::string& id, const std::string& name, const std::string& hq) {
    v1::CustomerProfile p;
    p.set_customer_id(id);
    p.set_legal_name(name);
    p.set_headquarters_country(hq);
    grpc::Status s = UpsertCustomer(*daemon_, p);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  v1::Decision Check(const std::string& customer, bool dedicated = false,
                     v1::WorkloadKind workload = v1::WORKLOAD_KIND_PRETRAINING) {
    v1::CheckJobRequest req;
    req.set_customer_id(customer);
    req.set_accelerator_model("NVIDIA H100 80GB HBM3");
    req.set_accelerator_count(512);
    req.set_dedicated(dedicated);
    req.set_cluster("gpu-east");
    req.set_scheduler("slurm");
    req.set_scheduler_job_id("4242");
    req.set_workload(workload);
    grpc::ClientContext ctx;
    v1::Decision d;
    grpc::Status s = v1::DecisionService::NewStub(daemon_->channel())->CheckJob(&ctx, req, &d);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return d;
  }

  std::vector<v1::AuditRecord> Decisions(const std::string& customer) {
    return AuditRecordsOf(*daemon_, "customer/" + customer, "decision.job");
  }

  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(DecisionEndToEnd, AClearCustomerIsAllowedAndNothingIsRecorded) {
  Customer("acme", "Acme AI Labs Inc", "US");
  v1::Decision d = Check("acme", /*dedicated=*/true);
  EXPECT_EQ(d.verdict(), v1::VERDICT_ALLOW);
  EXPECT_EQ(d.reasons_size(), 0);
  EXPECT_EQ(d.policy_profile(), "may_2025_guidance@2025-05-13");
  EXPECT_GT(d.cache_until_unix_ms(), absl::ToUnixMillis(absl::Now()));
  EXPECT_TRUE(Decisions("acme").empty());
}

TEST_F(DecisionEndToEnd, AnAdversaryLinkedPartyIsDeniedTrainingAndDedicatedCapacityNeedsALicence) {
  Customer("dragon", "Dragon Compute Co", "CN");
  v1::Decision shared = Check("dragon");
  EXPECT_EQ(shared.verdict(), v1::VERDICT_DENY);
  ASSERT_EQ(shared.reasons_size(), 1);
  EXPECT_EQ(shared.reasons(0).rule(), "adversary_linked_training");
  EXPECT_NE(shared.reasons(0).evidence().find("CN"), std::string::npos)
      << shared.reasons(0).evidence();
  EXPECT_NE(shared.summary().find("DENY (adversary_linked_training)"), std::string::npos)
      << shared.summary();
  v1::Decision dedicated = Check("dragon", /*dedicated=*/true);
  ASSERT_EQ(dedicated.reasons_size(), 2);
  EXPECT_EQ(dedicated.reasons(1).rule(), "dedicated_capacity_licence");
  EXPECT_NE(dedicated.reasons(1).evidence().find("licence"), std::string::npos);
  // Serving a model is not new training capacity; dedicated H100s still are controlled.
  EXPECT_EQ(Check("dragon", false, v1::WORKLOAD_KIND_INFERENCE).verdict(), v1::VERDICT_ALLOW);
  EXPECT_EQ(Check("dragon", true, v1::WORKLOAD_KIND_INFERENCE).verdict(), v1::VERDICT_DENY);
  // Each refusal is on record with who asked.
  std::vector<v1::AuditRecord> records = Decisions("dragon");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].actor(), "local");
  bool verdict = false, scheduler = false;
  for (const v1::AuditDetail& d : records[0].details()) {
    verdict = verdict || (d.name() == "verdict" && d.value() == "VERDICT_DENY");
    scheduler = scheduler || (d.name() == "scheduler_job_id" && d.value() == "4242");
  }
  EXPECT_TRUE(verdict && scheduler);
}

TEST_F(DecisionEndToEnd, AListedPartyIsDeniedUntilAnAnalystClearsTheHit) {
  Customer("rose", "Rosoboroneksport OAO", "AE");
  v1::Decision d;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  do {
    d = Check("rose");
  } while (d.verdict() != v1::VERDICT_DENY && absl::Now() < deadline);
  ASSERT_EQ(d.verdict(), v1::VERDICT_DENY) << d.summary();
  ASSERT_GE(d.reasons_size(), 1);
  EXPECT_EQ(d.reasons(0).rule(), "restricted_party");
  const std::string alert_id = d.reasons(0).alert_id();
  EXPECT_EQ(alert_id.rfind("restricted_party/customer/rose/", 0), 0u) << alert_id;
  // An analyst finds it is another party of the same name.
  v1::AlertActionRequest act;
  act.set_alert_id(alert_id);
  act.set_action(v1::ALERT_ACTION_RESOLVE);
  act.set_actor("alice");
  act.set_disposition(v1::DISPOSITION_FALSE_POSITIVE);
  act.set_comment("another company of that name, Dubai trade licence checked");
  grpc::ClientContext ctx;
  v1::Alert resolved;
  grpc::Status s = v1::AlertService::NewStub(daemon_->channel())->ActOnAlert(&ctx, act, &resolved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  d = Check("rose");
  EXPECT_EQ(d.verdict(), v1::VERDICT_ALLOW) << d.summary();
  ASSERT_GE(d.reasons_size(), 1);
  EXPECT_TRUE(d.reasons(0).lifted());
  EXPECT_NE(d.reasons(0).lifted_by().find("false_positive"), std::string::npos);
}

// What a person at the terminal is told, and the verdict as the exit code.
TEST_F(DecisionEndToEnd, RedflagctlPrintsTheVerdictAndEveryReason) {
  Customer("dragon", "Dragon Compute Co", "CN");
  CommandResult r = RunCommand({REDFLAGCTL_PATH, "--addr", daemon_->grpc_address(), "decide", "job",
                                "--customer", "dragon", "--model", "NVIDIA H100 80GB HBM3",
                                "--count", "512", "--dedicated", "--workload", "pretraining"});
  EXPECT_EQ(r.exit_code, 5) << r.output;
  EXPECT_NE(r.output.find("DENY  customer dragon: 512 x NVIDIA H100 80GB HBM3, dedicated"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("  DENY    adversary_linked_training: headquarters CN"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("  DENY    dedicated_capacity_licence: "), std::string::npos);
  EXPECT_NE(r.output.find("policy may_2025_guidance@2025-05-13"), std::string::npos);
  Customer("acme", "Acme AI Labs Inc", "US");
  r = RunCommand({REDFLAGCTL_PATH, "--addr", daemon_->grpc_address(), "decide", "job", "--customer",
                  "acme", "--model", "NVIDIA H100 80GB HBM3", "--count", "8", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"verdict\": \"VERDICT_ALLOW\""), std::string::npos) << r.output;
  r = RunCommand({REDFLAGCTL_PATH, "--addr", daemon_->grpc_address(), "decide", "job", "--customer",
                  "acme", "--model", "H100", "--count", "8", "--workload", "mining"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--workload: unknown kind 'mining'"), std::string::npos) << r.output;
}

TEST_F(DecisionEndToEnd, ACustomerNobodyProfiledIsHeldForReview) {
  v1::Decision d = Check("ghost");
  EXPECT_EQ(d.verdict(), v1::VERDICT_REVIEW);
  ASSERT_EQ(d.reasons_size(), 1);
  EXPECT_EQ(d.reasons(0).rule(), "no_customer_profile");
  EXPECT_EQ(Decisions("ghost").size(), 1u);
}

TEST_F(DecisionEndToEnd, ABadRequestNamesTheField) {
  v1::CheckJobRequest req;
  req.set_customer_id("acme");
  req.set_accelerator_model("NVIDIA H100 80GB HBM3");
  grpc::ClientContext ctx;
  v1::Decision d;
  grpc::Status s = v1::DecisionService::NewStub(daemon_->channel())->CheckJob(&ctx, req, &d);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("accelerator_count"), std::string::npos) << s.error_message();
}

// R3 as an alert of its own: a CN-headquartered customer's job registered as
// dedicated H100 capacity raises dedicated_capacity_licence (its shared job
// and a dedicated job of lesser accelerators do not count); resolved as
// licence obtained, CheckJob lifts the reason and names who resolved it.
TEST(DedicatedCapacityEndToEnd, AnAlertOfItsOwnWhoseLicenceLiftsTheReason) {
  TempDir dir;
  auto d = DaemonProcess::Start(dir.path() + "/data", FreePorts(),
                                {"-o", "compute.evaluation_interval=200ms"});
  ASSERT_TRUE(d.ok()) << d.status();
  v1::CustomerProfile p;
  p.set_customer_id("dragon");
  p.set_legal_name("Dragon Compute Co");
  p.set_headquarters_country("CN");
  ASSERT_TRUE(UpsertCustomer(**d, p).ok());
  const int64_t start = absl::ToUnixMillis(absl::Now() - absl::Hours(1));
  for (const auto& [id, model, dedicated] : std::vector<std::tuple<std::string, std::string, bool>>{
           {"slurm/gpu1/1", "NVIDIA H100 80GB HBM3", true},
           {"slurm/gpu1/2", "NVIDIA H100 80GB HBM3", false},
           {"slurm/gpu1/3", "NVIDIA L4", true}}) {
    v1::RegisterJobRequest req;
    v1::JobSpec* j = req.mutable_job();
    j->set_job_id(id);
    j->set_customer_id("dragon");
    j->set_scheduler("slurm");
    j->set_accelerator_model(model);
    j->set_accelerator_count(64);
    j->set_start_unix_ms(start);
    j->set_workload(v1::WORKLOAD_KIND_INFERENCE);
    j->set_dedicated(dedicated);
    grpc::ClientContext ctx;
    v1::RegisterJobResponse resp;
    grpc::Status s = v1::JobService::NewStub((*d)->channel())->RegisterJob(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  const std::string id = "dedicated_capacity_licence/customer/dragon/CN";
  for (int i = 0; i < 100 && !ListAlertsById(**d, "dedicated_capacity_licence").contains(id); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::map<std::string, v1::Alert> alerts = ListAlertsById(**d, "dedicated_capacity_licence");
  ASSERT_EQ(alerts.size(), 1u);
  const v1::Alert& a = alerts[id];
  EXPECT_EQ(a.severity(), v1::SEVERITY_CRITICAL);
  EXPECT_EQ(a.customer_id(), "dragon");
  EXPECT_NE(a.summary().find("holds dedicated capacity of 64 3A090/4A090-class accelerators"),
            std::string::npos)
      << a.summary();
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : a.evidence()) evidence[e.name()] = e.value();
  EXPECT_EQ(evidence["job_ids"], "slurm/gpu1/1");

  auto check = [&](uint32_t accelerators = 64) {
    v1::CheckJobRequest req;
    req.set_customer_id("dragon");
    req.set_accelerator_model("NVIDIA H100 80GB HBM3");
    req.set_accelerator_count(accelerators);
    req.set_dedicated(true);
    req.set_workload(v1::WORKLOAD_KIND_INFERENCE);
    grpc::ClientContext ctx;
    v1::Decision out;
    EXPECT_TRUE(v1::DecisionService::NewStub((*d)->channel())->CheckJob(&ctx, req, &out).ok());
    return out;
  };
  v1::Decision before = check();
  EXPECT_EQ(before.verdict(), v1::VERDICT_DENY);
  ASSERT_EQ(before.reasons_size(), 1);
  EXPECT_EQ(before.reasons(0).alert_id(), id);

  v1::AlertActionRequest act;
  act.set_alert_id(id);
  act.set_action(v1::ALERT_ACTION_RESOLVE);
  act.set_actor("alice");
  act.set_disposition(v1::DISPOSITION_LICENCE_OBTAINED);
  act.set_comment("granted 2026-11-30");
  grpc::ClientContext ctx;
  v1::Alert resolved;
  // A licence obtained names its licence.
  EXPECT_EQ(
      v1::AlertService::NewStub((*d)->channel())->ActOnAlert(&ctx, act, &resolved).error_message(),
      "licence.reference: is required to resolve as licence_obtained");
  const absl::CivilDay end =
      absl::ToCivilDay(absl::Now() + absl::Hours(24 * 400), absl::UTCTimeZone());
  act.mutable_licence()->set_reference("D1234567");
  act.mutable_licence()->set_expires_unix_ms(
      absl::ToUnixMillis(absl::FromCivil(end, absl::UTCTimeZone())));
  act.mutable_licence()->set_max_accelerators(64);
  grpc::ClientContext ctx2;
  ASSERT_TRUE(v1::AlertService::NewStub((*d)->channel())->ActOnAlert(&ctx2, act, &resolved).ok());
  EXPECT_EQ(resolved.resolved_by(), "local on behalf of alice");
  EXPECT_EQ(resolved.licence().reference(), "D1234567");
  v1::Decision after = check();
  EXPECT_EQ(after.verdict(), v1::VERDICT_ALLOW) << after.summary();
  ASSERT_EQ(after.reasons_size(), 1);
  EXPECT_TRUE(after.reasons(0).lifted());
  EXPECT_EQ(after.reasons(0).lifted_by(),
            absl::StrCat("licence_obtained (licence D1234567, until ", absl::FormatCivilTime(end),
                         ") by local on behalf of alice"));
  // A larger job than the licence covers is denied again, and told why.
  v1::Decision larger = check(65);
  EXPECT_EQ(larger.verdict(), v1::VERDICT_DENY);
  ASSERT_EQ(larger.reasons_size(), 1);
  EXPECT_FALSE(larger.reasons(0).lifted());
  EXPECT_NE(larger.reasons(0).evidence().find("exceed the 64 licence D1234567 covers"),
            std::string::npos)
      << larger.reasons(0).evidence();
}

}  // namespace
}  // namespace redflag::testing

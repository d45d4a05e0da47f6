// Structuring (R6) and know-your-customer anomalies (R11/R12) end to end
// through gRPC against the real daemon: two accounts sharing a payment
// instrument reach together a level neither reaches alone, two unlinked
// accounts with the same figures raise nothing; serving compute (inference)
// adds to no training figure; a shell-like profile with a
// large request scores over the threshold, a profile with one flag does not.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/compute.grpc.pb.h"
#include "redflag/v1/customers.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

constexpr int64_t kHour = 3'600'000;
// The jobs start at midnight UTC 60 days before the test runs: inside the
// structuring window (180 days) whenever it runs.
const int64_t kT0 = (absl::ToUnixMillis(absl::Now()) / (24 * kHour) - 60) * (24 * kHour);

class EvasionEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = DaemonProcess::Start(dir_.path() + "/data", FreePorts(),
                                  {"-o", "compute.evaluation_interval=200ms"});
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
  }

  void Upsert(const v1::CustomerProfile& p) {
    grpc::Status s = UpsertCustomer(*daemon_, p);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  // Job "train/<model>" of `count` H100s for `hours` hours at tensor activity
  // 0.5 training `model` (default "m-<customer>"), from `parent` if given.
  void Train(const std::string& customer, uint32_t count, int hours, const std::string& parent = "",
             std::string model = "", double activity = 0.5, const std::string& checkpoint = "",
             v1::WorkloadKind workload = v1::WORKLOAD_KIND_PRETRAINING, int64_t start = kT0) {
    if (model.empty()) model = "m-" + customer;
    const std::string job = "train/" + model;
    {
      grpc::ClientContext ctx;
      v1::RegisterJobRequest req;
      v1::JobSpec* j = req.mutable_job();
      j->set_job_id(job);
      j->set_customer_id(customer);
      j->set_model_id(model);
      j->set_parent_model_id(parent);
      j->set_parent_checkpoint(checkpoint);
      j->set_accelerator_model("NVIDIA H100 80GB HBM3");
      j->set_accelerator_count(count);
      j->set_start_unix_ms(start);
      j->set_precision(v1::PRECISION_BF16);
      j->set_workload(workload);
      v1::RegisterJobResponse resp;
      ASSERT_TRUE(v1::JobService::NewStub(daemon_->channel())->RegisterJob(&ctx, req, &resp).ok());
    }
    v1::SampleBatch batch;
    for (int h = 0; h < hours; ++h) {
      v1::Sample* s = batch.add_samples();
      s->set_source_id("agent-" + job);
      s->set_seq(static_cast<uint64_t>(h + 1));
      s->set_job_id(job);
      s->set_window_start_unix_ms(start + h * kHour);
      s->set_window_end_unix_ms(start + (h + 1) * kHour);
      s->set_active_accelerators(count);
      s->set_tensor_active(activity);
    }
    grpc::ClientContext ctx;
    v1::BatchAck ack;
    grpc::Status st = v1::TelemetryService::NewStub(daemon_->channel())->Ingest(&ctx, batch, &ack);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  std::set<std::string> Alerts(const std::string& rule) {
    std::set<std::string> out;
    for (const auto& [id, a] : ListAlertsById(*daemon_, rule)) out.insert(id + " " + a.level());
    return out;
  }
  template <typename Fn>
  void WaitFor(Fn done) {
    for (int i = 0; i < 300 && !done(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};

v1::CustomerProfile Account(const std::string& id, const std::string& fingerprint) {
  v1::CustomerProfile p;
  p.set_customer_id(id);
  p.set_legal_name(id + " Ltd");
  p.set_headquarters_country("US");
  p.set_payment_instrument_fingerprint(fingerprint);
  p.add_contact_domains(id + ".example");
  p.set_declared_end_use("training");
  return p;
}

TEST_F(EvasionEndToEnd, LinkedAccountsReachingALevelTogetherAreStructuring) {
  // Each: 60,000 H100s x 210 h at tensor activity 0.2: best 9.0e24 (under
  // 1e25), upper 2.6e25 (under 5e25; together they reach it).
  for (auto [id, fp] : {std::pair{"st-a", "fp-shared"}, std::pair{"st-b", "fp-shared"},
                        std::pair{"st-c", "fp-c"}, std::pair{"st-d", "fp-d"}}) {
    Upsert(Account(id, fp));
    Train(id, 60000, 210, "", "", 0.2);
  }
  WaitFor([&] { return Alerts("structuring").size() >= 2; });
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // more passes: nothing else
  EXPECT_EQ(Alerts("structuring"),
            (std::set<std::string>{"structuring/group/st-a/1e25 1e25/likely",
                                   "structuring/group/st-a/5e25 5e25/possible"}));
}

TEST_F(EvasionEndToEnd, ResumingAnotherAccountsCheckpointIsFlaggedAndLinksTheAccounts) {
  // ck-b continues ck-a's model; ck-c continues its own; ck-d starts from a
  // model no account here trained (e.g. downloaded open weights).
  for (auto [id, fp] : {std::pair{"ck-a", "fp-a"}, std::pair{"ck-b", "fp-b"},
                        std::pair{"ck-c", "fp-c"}, std::pair{"ck-d", "fp-d"}}) {
    Upsert(Account(id, fp));
  }
  Train("ck-a", 30000, 150);
  Train("ck-b", 30000, 150, "m-ck-a");
  Train("ck-c", 10, 1);
  Train("ck-c", 10, 1, "m-ck-c", "m-ck-c-chat");
  Train("ck-d", 10, 1, "open-weights-7b");
  WaitFor([&] { return !Alerts("cross_account_checkpoint").empty(); });
  WaitFor([&] { return !Alerts("structuring").empty(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // more passes: nothing else
  EXPECT_EQ(
      Alerts("cross_account_checkpoint"),
      (std::set<std::string>{"cross_account_checkpoint/job/train/m-ck-b/m-ck-a parent_model"}));
  // The checkpoint links ck-a and ck-b: 8.0e24 each, 1.6e25 together.
  const std::map<std::string, v1::Alert> group = ListAlertsById(*daemon_, "structuring");
  ASSERT_TRUE(group.contains("structuring/group/ck-a/1e25"));
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : group.at("structuring/group/ck-a/1e25").evidence()) {
    evidence[e.name()] = e.value();
  }
  EXPECT_EQ(evidence["members"], "ck-a, ck-b");
  EXPECT_NE(evidence["links"].find("m-ck-a"), std::string::npos) << evidence["links"];
}

TEST_F(EvasionEndToEnd, AccountsStartingFromTheSameCheckpointHashAreLinked) {
  // hs-a and hs-b share nothing but the checkpoint their jobs start from;
  // hs-c and hs-d start from checkpoints one digit apart (the near miss).
  // Each: best 9.0e24, upper 2.6e25, as in the structuring test above.
  const std::pair<const char*, const char*> accounts[] = {
      {"hs-a", "sha256:9f86d081884c7d659a2feaa0c55ad015"},
      {"hs-b", "SHA256:9F86D081884C7D659A2FEAA0C55AD015"},
      {"hs-c", "sha256:60303ae22b998861bce3b28f33eec1be"},
      {"hs-d", "sha256:60303ae22b998861bce3b28f33eec1bf"}};
  for (auto [id, checkpoint] : accounts) {
    Upsert(Account(id, std::string("fp-") + id));
    Train(id, 60000, 210, "", "", 0.2, checkpoint);
  }
  WaitFor([&] { return Alerts("structuring").size() >= 2; });
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // more passes: nothing else
  EXPECT_EQ(Alerts("structuring"),
            (std::set<std::string>{"structuring/group/hs-a/1e25 1e25/likely",
                                   "structuring/group/hs-a/5e25 5e25/possible"}));
  const std::map<std::string, v1::Alert> group = ListAlertsById(*daemon_, "structuring");
  ASSERT_TRUE(group.contains("structuring/group/hs-a/1e25"));
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : group.at("structuring/group/hs-a/1e25").evidence()) {
    evidence[e.name()] = e.value();
  }
  EXPECT_EQ(evidence["members"], "hs-a, hs-b");
  EXPECT_EQ(evidence["links"], "hs-a ~ hs-b: checkpoint sha256:9f86d081884c7d659a2feaa0c55ad015");
}

// Inference is not training: a linked group that reaches a level only with
// one member's serving traffic is no structuring, and an account that only
// serves is no account at a training level; its serving compute is a figure
// of its own.
TEST_F(EvasionEndToEnd, ServingComputeAddsToNoTrainingFigure) {
  // sv-a and sv-b (linked) each train 9.0e24 (upper 2.6e25): 1e25 likely
  // together. sv-c and sv-d (linked) the same, but sv-d's job is inference.
  for (auto [id, fp] :
       {std::pair{"sv-a", "fp-train"}, std::pair{"sv-b", "fp-train"}, std::pair{"sv-c", "fp-serve"},
        std::pair{"sv-d", "fp-serve"}, std::pair{"sv-e", "fp-e"}, std::pair{"sv-f", "fp-f"}}) {
    Upsert(Account(id, fp));
  }
  for (const char* id : {"sv-a", "sv-b", "sv-c"}) Train(id, 60000, 210, "", "", 0.2);
  Train("sv-d", 60000, 210, "", "", 0.2, "", v1::WORKLOAD_KIND_INFERENCE);
  // sv-e serves 1.8e25 alone; sv-f trains as much (the near miss).
  Train("sv-e", 120000, 210, "", "", 0.2, "", v1::WORKLOAD_KIND_INFERENCE);
  Train("sv-f", 120000, 210, "", "", 0.2);
  WaitFor([&] { return Alerts("structuring").size() >= 2 && !Alerts("compute_level").empty(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // more passes: nothing else
  EXPECT_EQ(Alerts("structuring"),
            (std::set<std::string>{"structuring/group/sv-a/1e25 1e25/likely",
                                   "structuring/group/sv-a/5e25 5e25/possible"}));
  // Likely at 1e25: sv-f, which trained; not sv-e, which only served as much.
  std::set<std::string> customers_at_1e25;
  for (const std::string& a : Alerts("compute_level")) {
    if (a.rfind("compute_level/customer/", 0) == 0 &&
        a.find("/1e25 1e25/likely") != std::string::npos) {
      customers_at_1e25.insert(a.substr(0, a.find(' ')));
    }
  }
  EXPECT_EQ(customers_at_1e25, (std::set<std::string>{"compute_level/customer/sv-f/1e25"}));

  // The serving figure, apart from the training one.
  grpc::ClientContext ctx;
  v1::GetEstimateRequest req;
  req.set_customer_id("sv-e");
  v1::EstimateReport r;
  ASSERT_TRUE(v1::ComputeService::NewStub(daemon_->channel())->GetEstimate(&ctx, req, &r).ok());
  EXPECT_EQ(r.operations().upper(), 0);
  EXPECT_NEAR(r.serving_operations().best(), 1.8e25, 0.05e25);
  ASSERT_EQ(r.jobs_size(), 1);
  EXPECT_TRUE(r.jobs(0).serving());
}

// R6's rolling window (policy.structuring_window, 180 days): wi-a and wi-b
// (linked) both trained 60 days ago and cross 1e25 together; wo-a and wo-b
// (linked) trained as much, but wo-a 425 days ago, so together they cross
// only if training from 14 months ago still counted.
TEST_F(EvasionEndToEnd, LinkedTrainingAddsUpOnlyWithinTheWindow) {
  const int64_t kYearBefore = kT0 - 365 * 24 * kHour;
  for (auto [id, fp] : {std::pair{"wi-a", "fp-in"}, std::pair{"wi-b", "fp-in"},
                        std::pair{"wo-a", "fp-out"}, std::pair{"wo-b", "fp-out"}}) {
    Upsert(Account(id, fp));
  }
  Train("wi-a", 60000, 210, "", "", 0.2);
  Train("wi-b", 60000, 210, "", "", 0.2);
  Train("wo-a", 60000, 210, "", "", 0.2, "", v1::WORKLOAD_KIND_PRETRAINING, kYearBefore);
  Train("wo-b", 60000, 210, "", "", 0.2);
  WaitFor([&] { return Alerts("structuring").size() >= 2; });
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // more passes: nothing else
  EXPECT_EQ(Alerts("structuring"),
            (std::set<std::string>{"structuring/group/wi-a/1e25 1e25/likely",
                                   "structuring/group/wi-a/5e25 5e25/possible"}));
  const std::map<std::string, v1::Alert> group = ListAlertsById(*daemon_, "structuring");
  ASSERT_TRUE(group.contains("structuring/group/wi-a/1e25"));
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : group.at("structuring/group/wi-a/1e25").evidence()) {
    evidence[e.name()] = e.value();
  }
  EXPECT_EQ(evidence["window"].substr(0, 12), "180 days to ") << evidence["window"];
  EXPECT_NE(evidence["window"].find("policy.structuring_window"), std::string::npos);
}

TEST_F(EvasionEndToEnd, KycFlagsAddUpOnlyWhenThereAreEnough) {
  v1::CustomerProfile shell = Account("kyc-shell", "fp-1");
  shell.set_formation_date("2024-05-01");
  shell.set_address_forwarder(true);
  shell.set_reseller(true);
  shell.set_declared_end_use("");
  Upsert(shell);
  Train("kyc-shell", 2048, 1);  // a large request
  v1::CustomerProfile plain = Account("kyc-plain", "fp-2");
  plain.set_address_residential(true);  // one flag decides nothing
  Upsert(plain);
  // R12's payment and web flags: a residential address (1), payment from a
  // third country (1.5) by a third party (1.5), and a web domain three months
  // old (0.5): 4.5, past the threshold of 4. The near miss has the same
  // address and payment country but pays its own bills and has had its domain
  // since 2019: 2.5, nothing.
  v1::CustomerProfile paid = Account("kyc-paid", "fp-3");
  paid.set_address_residential(true);
  paid.set_headquarters_country("US");
  paid.set_incorporation_country("US");
  paid.set_billing_country("US");
  paid.set_payment_country("AE");
  paid.set_third_party_payment(true);
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  paid.set_web_domain_registered_date(absl::FormatCivilTime(today - 90));
  Upsert(paid);
  v1::CustomerProfile own = Account("kyc-own", "fp-4");
  own.set_address_residential(true);
  own.set_headquarters_country("US");
  own.set_incorporation_country("US");
  own.set_billing_country("US");
  own.set_payment_country("AE");
  own.set_web_domain_registered_date("2019-04-02");
  Upsert(own);
  WaitFor([&] { return Alerts("kyc_anomaly").size() >= 2; });
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  // 2 (recent, large) + 2 (forwarder) + 2 (undisclosed reseller) + 1 (no end use) = 7
  EXPECT_EQ(Alerts("kyc_anomaly"),
            (std::set<std::string>{"kyc_anomaly/customer/kyc-shell/score strong",
                                   "kyc_anomaly/customer/kyc-paid/score elevated"}));
  const v1::Alert paid_alert =
      ListAlertsById(*daemon_, "kyc_anomaly").at("kyc_anomaly/customer/kyc-paid/score");
  EXPECT_NE(paid_alert.summary().find(
                "residential_address, third_country_payment, third_party_payment, young_domain"),
            std::string::npos)
      << paid_alert.summary();
}

}  // namespace
}  // namespace redflag::testing

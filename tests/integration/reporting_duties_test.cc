// The reporting duties of R4 and R5 through the real daemon and redflagctl:
// the cluster inventory from its file and from the API, read as it was on a
// date with the arithmetic of each cluster's peak.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "redflag/v1/access.grpc.pb.h"
#include "redflag/v1/clusters.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "redflag/v1/records.grpc.pb.h"
#include "redflag/v1/reports.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

const std::string kExample = std::string(REDFLAG_SOURCE_DIR) + "/examples/clusters.yaml";
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kJul1 = 1782864000000;  // 2026-07-01
constexpr int64_t kAug1 = 1785542400000;  // 2026-08-01

class ReportingDutiesEndToEnd : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> args = {}) {
    args.insert(args.end(), {"-o", "clusters.inventory_file=" + kExample});
    auto d = DaemonProcess::Start(dir_.path() + "/data", ports_, args);
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
  }
  void Restart(std::vector<std::string> args = {}) {
    daemon_->Signal(SIGTERM);
    ASSERT_EQ(daemon_->Wait(), 0);
    Start(std::move(args));
  }
  CommandResult Ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {REDFLAGCTL_PATH, "--addr", daemon_->grpc_address()});
    return RunCommand(args);
  }
  void Register(const std::string& job, const std::string& cluster, uint32_t accelerators,
                int64_t start_unix_ms, v1::WorkloadKind workload = v1::WORKLOAD_KIND_UNSPECIFIED) {
    grpc::ClientContext ctx;
    v1::RegisterJobRequest req;
    v1::JobSpec* j = req.mutable_job();
    j->set_job_id(job);
    j->set_customer_id(customer_);
    j->set_cluster(cluster);
    j->set_accelerator_model("NVIDIA H100 80GB HBM3");
    j->set_accelerator_count(accelerators);
    j->set_start_unix_ms(start_unix_ms);
    j->set_workload(workload);
    j->set_model_id("m-" + job);
    v1::RegisterJobResponse resp;
    grpc::Status s = v1::JobService::NewStub(daemon_->channel())->RegisterJob(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  // `hours` one-hour samples of `job` from `from` on 50,000 H100s at tensor
  // activity 0.5: a best estimate of 8.9e22 operations an hour.
  void Hours(const std::string& job, int64_t from, int hours) {
    grpc::Status s = IngestHours(*daemon_, job, 1, from, hours);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  v1::QuarterlyReport Report(const std::string& quarter) {
    return QuarterlyReportOf(*daemon_, quarter);
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string customer_ = "acct-c";  // whose jobs Register registers
  TempDir dir_;
  const std::pair<int, int> ports_ = FreePorts();
  std::unique_ptr<DaemonProcess> daemon_;
};

// The example inventory: iad-train-1 has 12,500 H100s from July (2.474e19
// OP/s, not reportable) and 60,000 from October (1.187e20 at 400 Gbit/s,
// reportable); ord-mixed-2 is at 200 Gbit/s.
TEST_F(ReportingDutiesEndToEnd, TheInventoryFileIsReadAsItWasOnEachDate) {
  Start();
  CommandResult q3 = Ctl({"clusters", "list", "--as-of", "2026-09-30"});
  ASSERT_EQ(q3.exit_code, 0) << q3.output;
  EXPECT_NE(q3.output.find("not reportable  iad-train-1  2.474e+19 OP/s  400 Gbit/s  since "
                           "2026-07-01"),
            std::string::npos)
      << q3.output;
  EXPECT_NE(q3.output.find("2 clusters, 0 reportable"), std::string::npos) << q3.output;
  EXPECT_NE(q3.output.find("more than 300 Gbit/s (proposed"), std::string::npos) << q3.output;
  CommandResult q4 = Ctl({"clusters", "list", "--as-of", "2026-10-01"});
  ASSERT_EQ(q4.exit_code, 0) << q4.output;
  EXPECT_NE(q4.output.find("REPORTABLE      iad-train-1  1.187e+20 OP/s"), std::string::npos)
      << q4.output;
  EXPECT_NE(q4.output.find("60000 x NVIDIA H100 SXM5 80GB = 60000 x 1.979e+15 (int8)"),
            std::string::npos)
      << q4.output;
  EXPECT_NE(q4.output.find("recorded"), std::string::npos);
  EXPECT_NE(q4.output.find("by config " + kExample), std::string::npos) << q4.output;

  // Each description is recorded once: a restart with the same file adds none.
  const size_t recorded = AuditRecordsOf(*daemon_, "cluster/iad-train-1", "cluster.upsert").size();
  EXPECT_EQ(recorded, 2u);
  Restart();
  EXPECT_EQ(AuditRecordsOf(*daemon_, "cluster/iad-train-1", "cluster.upsert").size(), recorded);
  CommandResult history = Ctl({"clusters", "history", "iad-train-1"});
  ASSERT_EQ(history.exit_code, 0) << history.output;
  EXPECT_NE(history.output.find("\"effective_date\": \"2026-10-01\""), std::string::npos)
      << history.output;
  EXPECT_NE(Ctl({"clusters", "history", "nowhere"}).output.find("not in the inventory"),
            std::string::npos);
}

// Under the EO 14110 profile the duty is EO 14110's (100 Gbit/s, revoked),
// and the grown cluster is reportable under it too.
TEST_F(ReportingDutiesEndToEnd, TheProfileSetsTheThresholds) {
  Start({"-o", "policy.profile=eo_14110"});
  CommandResult list = Ctl({"clusters", "list", "--as-of", "2026-10-01", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("more than 100 Gbit/s (revoked"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("\"reportable\": true"), std::string::npos);
}

// The API takes a later description; a bad one is refused naming its field,
// and a bad file is refused by redflagctl before anything is sent.
TEST_F(ReportingDutiesEndToEnd, DescriptionsComeThroughTheApiAndBadOnesAreNamed) {
  Start();
  const std::string grown = Write("grown.yaml",
                                  "clusters:\n  - cluster_id: ord-mixed-2\n    region: us-central\n"
                                  "    datacenter: ord-3\n    interconnect_gbit_s: 800\n"
                                  "    effective_date: \"2026-11-01\"\n    accelerators:\n"
                                  "      - {model: NVIDIA B200, count: 30000}\n");
  CommandResult up = Ctl({"clusters", "upsert", "--file", grown});
  ASSERT_EQ(up.exit_code, 0) << up.output;
  EXPECT_EQ(up.output, "ord-mixed-2 from 2026-11-01: recorded\n");
  EXPECT_EQ(Ctl({"clusters", "upsert", "--file", grown}).output,
            "ord-mixed-2 from 2026-11-01: unchanged\n");
  CommandResult after = Ctl({"clusters", "list", "--as-of", "2026-11-02"});
  EXPECT_NE(after.output.find("REPORTABLE      ord-mixed-2"), std::string::npos) << after.output;
  CommandResult before = Ctl({"clusters", "list", "--as-of", "2026-10-31"});
  EXPECT_NE(before.output.find("not reportable  ord-mixed-2"), std::string::npos) << before.output;

  const std::string bad = Write("bad.yaml", "clusters:\n  - cluster_id: x\n    gpus: 8\n");
  CommandResult refused = Ctl({"clusters", "upsert", "--file", bad});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find(bad + ":3: clusters[0].gpus: unknown key"), std::string::npos)
      << refused.output;

  auto stub = v1::ClusterService::NewStub(daemon_->channel());
  v1::UpsertClusterRequest req;
  req.mutable_cluster()->set_cluster_id("c1");
  v1::ClusterAccelerators* a = req.mutable_cluster()->add_accelerators();
  a->set_model("h100");
  a->set_count(0);
  v1::UpsertClusterResponse resp;
  grpc::ClientContext ctx;
  grpc::Status s = stub->UpsertCluster(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "cluster.accelerators[0].count: must be 1 to 10,000,000, got 0");
}

// A job larger than its cluster was when it started is a data-quality
// alert about the cluster, naming the job; jobs that fit raise none.
TEST_F(ReportingDutiesEndToEnd, AJobLargerThanItsClusterIsAnAlertAboutTheCluster) {
  Start({"-o", "compute.evaluation_interval=200ms"});
  constexpr int64_t kSep1 = 1788220800000;  // 2026-09-01: 12,500 H100s
  constexpr int64_t kOct5 = 1791158400000;  // 2026-10-05: 60,000
  Register("slurm/iad/1", "iad-train-1", 12'500, kSep1);
  Register("slurm/iad/2", "iad-train-1", 50'000, kOct5);
  Register("slurm/ord/1", "ord-mixed-2", 4'096, kSep1);  // H100s on a cluster of none
  Register("slurm/nowhere/1", "not-in-inventory", 90'000, kSep1);
  std::map<std::string, v1::Alert> alerts;
  for (int i = 0; i < 100 && alerts.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    alerts = ListAlertsById(*daemon_, "cluster_inventory_mismatch");
  }
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts.begin()->second.subject_id(), "ord-mixed-2");
  // 50,000 from September on the cluster of 12,500 then.
  Register("slurm/iad/3", "iad-train-1", 50'000, kSep1);
  for (int i = 0; i < 100 && alerts.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    alerts = ListAlertsById(*daemon_, "cluster_inventory_mismatch");
  }
  ASSERT_EQ(alerts.size(), 2u);
  const v1::Alert& iad = alerts.at("cluster_inventory_mismatch/cluster/iad-train-1/capacity");
  EXPECT_EQ(iad.level(), "jobs>=1");
  EXPECT_NE(iad.summary().find("1 job larger than the inventory says"), std::string::npos)
      << iad.summary();
  EXPECT_NE(iad.summary().find("the job holds 50000 accelerators of NVIDIA H100 80GB HBM3 but "
                               "cluster iad-train-1 has 12500 (as of 2026-07-01)"),
            std::string::npos)
      << iad.summary();
  // A second job that does not fit updates the alert.
  Register("slurm/iad/4", "iad-train-1", 20'000, kSep1);
  v1::Alert grown = iad;
  for (int i = 0; i < 100 && grown.level() == "jobs>=1"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    grown = ListAlertsById(*daemon_, "cluster_inventory_mismatch")
                .at("cluster_inventory_mismatch/cluster/iad-train-1/capacity");
  }
  EXPECT_EQ(grown.level(), "jobs>=2");
  EXPECT_NE(grown.summary().find("2 jobs larger"), std::string::npos) << grown.summary();
}

// The 2026Q3 report: a run over 1e26 and the clusters of the inventory as
// they were, under the profile then in force; a biological-sequence run over
// 1e23 is neither alerted nor reportable under the default profile. After the
// profile becomes EO 14110's and the inventory changes, the run alerts, yet
// the 2026Q3 report is the same to the byte; its HTML renders in Chromium.
TEST_F(ReportingDutiesEndToEnd, AQuartersDutiesStayAsTheyWereAfterLaterChanges) {
  Start({"-o", "compute.evaluation_interval=200ms"});
  Register("slurm/iad/big", "iad-train-1", 50'000, kJul1, v1::WORKLOAD_KIND_PRETRAINING);
  Hours("slurm/iad/big", kJul1, 1200);  // best 1.07e26
  Register("slurm/iad/bio", "iad-train-1", 50'000, kAug1, v1::WORKLOAD_KIND_BIOLOGICAL_SEQUENCE);
  Hours("slurm/iad/bio", kAug1, 2);  // best 1.78e23
  // Several evaluations pass without the biological-sequence alert.
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_TRUE(ListAlertsById(*daemon_, "biological_sequence_run").empty());
  }
  const v1::QuarterlyReport q3 = Report("2026Q3");
  EXPECT_EQ(q3.reporting_profile(), "may_2025_guidance@2025-05-13");
  ASSERT_EQ(q3.duties_size(), 4);
  EXPECT_EQ(q3.duties(0).duty(), "runs");
  EXPECT_EQ(q3.duties(0).status(), "proposed");
  EXPECT_FALSE(q3.duties(1).on());  // biological sequence runs
  ASSERT_EQ(q3.runs_size(), 1);
  EXPECT_EQ(q3.runs(0).id(), "slurm/iad/big");
  EXPECT_EQ(q3.runs(0).likelihood(), "likely");
  EXPECT_EQ(q3.runs(0).duty(), "runs");
  EXPECT_GT(q3.runs(0).operations_best(), 1e26);
  ASSERT_EQ(q3.clusters_size(), 2);
  EXPECT_EQ(q3.clusters(0).cluster_id(), "iad-train-1");
  EXPECT_EQ(q3.clusters(0).effective_date(), "2026-07-01");  // October's growth is not Q3's
  EXPECT_FALSE(q3.clusters(0).reportable());
  EXPECT_NEAR(q3.clusters(0).peak_ops_per_s(), 2.474e19, 0.001e19);

  // Later: another profile, another inventory.
  Restart({"-o", "compute.evaluation_interval=200ms", "-o", "policy.profile=eo_14110"});
  const std::string later = Write("later.yaml",
                                  "clusters:\n  - cluster_id: iad-train-1\n    effective_date: "
                                  "\"2026-11-15\"\n    interconnect_gbit_s: 100\n"
                                  "    accelerators: [{model: NVIDIA H100 SXM5 80GB, count: 1}]\n"
                                  "  - cluster_id: new-one\n    effective_date: \"2026-11-20\"\n"
                                  "    accelerators: [{model: h100, count: 8}]\n");
  ASSERT_EQ(Ctl({"clusters", "upsert", "--file", later}).exit_code, 0);
  std::map<std::string, v1::Alert> bio;
  for (int i = 0; i < 100 && bio.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    bio = ListAlertsById(*daemon_, "biological_sequence_run");
  }
  ASSERT_EQ(bio.size(), 1u);
  const v1::Alert& alert = bio.begin()->second;
  EXPECT_EQ(alert.subject_id(), "slurm/iad/bio");
  EXPECT_EQ(alert.severity(), v1::SEVERITY_HIGH);
  EXPECT_NE(alert.summary().find("over 1e+23"), std::string::npos) << alert.summary();
  EXPECT_NE(alert.summary().find("revoked"), std::string::npos) << alert.summary();

  const v1::QuarterlyReport q3_again = Report("2026Q3");
  EXPECT_EQ(q3_again.content_sha256(), q3.content_sha256());
  EXPECT_EQ(q3_again.reporting_profile(), "may_2025_guidance@2025-05-13");
  // The running quarter is read under the profile now in force.
  const v1::QuarterlyReport q4 = Report("2026Q4");
  EXPECT_EQ(q4.reporting_profile(), "eo_14110@2023-10-30");

  const std::string html = dir_.path() + "/q3.html";
  ASSERT_EQ(Ctl({"report", "--quarter", "2026Q3", "--format", "html", "--out", html}).exit_code, 0);
  CommandResult dom = RunCommand({"/usr/bin/timeout", "120", "/usr/bin/chromium", "--headless",
                                  "--no-sandbox", "--disable-gpu", "--dump-dom", "file://" + html});
  ASSERT_EQ(dom.exit_code, 0) << dom.output;
  for (const char* want :
       {"<table id=\"duties\">", "<h2>Reporting duties (may_2025_guidance@2025-05-13)</h2>",
        "<table id=\"runs\">", "<td>slurm/iad/big</td>", "<table id=\"clusters\">",
        "<td>iad-train-1</td><td>us-east</td><td>iad-7</td><td>2026-07-01</td>",
        "<table id=\"foreign-person-records\">"}) {
    EXPECT_NE(dom.output.find(want), std::string::npos) << want;
  }
  CommandResult csv = Ctl({"report", "--quarter", "2026Q3", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_NE(csv.output.find("reportable_run,job,slurm/iad/big"), std::string::npos) << csv.output;
  EXPECT_NE(csv.output.find("cluster,us-east,iad-train-1"), std::string::npos) << csv.output;
}

v1::CustomerProfile Profile(const std::string& id, const std::string& hq) {
  v1::CustomerProfile p;
  p.set_customer_id(id);
  p.set_legal_name("Name of " + id);
  p.set_headquarters_country(hq);
  p.add_addresses("1 Example Street, " + hq);
  p.set_payment_country(hq);
  p.set_payment_instrument_fingerprint("fp-" + id);
  p.add_contact_emails("ops@" + id + ".example");
  p.add_contact_phones("+44 20 7946 0000");
  return p;
}

// R5 end to end: a foreign customer's lineage crossing 1e26 opens exactly one
// record, holding the profile as of that day and the access events of the
// lineage's period; it is filed with a reference and stays filed after a
// restart. A second foreign customer's record, whose crossing lies months
// back, is overdue and alerts. A US customer's lineage opens none.
TEST_F(ReportingDutiesEndToEnd, AForeignPersonsLargeLineageOpensOneRecordFiledOnce) {
  Start({"-o", "compute.evaluation_interval=200ms"});
  ASSERT_TRUE(UpsertCustomer(*daemon_, Profile("acct-gb", "GB")).ok());
  ASSERT_TRUE(UpsertCustomer(*daemon_, Profile("acct-us", "US")).ok());
  ASSERT_TRUE(UpsertCustomer(*daemon_, Profile("acct-de", "DE")).ok());
  // 1,200 hours ending an hour ago for acct-gb and acct-us; in July and
  // August for acct-de.
  const int64_t recent = (absl::ToUnixMillis(absl::Now()) / kHour - 1201) * kHour;
  {
    v1::RecordAccessRequest req;
    auto event = [&](int64_t t, const std::string& ip, const std::string& action) {
      v1::AccessEvent* e = req.add_events();
      e->set_customer_id("acct-gb");
      e->set_principal("alice");
      e->set_source_ip(ip);
      e->set_country("GB");
      e->set_time_unix_ms(t);
      e->set_channel("console");
      e->set_action(action);
    };
    event(recent - 24 * kHour, "198.51.100.1", "login");  // before the lineage's period
    event(recent + kHour, "203.0.113.7", "create_instance");
    event(recent + 2 * kHour, "2001:db8::7", "login");
    event(recent + 3 * kHour, "203.0.113.8", "");  // no action: its channel
    grpc::ClientContext ctx;
    v1::RecordAccessResponse resp;
    ASSERT_TRUE(
        v1::AccessService::NewStub(daemon_->channel())->RecordAccess(&ctx, req, &resp).ok());
  }
  customer_ = "acct-gb";
  Register("gb/1", "", 50'000, recent, v1::WORKLOAD_KIND_PRETRAINING);
  Hours("gb/1", recent, 1200);
  customer_ = "acct-us";
  Register("us/1", "", 50'000, recent, v1::WORKLOAD_KIND_PRETRAINING);
  Hours("us/1", recent, 1200);
  customer_ = "acct-de";
  Register("de/1", "", 50'000, kJul1, v1::WORKLOAD_KIND_PRETRAINING);
  Hours("de/1", kJul1, 1200);

  auto records = [&] {
    grpc::ClientContext ctx;
    v1::ListRecordsResponse resp;
    EXPECT_TRUE(v1::RecordService::NewStub(daemon_->channel())
                    ->ListRecords(&ctx, v1::ListRecordsRequest(), &resp)
                    .ok());
    return resp;
  };
  for (int i = 0; i < 100 && records().records_size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // The profile changes after the record opened: the record keeps that day's.
  v1::CustomerProfile renamed = Profile("acct-gb", "GB");
  renamed.set_legal_name("Renamed Ltd");
  ASSERT_TRUE(UpsertCustomer(*daemon_, renamed).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // more passes
  const v1::ListRecordsResponse listed = records();
  ASSERT_EQ(listed.records_size(), 2);
  std::map<std::string, v1::ForeignPersonRecord> by_id;
  for (const v1::ForeignPersonRecord& r : listed.records()) by_id[r.record_id()] = r;
  ASSERT_TRUE(by_id.contains("acct-gb/m-gb/1"));
  ASSERT_TRUE(by_id.contains("acct-de/m-de/1"));

  CommandResult show = Ctl({"records", "show", "acct-gb/m-gb/1", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.output;
  for (const char* want :
       {"\"legal_name\": \"Name of acct-gb\"", "\"foreign_basis\": \"headquarters GB\"",
        "\"1 Example Street, GB\"",
        "\"payment_source\": \"payment country GB, instrument fp-acct-gb\"",
        "\"ops@acct-gb.example\"", "\"+44 20 7946 0000\"", "\"profile_version\": \"1\"",
        "\"access_events_total\": 3", "\"source_ip\": \"203.0.113.7\"",
        "\"action\": \"create_instance\"", "\"source_ip\": \"2001:db8::7\"",
        "\"action\": \"console\"", "\"state\": \"RECORD_STATE_DRAFT\""}) {
    EXPECT_NE(show.output.find(want), std::string::npos) << want << "\n" << show.output;
  }
  EXPECT_EQ(show.output.find("198.51.100.1"), std::string::npos);  // before the period

  // The old crossing is overdue and alerts; the recent one is not.
  std::map<std::string, v1::Alert> overdue;
  for (int i = 0; i < 100 && overdue.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    overdue = ListAlertsById(*daemon_, "foreign_person_record_overdue");
  }
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue.begin()->second.subject_id(), "acct-de/m-de/1");
  EXPECT_EQ(ListAlertsById(*daemon_, "foreign_person_record").size(), 2u);
  CommandResult list = Ctl({"records", "list"});
  EXPECT_NE(list.output.find("OVERDUE"), std::string::npos) << list.output;

  CommandResult filed = Ctl({"records", "file", "acct-gb/m-gb/1", "--reference", "BIS-2026-0042",
                             "--actor", "cora", "-m", "sent by the portal"});
  ASSERT_EQ(filed.exit_code, 0) << filed.output;
  EXPECT_NE(filed.output.find("reference BIS-2026-0042"), std::string::npos) << filed.output;
  CommandResult again = Ctl({"records", "file", "acct-gb/m-gb/1", "--reference", "BIS-2"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("a filing is recorded once"), std::string::npos) << again.output;
  EXPECT_NE(Ctl({"records", "file", "acct-gb/m-gb/1"}).output.find("agency_reference: is required"),
            std::string::npos);
  EXPECT_EQ(AuditRecordsOf(*daemon_, "record/acct-gb/m-gb/1", "record.opened").size(), 1u);
  EXPECT_EQ(AuditRecordsOf(*daemon_, "record/acct-gb/m-gb/1", "record.filed").size(), 1u);

  Restart({"-o", "compute.evaluation_interval=200ms"});
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  ASSERT_EQ(records().records_size(), 2);
  CommandResult after = Ctl({"records", "show", "acct-gb/m-gb/1"});
  EXPECT_NE(after.output.find("[filed]"), std::string::npos) << after.output;
  EXPECT_NE(after.output.find("by local on behalf of cora, reference BIS-2026-0042"),
            std::string::npos)
      << after.output;
  EXPECT_NE(after.output.find("name:          Name of acct-gb"), std::string::npos);

  // The current quarter's report lists both, as they stand.
  const v1::QuarterlyReport q = Report(
      absl::StrCat(absl::FormatTime("%Y", absl::Now(), absl::UTCTimeZone()), "Q",
                   (absl::ToCivilMonth(absl::Now(), absl::UTCTimeZone()).month() - 1) / 3 + 1));
  ASSERT_EQ(q.foreign_person_records_size(), 2);
  std::map<std::string, v1::ReportForeignRecord> in_report;
  for (const v1::ReportForeignRecord& r : q.foreign_person_records()) in_report[r.record_id()] = r;
  EXPECT_EQ(in_report["acct-gb/m-gb/1"].state(), "filed");
  EXPECT_EQ(in_report["acct-gb/m-gb/1"].agency_reference(), "BIS-2026-0042");
  EXPECT_FALSE(in_report["acct-gb/m-gb/1"].overdue());
  EXPECT_EQ(in_report["acct-de/m-de/1"].state(), "draft");
  EXPECT_TRUE(in_report["acct-de/m-de/1"].overdue());
  EXPECT_EQ(in_report["acct-de/m-de/1"].legal_name(), "Name of acct-de");
}

// A file that does not parse stops the start with its line and field.
TEST_F(ReportingDutiesEndToEnd, ABadInventoryFileStopsTheStartNamingWhere) {
  const std::string bad = Write("bad.yaml", "clusters:\n  - cluster_id: x\n    accelerators: 8\n");
  CommandResult r = RunCommand({REDFLAGD_PATH, "--data-dir", dir_.path() + "/data", "--grpc-listen",
                                "127.0.0.1:0", "--http-listen", "127.0.0.1:0", "-o",
                                "clusters.inventory_file=" + bad});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find(bad + ":3: clusters[0].accelerators: must be a list"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace redflag::testing

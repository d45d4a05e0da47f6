// The quarterly report end to end through the real daemon: a scenario with
// training in 2026Q3 and more in 2026Q4 gives the expected subjects, chart,
// alerts with their dispositions, and policy in force; the 2026Q3 report is
// the same (same content hash, same content) after 2026Q4 data arrives and
// after a restart; the HTML page renders in headless Chromium with its
// tables and chart.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "redflag/v1/reports.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

constexpr int64_t kAug1 = 1785542400000;  // 2026-08-01T00:00:00Z
constexpr int64_t kOct1 = 1790812800000;  // 2026-10-01T00:00:00Z
constexpr int64_t kHour = 3'600'000;
// 50,000 H100s for an hour at tensor activity 0.5: 1.8e8 s x 9.894e14 x 0.5;
// the upper bound is that activity at the fastest peak (1.979e15) with its
// 1.1 margin, plus the non-tensor pipes (1.338e14).
constexpr double kBestPerHour = 50000 * 3600.0 * 9.894e14 * 0.5;
constexpr double kUpperPerHour = 50000 * 3600.0 * (0.5 * 1.979e15 * 1.1 + 1.338e14);

// The quarter the wall clock is in: alerts and analysts' steps are dated by it.
std::string CurrentQuarter() {
  const absl::CivilSecond now = absl::ToCivilSecond(absl::Now(), absl::UTCTimeZone());
  return absl::StrCat(now.year(), "Q", (now.month() - 1) / 3 + 1);
}

class ReportEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    Start();
    v1::CustomerProfile p;
    p.set_customer_id("acct-r");
    p.set_legal_name("Report Example Ltd");
    p.set_headquarters_country("US");
    p.set_ultimate_parent_name("Report Holdings");
    ASSERT_TRUE(UpsertCustomer(*daemon_, p).ok());
    Register("rep/a", "m-a", kAug1);
    Hours("rep/a", 1, kAug1, 100);  // 100 h in August
  }

  void Start() {
    auto d = DaemonProcess::Start(dir_.path() + "/data", ports_,
                                  {"-o", "compute.evaluation_interval=200ms"});
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
  }
  void Restart() {
    daemon_->Signal(SIGTERM);
    ASSERT_EQ(daemon_->Wait(), 0);
    daemon_.reset();
    Start();
  }

  void Register(const std::string& job, const std::string& model, int64_t start,
                v1::WorkloadKind workload = v1::WORKLOAD_KIND_UNSPECIFIED,
                const std::string& customer = "acct-r") {
    grpc::ClientContext ctx;
    v1::RegisterJobRequest req;
    v1::JobSpec* j = req.mutable_job();
    j->set_job_id(job);
    j->set_customer_id(customer);
    j->set_workload(workload);
    j->set_model_id(model);
    j->set_accelerator_model("NVIDIA H100 80GB HBM3");
    j->set_accelerator_count(50000);
    j->set_start_unix_ms(start);
    j->set_precision(v1::PRECISION_BF16);
    v1::RegisterJobResponse resp;
    grpc::Status s = v1::JobService::NewStub(daemon_->channel())->RegisterJob(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  void Hours(const std::string& job, uint64_t seq, int64_t from, int hours) {
    grpc::Status s = IngestHours(*daemon_, job, seq, from, hours);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  v1::QuarterlyReport Report(const std::string& quarter) {
    return QuarterlyReportOf(*daemon_, quarter);
  }
  static std::string Content(v1::QuarterlyReport r) {
    r.clear_generated_unix_ms();
    r.clear_generated_by();
    return r.SerializeAsString();
  }
  CommandResult Ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {REDFLAGCTL_PATH, "--addr", daemon_->grpc_address()});
    return RunCommand(args);
  }

  TempDir dir_;
  std::pair<int, int> ports_ = FreePorts();
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(ReportEndToEnd, AQuartersFiguresStayAsTheyWereWhenLaterDataArrives) {
  const v1::QuarterlyReport q3 = Report("2026Q3");
  EXPECT_EQ(q3.quarter(), "2026Q3");
  EXPECT_TRUE(q3.complete());
  // The model and its account, 100 h x 50,000 H100: best 8.9e24 (1e24
  // likely), upper 2.2e25 (1e25 possible). No parent: the profile naming it
  // was stored after the quarter.
  ASSERT_EQ(q3.subjects_size(), 2);
  for (int i = 0; i < 2; ++i) {
    const v1::ReportSubject& s = q3.subjects(i);
    EXPECT_EQ(s.kind(), i == 0 ? "model" : "customer");
    EXPECT_EQ(s.id(), i == 0 ? "m-a" : "acct-r");
    EXPECT_NEAR(s.operations_best(), 100 * kBestPerHour, 1e-9 * s.operations_best());
    EXPECT_NEAR(s.operations_upper(), 100 * kUpperPerHour, 1e-9 * s.operations_upper());
    ASSERT_EQ(s.reached_size(), 2);
    EXPECT_EQ(s.reached(0).level() + " " + s.reached(0).likelihood(), "1e24 likely");
    EXPECT_EQ(s.reached(1).level() + " " + s.reached(1).likelihood(), "1e25 possible");
    EXPECT_EQ(s.jobs(), 1u);
  }
  // The chart: every day of the quarter, nothing before August 1st, then the
  // whole 100 h from the day they ended (August 5th, 04:00) on.
  ASSERT_EQ(q3.chart_size(), 1);
  const v1::ReportSeries& series = q3.chart(0);
  ASSERT_EQ(series.operations_best_size(), 92);
  EXPECT_EQ(series.operations_best(30), 0);                                              // July 31
  EXPECT_NEAR(series.operations_best(31), 24 * kBestPerHour, 1e-9 * 24 * kBestPerHour);  // Aug 1
  EXPECT_NEAR(series.operations_best(91), 100 * kBestPerHour, 1e-9 * 100 * kBestPerHour);
  EXPECT_TRUE(q3.alerts().empty());  // raised after the quarter, by the wall clock

  // More for October, and a second job in the fourth quarter.
  Hours("rep/a", 101, kOct1, 50);
  Register("rep/b", "m-b", kOct1 + 24 * kHour);
  Hours("rep/b", 1, kOct1 + 24 * kHour, 10);
  const v1::QuarterlyReport q3_again = Report("2026Q3");
  EXPECT_EQ(q3_again.content_sha256(), q3.content_sha256());
  EXPECT_EQ(Content(q3_again), Content(q3));
  const v1::QuarterlyReport q4 = Report("2026Q4");
  ASSERT_GE(q4.subjects_size(), 1);
  EXPECT_EQ(q4.subjects(0).id(), "m-a");
  EXPECT_NEAR(q4.subjects(0).operations_best(), 150 * kBestPerHour, 1e-9 * 150 * kBestPerHour);

  // After a restart: still the same.
  Restart();
  EXPECT_EQ(Content(Report("2026Q3")), Content(q3));
  // (The running quarter's alerts may have moved on; its figures have not.)
  const v1::QuarterlyReport q4_again = Report("2026Q4");
  ASSERT_EQ(q4_again.subjects_size(), q4.subjects_size());
  for (int i = 0; i < q4.subjects_size(); ++i) {
    EXPECT_EQ(q4_again.subjects(i).SerializeAsString(), q4.subjects(i).SerializeAsString());
  }
}

// Serving compute is its own figure in the report: a customer's inference
// adds nothing to its training figure, and an account that only serves is
// listed with its serving figure and no level reached by training.
TEST_F(ReportEndToEnd, ServingComputeIsReportedApartFromTraining) {
  Register("rep/serve", "m-a", kAug1, v1::WORKLOAD_KIND_INFERENCE);
  Hours("rep/serve", 1, kAug1, 200);
  Register("rep/only-serves", "m-s", kAug1, v1::WORKLOAD_KIND_INFERENCE, "acct-s");
  Hours("rep/only-serves", 1, kAug1, 150);
  const v1::QuarterlyReport r = Report("2026Q3");
  std::map<std::string, const v1::ReportSubject*> subjects;
  for (const v1::ReportSubject& s : r.subjects()) subjects[s.kind() + "/" + s.id()] = &s;
  ASSERT_TRUE(subjects.contains("customer/acct-r"));
  const v1::ReportSubject& trains = *subjects.at("customer/acct-r");
  EXPECT_NEAR(trains.operations_best(), 100 * kBestPerHour, 1e-6 * 100 * kBestPerHour);
  EXPECT_NEAR(trains.serving_operations_best(), 200 * kBestPerHour, 1e-6 * 200 * kBestPerHour);
  // The model's lineage is its training only.
  ASSERT_TRUE(subjects.contains("model/m-a"));
  EXPECT_NEAR(subjects.at("model/m-a")->operations_best(), 100 * kBestPerHour,
              1e-6 * 100 * kBestPerHour);
  ASSERT_TRUE(subjects.contains("customer/acct-s"));
  const v1::ReportSubject& serves = *subjects.at("customer/acct-s");
  EXPECT_EQ(serves.operations_upper(), 0);
  EXPECT_TRUE(serves.reached().empty());
  EXPECT_NEAR(serves.serving_operations_best(), 150 * kBestPerHour, 1e-6 * 150 * kBestPerHour);
  EXPECT_FALSE(subjects.contains("model/m-s"));  // inference trains no model

  CommandResult csv = Ctl({"report", "--quarter", "2026Q3", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_NE(csv.output.find("serving (not training) best"), std::string::npos) << csv.output;
}

TEST_F(ReportEndToEnd, AlertsWithDispositionsAndThePolicyInForce) {
  const std::string alert = "compute_level/model/m-a/1e24";
  for (int i = 0; i < 100 && !ListAlertsById(*daemon_).contains(alert); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(Ctl({"alerts", "resolve", alert, "--actor", "ana", "--disposition", "true_positive",
                 "-m", "reported to BIS"})
                .exit_code,
            0);
  const v1::QuarterlyReport now = Report(CurrentQuarter());
  EXPECT_FALSE(now.complete());
  const v1::ReportAlert* resolved = nullptr;
  for (const v1::ReportAlert& a : now.alerts()) {
    if (a.alert_id() == alert) resolved = &a;
  }
  ASSERT_NE(resolved, nullptr);
  EXPECT_EQ(resolved->state(), "resolved");
  EXPECT_EQ(resolved->disposition(), "true_positive");
  EXPECT_EQ(resolved->resolved_by(), "local on behalf of ana");
  EXPECT_EQ(resolved->resolution_comment(), "reported to BIS");
  EXPECT_EQ(resolved->severity(), "info");
  EXPECT_TRUE(resolved->raised_in_quarter());
  EXPECT_EQ(resolved->steps_in_quarter(), 1u);
  ASSERT_GE(now.in_force_size(), 1);
  EXPECT_EQ(now.in_force(0).subject(), "policy");
  bool profile = false;
  for (const auto& d : now.in_force(0).details()) {
    profile |= d.name() == "profile" && d.value() == "may_2025_guidance@2025-05-13";
  }
  EXPECT_TRUE(profile);

  // Rendered by a browser: the page's tables and chart are there.
  const std::string html = dir_.path() + "/report.html";
  ASSERT_EQ(Ctl({"report", "--quarter", "2026Q3", "--format", "html", "--out", html}).exit_code, 0);
  CommandResult dom = RunCommand({"/usr/bin/timeout", "120", "/usr/bin/chromium", "--headless",
                                  "--no-sandbox", "--disable-gpu", "--dump-dom", "file://" + html});
  ASSERT_EQ(dom.exit_code, 0) << dom.output;
  for (const char* want :
       {"<title>redflagd compliance report 2026Q3</title>",
        "<td>m-a</td><td>1e24 likely; 1e25 possible</td>", "<td>acct-r</td>",
        "<polyline class=\"lineage\" data-model=\"m-a\"", "class=\"level-label\"", "(complete)"}) {
    EXPECT_NE(dom.output.find(want), std::string::npos) << want;
  }
  CommandResult png = RunCommand({"/usr/bin/timeout", "120", "/usr/bin/chromium", "--headless",
                                  "--no-sandbox", "--disable-gpu", "--window-size=1100,900",
                                  "--screenshot=" + dir_.path() + "/report.png", "file://" + html});
  ASSERT_EQ(png.exit_code, 0) << png.output;
  std::ifstream shot(dir_.path() + "/report.png", std::ios::binary | std::ios::ate);
  EXPECT_GT(static_cast<long>(shot.tellg()), 20000);  // a page with content, not a blank one
}

TEST_F(ReportEndToEnd, AQuarterNotBegunOrMalformedIsRefusedNamingTheField) {
  CommandResult future = Ctl({"report", "--quarter", "2100Q4"});
  EXPECT_NE(future.exit_code, 0);
  EXPECT_NE(future.output.find("quarter: 2100Q4 has not begun"), std::string::npos)
      << future.output;
  CommandResult bad = Ctl({"report", "--quarter", "2026Q5"});
  EXPECT_NE(bad.output.find("quarter: '2026Q5' is not a quarter like 2026Q3"), std::string::npos)
      << bad.output;
}

}  // namespace
}  // namespace redflag::testing

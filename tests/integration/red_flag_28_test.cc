// Red Flag 28 end to end through the real daemon under the ai_diffusion_2025
// profile: a frontier-scale model of a customer headquartered in the United
// States raises nothing; once the profile says Singapore, the rule fires
// ("possible": the upper bound reaches 10^26), the alert records the policy
// profile, and its export-intent inquiry is worked through redflagctl to
// closed, every step in the verified audit log; published weights keep it
// quiet, and just over the level by the best estimate it escalates to likely.
// Under may_2025_guidance the rule is off, while what it found stays. Weight egress (R8) is judged
// under the same profile: a copy of the model's weights to the UAE is
// flagged, one to the United Kingdom is not.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/egress.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

const std::string kAlert = "rf28/model/frontier-1/acct-9001";

TEST(RedFlag28EndToEnd, HeadquartersOutsideTheAuthorisedSetOpensAnInquiryWorkedToClosed) {
  TempDir dir;
  auto ports = FreePorts();
  // frontier-1: best 2.67e25, upper 6.6e25 (tensor activity measured); a
  // Red Flag 28 level of 5e25 makes it "possible".
  const std::vector<std::string> args = {"-o", "compute.evaluation_interval=200ms",
                                         "-o", "policy.profile=ai_diffusion_2025",
                                         "-o", "policy.rf28_level=5e25"};
  auto d = DaemonProcess::Start(dir.path() + "/data", ports, args);
  ASSERT_TRUE(d.ok()) << d.status();
  auto ctl = [&](std::vector<std::string> a) {
    a.insert(a.begin(), {REDFLAGCTL_PATH, "--addr", (*d)->grpc_address()});
    return RunCommand(a);
  };
  ASSERT_EQ(ctl({"replay", REDFLAG_SOURCE_DIR "/examples/frontier.jsonl"}).exit_code, 0);
  for (int i = 0; i < 100 && ListAlertsById(**d, "").size() < 13; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(ListAlertsById(**d, "").size(), 13u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // several evaluations
  EXPECT_TRUE(ListAlertsById(**d, "rf28").empty());  // headquarters and parent in the US
  EXPECT_EQ(ListAlertsById(**d, "").begin()->second.policy_profile(),
            "ai_diffusion_2025@2025-01-15");

  // Published weights are no red flag: recorded before the move to Singapore,
  // nothing fires; withdrawn, it does.
  ASSERT_EQ(ctl({"models", "publish", "frontier-1", "--evidence", "https://example.org/frontier-1"})
                .exit_code,
            0);
  const std::string profile = dir.path() + "/acct.json";
  std::ofstream(profile) << R"({"customer_id": "acct-9001", "legal_name": "Frontier Example Inc",
    "headquarters_country": "SG", "ultimate_parent_name": "Frontier Example Holdings",
    "ultimate_parent_country": "SG"})";
  ASSERT_EQ(ctl({"customers", "upsert", profile}).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // several evaluations
  EXPECT_TRUE(ListAlertsById(**d, "rf28").empty());
  ASSERT_EQ(
      ctl({"models", "unpublish", "frontier-1", "--evidence", "repository taken down"}).exit_code,
      0);
  for (int i = 0; i < 100 && !ListAlertsById(**d, "rf28").contains(kAlert); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::map<std::string, v1::Alert> rf28 = ListAlertsById(**d, "rf28");
  ASSERT_EQ(rf28.size(), 1u);
  EXPECT_EQ(rf28[kAlert].level(), "possible");
  EXPECT_EQ(rf28[kAlert].severity(), v1::SEVERITY_HIGH);
  EXPECT_EQ(rf28[kAlert].customer_id(), "acct-9001");

  CommandResult shown = ctl({"inquiries", "show", kAlert});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("\"state\": \"INQUIRY_STATE_OPEN\""), std::string::npos);
  CommandResult early = ctl({"inquiries", "close", kAlert, "--actor", "ana"});
  EXPECT_NE(early.output.find("is open: its next step is customer_asked"), std::string::npos)
      << early.output;
  ASSERT_EQ(
      ctl({"inquiries", "ask", kAlert, "--actor", "ana", "-m", "letter of 2026-11-24"}).exit_code,
      0);
  CommandResult no_answer = ctl({"inquiries", "answer", kAlert, "--actor", "ana"});
  EXPECT_NE(no_answer.output.find("answer: is required"), std::string::npos) << no_answer.output;
  ASSERT_EQ(ctl({"inquiries", "answer", kAlert, "--actor", "ana", "--intent",
                 "export_under_licence", "-m", "licence D555 applied for by the customer"})
                .exit_code,
            0);
  CommandResult closed = ctl({"inquiries", "close", kAlert, "--actor", "ben"});
  ASSERT_EQ(closed.exit_code, 0) << closed.output;
  EXPECT_NE(closed.output.find("\"answer\": \"EXPORT_INTENT_EXPORT_UNDER_LICENCE\""),
            std::string::npos)
      << closed.output;
  EXPECT_EQ(ctl({"audit", "verify"}).exit_code, 0);

  // Weight egress: a copy to an AI authorization destination is fine; one to
  // the UAE is flagged (the upper bound reaches 10^26); sent again, once.
  auto egress = [&](const std::string& country) {
    grpc::ClientContext ctx;
    v1::RecordEgressRequest req;
    v1::EgressEvent* e = req.add_events();
    e->set_model_id("frontier-1");
    e->set_checkpoint("step-540000");
    e->set_destination_country(country);
    e->set_destination_region("customer bucket");
    e->set_bytes(810'000'000'000);
    e->set_principal("acct-9001/ops");
    e->set_customer_id("acct-9001");
    e->set_time_unix_ms(1790000000000);
    v1::RecordEgressResponse resp;
    grpc::Status s = v1::EgressService::NewStub((*d)->channel())->RecordEgress(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.flagged();
  };
  EXPECT_EQ(egress("GB"), 0u);
  EXPECT_EQ(egress("AE"), 1u);
  EXPECT_EQ(egress("AE"), 1u);
  std::map<std::string, v1::Alert> copies = ListAlertsById(**d, "weight_egress");
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies.begin()->first, "weight_egress/model/frontier-1/AE");
  EXPECT_EQ(copies.begin()->second.level(), "AE/possible");

  // Under the May 2025 profile Red Flag 28 is off; what it found stays.
  (*d)->Signal(SIGTERM);
  ASSERT_EQ((*d)->Wait(), 0);
  d->reset();
  d = DaemonProcess::Start(dir.path() + "/data", ports,
                           {"-o", "compute.evaluation_interval=200ms"});
  ASSERT_TRUE(d.ok()) << d.status();
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  rf28 = ListAlertsById(**d, "rf28");
  ASSERT_EQ(rf28.size(), 1u);
  EXPECT_EQ(rf28[kAlert].policy_profile(), "ai_diffusion_2025@2025-01-15");
  EXPECT_NE(ctl({"inquiries", "show", kAlert}).output.find("INQUIRY_STATE_CLOSED"),
            std::string::npos);
  EXPECT_EQ(ctl({"audit", "verify"}).exit_code, 0);

  // Just over the level by the best estimate (2.67e25 against 2.6e25): the
  // same alert escalates to likely and keeps its inquiry.
  (*d)->Signal(SIGTERM);
  ASSERT_EQ((*d)->Wait(), 0);
  d->reset();
  d = DaemonProcess::Start(dir.path() + "/data", ports,
                           {"-o", "compute.evaluation_interval=200ms", "-o",
                            "policy.profile=ai_diffusion_2025", "-o", "policy.rf28_level=2.6e25"});
  ASSERT_TRUE(d.ok()) << d.status();
  for (int i = 0; i < 100 && ListAlertsById(**d, "rf28")[kAlert].level() != "likely"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  rf28 = ListAlertsById(**d, "rf28");
  ASSERT_EQ(rf28.size(), 1u);
  EXPECT_EQ(rf28[kAlert].level(), "likely");
  EXPECT_EQ(rf28[kAlert].severity(), v1::SEVERITY_CRITICAL);
  EXPECT_NE(ctl({"inquiries", "show", kAlert}).output.find("INQUIRY_STATE_CLOSED"),
            std::string::npos);
}

// The frontier example, its account headquartered in Singapore (outside the
// AI authorization destinations).
void ReplayFrontierForASingaporeCustomer(DaemonProcess& d, const std::string& dir) {
  auto ctl = [&](std::vector<std::string> a) {
    a.insert(a.begin(), {REDFLAGCTL_PATH, "--addr", d.grpc_address()});
    return RunCommand(a);
  };
  ASSERT_EQ(ctl({"replay", REDFLAG_SOURCE_DIR "/examples/frontier.jsonl"}).exit_code, 0);
  const std::string profile = dir + "/acct.json";
  std::ofstream(profile) << R"({"customer_id": "acct-9001", "legal_name": "Frontier Example Inc",
    "headquarters_country": "SG"})";
  ASSERT_EQ(ctl({"customers", "upsert", profile}).exit_code, 0);
}

// Under the level by every figure, Red Flag 28 gives a pre-alert once the
// best estimate reaches the configured fraction of it, and nothing below;
// a pre-alert opens no inquiry. Its evidence adds up to its figure.
TEST(RedFlag28EndToEnd, PreAlertAtTheConfiguredFractionOfTheLevelOnly) {
  TempDir dir;
  auto ports = FreePorts();
  // frontier-1: best 2.67e25, upper 6.6e25; against a level of 1.2e26 the
  // pre-alert needs 3e25 at 0.25 (not reached) and 2.4e25 at 0.2 (reached).
  // Its projection over a 1-hour horizon adds only 1.8e23 (the next test
  // projects over 30 days).
  auto start = [&](const std::string& fraction) {
    return DaemonProcess::Start(
        dir.path() + "/data", ports,
        {"-o", "compute.evaluation_interval=200ms", "-o", "policy.profile=ai_diffusion_2025", "-o",
         "policy.rf28_level=1.2e26", "-o", "policy.rf28_pre_alert_fraction=" + fraction, "-o",
         "compute.projection_horizon=1h"});
  };
  auto d = start("0.25");
  ASSERT_TRUE(d.ok()) << d.status();
  auto ctl = [&](std::vector<std::string> a) {
    a.insert(a.begin(), {REDFLAGCTL_PATH, "--addr", (*d)->grpc_address()});
    return RunCommand(a);
  };
  ReplayFrontierForASingaporeCustomer(**d, dir.path());
  for (int i = 0; i < 100 && ListAlertsById(**d, "compute_level").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // several evaluations
  EXPECT_TRUE(ListAlertsById(**d, "rf28").empty());

  (*d)->Signal(SIGTERM);
  ASSERT_EQ((*d)->Wait(), 0);
  d->reset();
  d = start("0.2");
  ASSERT_TRUE(d.ok()) << d.status();
  for (int i = 0; i < 100 && ListAlertsById(**d, "rf28").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::map<std::string, v1::Alert> rf28 = ListAlertsById(**d, "rf28");
  ASSERT_EQ(rf28.size(), 1u);
  EXPECT_EQ(rf28[kAlert].level(), "pre_alert");
  EXPECT_NE(ctl({"inquiries", "show", kAlert}).exit_code, 0);  // none opened

  std::map<std::string, std::string> evidence;
  double jobs_best = 0;
  for (const v1::Evidence& e : rf28[kAlert].evidence()) {
    evidence[e.name()] = e.value();
    if (e.name() == "job") jobs_best += std::stod(e.value().substr(e.value().find(", best ") + 7));
  }
  EXPECT_EQ(evidence["pre_alert_operations"], "2.4e+25");
  EXPECT_EQ(evidence["level_operations"], "1.2e+26");
  EXPECT_EQ(evidence["weights"], "no publication on record");
  const double best = std::stod(evidence["operations_best"]);
  EXPECT_GT(best, 2.4e25);
  EXPECT_NEAR(jobs_best, best, 1e-5 * best);
  EXPECT_EQ(evidence["pre_alert_basis"], "best estimate");
}

// R1's pre-alert reads projected operations too: frontier-1, still running,
// projects from 2.67e25 to 1.55e26 over the 30-day horizon. Against 2e26 x 0.8
// = 1.6e26 that is not enough (the near miss); against 1.2e26 x 0.8 = 9.6e25
// it is, though the best estimate alone is far below.
TEST(RedFlag28EndToEnd, PreAlertFromTheProjectedOperationsOfARunningLineage) {
  TempDir dir;
  auto ports = FreePorts();
  auto start = [&](const std::string& level) {
    return DaemonProcess::Start(
        dir.path() + "/data", ports,
        {"-o", "compute.evaluation_interval=200ms", "-o", "policy.profile=ai_diffusion_2025", "-o",
         "policy.rf28_level=" + level, "-o", "policy.rf28_pre_alert_fraction=0.8"});
  };
  auto d = start("2e26");
  ASSERT_TRUE(d.ok()) << d.status();
  auto ctl = [&](std::vector<std::string> a) {
    a.insert(a.begin(), {REDFLAGCTL_PATH, "--addr", (*d)->grpc_address()});
    return RunCommand(a);
  };
  ReplayFrontierForASingaporeCustomer(**d, dir.path());
  for (int i = 0; i < 100 && ListAlertsById(**d, "compute_projection").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // several evaluations
  EXPECT_TRUE(ListAlertsById(**d, "rf28").empty());

  (*d)->Signal(SIGTERM);
  ASSERT_EQ((*d)->Wait(), 0);
  d->reset();
  d = start("1.2e26");
  ASSERT_TRUE(d.ok()) << d.status();
  for (int i = 0; i < 100 && ListAlertsById(**d, "rf28").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::map<std::string, v1::Alert> rf28 = ListAlertsById(**d, "rf28");
  ASSERT_EQ(rf28.size(), 1u);
  EXPECT_EQ(rf28[kAlert].level(), "pre_alert");
  std::map<std::string, std::string> evidence;
  for (const v1::Evidence& e : rf28[kAlert].evidence()) evidence[e.name()] = e.value();
  EXPECT_EQ(evidence["pre_alert_basis"], "projected operations (720h)");
  EXPECT_EQ(evidence["pre_alert_operations"], "9.6e+25");
  EXPECT_NE(rf28[kAlert].summary().find("is projected to reach 1.5"), std::string::npos)
      << rf28[kAlert].summary();
  EXPECT_NE(ctl({"inquiries", "show", kAlert}).exit_code, 0);  // a pre-alert opens none
}

}  // namespace
}  // namespace redflag::testing

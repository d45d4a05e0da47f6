// Compute alerts end to end: the real daemon replays a frontier-scale
// scenario through redflagctl (its account's profile names an ultimate
// parent, which gets figures of its own), raises exactly the expected alerts
// once each,
// and after a restart raises nothing again with unchanged figures.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/compute.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

const std::vector<std::string> kFast = {"-o", "compute.evaluation_interval=200ms"};

v1::EstimateReport Model(DaemonProcess& d, const std::string& id) {
  auto stub = v1::ComputeService::NewStub(d.channel());
  grpc::ClientContext ctx;
  v1::GetEstimateRequest req;
  req.set_model_id(id);
  v1::EstimateReport r;
  grpc::Status s = stub->GetEstimate(&ctx, req, &r);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return r;
}

TEST(ComputeAlertsEndToEnd, ScenarioRaisesExactlyTheExpectedAlertsOnceAndARestartNone) {
  TempDir dir;
  auto ports = FreePorts();
  auto d = DaemonProcess::Start(dir.path() + "/data", ports, kFast);
  ASSERT_TRUE(d.ok()) << d.status();
  CommandResult replay = RunCommand({REDFLAGCTL_PATH, "--addr", (*d)->grpc_address(), "replay",
                                     REDFLAG_SOURCE_DIR "/examples/frontier.jsonl"});
  ASSERT_EQ(replay.exit_code, 0) << replay.output;

  const std::set<std::string> want = {
      "compute_level/model/frontier-1/1e24 1e24/likely",
      "compute_level/model/frontier-1/1e25 1e25/likely",
      "compute_level/model/frontier-1/5e25 5e25/possible",
      "compute_level/customer/acct-9001/1e24 1e24/likely",
      "compute_level/customer/acct-9001/1e25 1e25/likely",
      "compute_level/customer/acct-9001/5e25 5e25/possible",
      "compute_level/parent/Frontier Example Holdings/1e24 1e24/likely",
      "compute_level/parent/Frontier Example Holdings/1e25 1e25/likely",
      "compute_level/parent/Frontier Example Holdings/5e25 5e25/possible",
      "compute_projection/model/frontier-1/4e091 4e091",
      "compute_projection/parent/Frontier Example Holdings/4e091 4e091",
      "compute_projection/customer/acct-9001/4e091 4e091",
      "data_quality/job/k8s/use1-x/odd-1/unknown_accelerator unknown_accelerator",
  };
  std::map<std::string, v1::Alert> before;
  for (int i = 0; i < 100 && before.size() < want.size(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    before = ListAlertsById(**d);
  }
  std::set<std::string> got;
  for (const auto& [id, a] : before) got.insert(id + " " + a.level());
  EXPECT_EQ(got, want);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // several more evaluations
  HttpResponse metrics = HttpGet((*d)->http_port(), "/metrics");
  // With tensor activity measured, a best of 2.67e25 is no longer "possibly"
  // 1e26 (the full ceiling, 1.07e26, said so, critically): no critical alert.
  // 5e25 is possible by the upper bound, one severity below its high: so per
  // subject 1e25 likely and 5e25 possible are warnings.
  EXPECT_NE(metrics.body.find(
                "redflag_alerts_raised_total{rule=\"compute_level\",severity=\"warning\"} 6"),
            std::string::npos)
      << metrics.body;
  EXPECT_EQ(metrics.body.find(
                "redflag_alerts_raised_total{rule=\"compute_level\",severity=\"critical\"}"),
            std::string::npos)
      << metrics.body;
  const double best = Model(**d, "frontier-1").operations().best();
  EXPECT_NEAR(best / (150 * 3600.0 * 1e5 * 9.894e14 * 0.5), 1, 1e-12);
  // The accelerator the catalog does not know: a bound, no best estimate, and
  // the alert quotes the name so an operator can add it.
  {
    grpc::ClientContext ctx;
    v1::GetEstimateRequest req;
    req.set_job_id("k8s/use1-x/odd-1");
    v1::EstimateReport odd;
    ASSERT_TRUE(v1::ComputeService::NewStub((*d)->channel())->GetEstimate(&ctx, req, &odd).ok());
    EXPECT_EQ(odd.best_method(), "none");
    EXPECT_EQ(odd.operations().best(), 0);
    EXPECT_GT(odd.operations().upper(), 0);
    EXPECT_NE(before.at("data_quality/job/k8s/use1-x/odd-1/unknown_accelerator")
                  .summary()
                  .find("'Mystery Accelerator 9000' is not in the accelerator catalog"),
              std::string::npos);
  }

  (*d)->Signal(SIGTERM);
  ASSERT_EQ((*d)->Wait(), 0);
  d->reset();
  auto again = DaemonProcess::Start(dir.path() + "/data", ports, kFast);
  ASSERT_TRUE(again.ok()) << again.status();
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  std::map<std::string, v1::Alert> after = ListAlertsById(**again);
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [id, a] : before) {
    EXPECT_EQ(after.at(id).SerializeAsString(), a.SerializeAsString()) << id;
  }
  EXPECT_EQ(HttpGet((*again)->http_port(), "/metrics").body.find("redflag_alerts_raised_total{"),
            std::string::npos);
  EXPECT_EQ(Model(**again, "frontier-1").operations().best(), best);
}

}  // namespace
}  // namespace redflag::testing

namespace redflag::testing {
namespace {

// An analyst records that a model's weights are published; the record shows
// in the model's estimate, survives a restart, and bad input is refused with
// the field named.
TEST(ModelPublicationEndToEnd, RecordedThroughRedflagctlShownAndKeptAcrossRestart) {
  TempDir dir;
  auto ports = FreePorts();
  auto d = DaemonProcess::Start(dir.path() + "/data", ports);
  ASSERT_TRUE(d.ok()) << d.status();
  auto ctl = [&](DaemonProcess& p, std::vector<std::string> args) {
    args.insert(args.begin(), {REDFLAGCTL_PATH, "--addr", p.grpc_address()});
    return RunCommand(args);
  };
  ASSERT_EQ(ctl(**d, {"replay", REDFLAG_SOURCE_DIR "/examples/scenario.jsonl"}).exit_code, 0);
  CommandResult shown = ctl(**d, {"compute", "show", "model", "exlabs-chat-70b"});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("weights: not recorded as published\n"), std::string::npos)
      << shown.output;

  CommandResult refused = ctl(**d, {"models", "publish", "exlabs-chat-70b"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("publication.evidence: is required"), std::string::npos)
      << refused.output;

  const std::vector<std::string> publish = {"models",
                                            "publish",
                                            "exlabs-chat-70b",
                                            "--evidence",
                                            "https://example.org/chat-70b",
                                            "--at",
                                            "2026-07-01T00:00:00Z",
                                            "--by",
                                            "analyst@example.org"};
  CommandResult published = ctl(**d, publish);
  ASSERT_EQ(published.exit_code, 0) << published.output;
  EXPECT_NE(published.output.find("\"version\": \"1\""), std::string::npos) << published.output;
  shown = ctl(**d, {"compute", "show", "model", "exlabs-chat-70b"});
  EXPECT_NE(shown.output.find("weights: published since 2026-07-01 (https://example.org/chat-70b), "
                              "recorded by local on behalf of analyst@example.org"),
            std::string::npos)
      << shown.output;

  (*d)->Signal(SIGTERM);
  ASSERT_EQ((*d)->Wait(), 0);
  d->reset();
  auto again = DaemonProcess::Start(dir.path() + "/data", ports);
  ASSERT_TRUE(again.ok()) << again.status();
  // The same record again is no change: still version 1.
  CommandResult repeated = ctl(**again, publish);
  ASSERT_EQ(repeated.exit_code, 0) << repeated.output;
  EXPECT_NE(repeated.output.find("\"version\": \"1\""), std::string::npos) << repeated.output;
  CommandResult got = ctl(**again, {"models", "get", "exlabs-chat-70b"});
  EXPECT_NE(got.output.find("\"weights_published\": true"), std::string::npos) << got.output;
  EXPECT_NE(ctl(**again, {"models", "get", "never-recorded"}).exit_code, 0);
}

}  // namespace
}  // namespace redflag::testing

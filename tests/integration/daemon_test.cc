// The real redflagd binary, driven over gRPC and HTTP on loopback.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

constexpr int64_t kMin = 60'000;

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.path() + "/data";
    auto d = DaemonProcess::Start(data_, ports_);
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
    jobs_ = v1::JobService::NewStub(daemon_->channel());
    telemetry_ = v1::TelemetryService::NewStub(daemon_->channel());
    // Event times near now, so the future-skew check is exercised for real.
    t0_ = absl::ToUnixMillis(absl::Now()) - 120 * kMin;
  }

  void Register(const std::string& id, uint32_t accelerators = 8) {
    v1::RegisterJobRequest req;
    auto* j = req.mutable_job();
    j->set_job_id(id);
    j->set_customer_id("acct-1");
    j->set_accelerator_model("NVIDIA H100 80GB HBM3");
    j->set_accelerator_count(accelerators);
    j->set_start_unix_ms(t0_);
    grpc::ClientContext ctx;
    v1::RegisterJobResponse resp;
    grpc::Status s = jobs_->RegisterJob(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  v1::Sample Sample(uint64_t seq, int64_t offset_min, uint32_t active = 8) {
    v1::Sample s;
    s.set_source_id("node-1");
    s.set_seq(seq);
    s.set_job_id("job-1");
    s.set_window_start_unix_ms(t0_ + offset_min * kMin);
    s.set_window_end_unix_ms(t0_ + (offset_min + 1) * kMin);
    s.set_active_accelerators(active);
    return s;
  }

  grpc::Status Ingest(const v1::SampleBatch& batch, v1::BatchAck* ack) {
    grpc::ClientContext ctx;
    return telemetry_->Ingest(&ctx, batch, ack);
  }

  v1::Job GetJob(const std::string& id) {
    grpc::ClientContext ctx;
    v1::GetJobRequest req;
    req.set_job_id(id);
    v1::Job job;
    grpc::Status s = jobs_->GetJob(&ctx, req, &job);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return job;
  }

  TempDir dir_;
  std::string data_;
  std::pair<int, int> ports_ = FreePorts();
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<v1::JobService::Stub> jobs_;
  std::unique_ptr<v1::TelemetryService::Stub> telemetry_;
  int64_t t0_ = 0;
};

TEST_F(DaemonTest, HealthCheckServesEveryServiceAndHttpEndpointsAnswer) {
  auto health = grpc::health::v1::Health::NewStub(daemon_->channel());
  for (const char* service :
       {"", "redflag.v1.TelemetryService", "redflag.v1.JobService", "redflag.v1.CustomerService",
        "redflag.v1.AlertService", "redflag.v1.ComputeService"}) {
    grpc::ClientContext ctx;
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(service);
    grpc::health::v1::HealthCheckResponse resp;
    ASSERT_TRUE(health->Check(&ctx, req, &resp).ok()) << service;
    EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
  EXPECT_EQ(HttpGet(daemon_->http_port(), "/healthz").status, 200);
  EXPECT_EQ(HttpGet(daemon_->http_port(), "/readyz").status, 200);
  HttpResponse metrics = HttpGet(daemon_->http_port(), "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("redflag_build_info{"), std::string::npos);
  EXPECT_NE(metrics.body.find("redflag_daemon_ready 1"), std::string::npos);
}

TEST_F(DaemonTest, CountsSamplesAndMetricsAgree) {
  Register("job-1");
  v1::SampleBatch batch;
  for (int i = 0; i < 10; ++i) *batch.add_samples() = Sample(i + 1, i);
  v1::BatchAck ack;
  ASSERT_TRUE(Ingest(batch, &ack).ok());
  EXPECT_EQ(ack.accepted(), 10u);
  ASSERT_TRUE(Ingest(batch, &ack).ok());
  EXPECT_EQ(ack.duplicate(), 10u);
  EXPECT_EQ(GetJob("job-1").totals().accelerator_ms(), 10u * 8 * kMin);
  std::string m = HttpGet(daemon_->http_port(), "/metrics").body;
  EXPECT_NE(m.find("redflag_ingest_samples_total{result=\"accepted\"} 10"), std::string::npos) << m;
  EXPECT_NE(m.find("redflag_ingest_samples_total{result=\"duplicate\"} 10"), std::string::npos);
  EXPECT_NE(m.find("redflag_ingest_ack_latency_seconds_count 2"), std::string::npos);
}

// Every kind of bad input gets its status, names the field, and applies nothing.
TEST_F(DaemonTest, BadInputIsRejectedWholeWithAClearStatus) {
  Register("job-1");
  struct Case {
    const char* what;
    std::function<void(v1::SampleBatch&)> mutate;
    grpc::StatusCode code;
    const char* field;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<Case> cases = {
      {"NaN", [&](auto& b) { b.mutable_samples(1)->set_tensor_active(nan); },
       grpc::INVALID_ARGUMENT, "samples[1].tensor_active"},
      {"Inf",
       [](auto& b) {
         b.mutable_samples(1)->set_reported_operations(std::numeric_limits<double>::infinity());
       },
       grpc::INVALID_ARGUMENT, "samples[1].reported_operations"},
      {"negative", [](auto& b) { b.mutable_samples(1)->set_sm_active(-0.5); },
       grpc::INVALID_ARGUMENT, "samples[1].sm_active"},
      {"huge", [](auto& b) { b.mutable_samples(1)->set_active_accelerators(4'000'000'000u); },
       grpc::INVALID_ARGUMENT, "samples[1].active_accelerators"},
      {"empty id", [](auto& b) { b.mutable_samples(1)->clear_source_id(); }, grpc::INVALID_ARGUMENT,
       "samples[1].source_id"},
      {"zero window",
       [](auto& b) {
         b.mutable_samples(1)->set_window_end_unix_ms(b.samples(1).window_start_unix_ms());
       },
       grpc::INVALID_ARGUMENT, "samples[1].window_end_unix_ms"},
      {"inverted window",
       [](auto& b) {
         b.mutable_samples(1)->set_window_end_unix_ms(b.samples(1).window_start_unix_ms() - 1);
       },
       grpc::INVALID_ARGUMENT, "samples[1].window_end_unix_ms"},
      {"window too long",
       [](auto& b) {
         b.mutable_samples(1)->set_window_end_unix_ms(b.samples(1).window_start_unix_ms() +
                                                      2 * 3600 * 1000);
       },
       grpc::INVALID_ARGUMENT, "samples[1].window_end_unix_ms"},
      {"future",
       [](auto& b) {
         b.mutable_samples(1)->set_window_start_unix_ms(absl::ToUnixMillis(absl::Now()) +
                                                        3600 * 1000);
         b.mutable_samples(1)->set_window_end_unix_ms(b.samples(1).window_start_unix_ms() + kMin);
       },
       grpc::INVALID_ARGUMENT, "samples[1].window_start_unix_ms"},
      {"unknown job", [](auto& b) { b.mutable_samples(1)->set_job_id("no-such-job"); },
       grpc::NOT_FOUND, "samples[1].job_id"},
      {"out of order", [](auto& b) { b.mutable_samples(1)->set_seq(1); }, grpc::INVALID_ARGUMENT,
       "samples[1].seq"},
      {"overlapping",
       [](auto& b) {
         b.mutable_samples(1)->set_window_start_unix_ms(b.samples(0).window_start_unix_ms());
       },
       grpc::INVALID_ARGUMENT, "samples[1].window_start_unix_ms"},
  };
  for (const Case& c : cases) {
    v1::SampleBatch batch;
    *batch.add_samples() = Sample(1, 0);
    *batch.add_samples() = Sample(2, 1);
    c.mutate(batch);
    v1::BatchAck ack;
    grpc::Status s = Ingest(batch, &ack);
    EXPECT_EQ(s.error_code(), c.code) << c.what << ": " << s.error_message();
    EXPECT_EQ(s.error_message().rfind(c.field, 0), 0u) << c.what << ": " << s.error_message();
  }
  // Oversized batch: more samples than ingest.max_batch_samples.
  v1::SampleBatch big;
  for (int i = 0; i < 10001; ++i) *big.add_samples() = Sample(i + 1, 0);
  v1::BatchAck ack;
  grpc::Status s = Ingest(big, &ack);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("max_batch_samples"), std::string::npos);

  EXPECT_EQ(GetJob("job-1").totals().samples(), 0u);
  // Nothing of the rejected batches was applied: the same seqs are still new.
  v1::SampleBatch good;
  *good.add_samples() = Sample(1, 0);
  *good.add_samples() = Sample(2, 1);
  ASSERT_TRUE(Ingest(good, &ack).ok());
  EXPECT_EQ(ack.accepted(), 2u);
}

TEST_F(DaemonTest, MessagesOverTheSizeLimitAreRefusedByTheTransport) {
  daemon_.reset();
  auto d = DaemonProcess::Start(data_, ports_, {"-o", "grpc.max_message_bytes=1048576"});
  ASSERT_TRUE(d.ok()) << d.status();
  daemon_ = std::move(*d);
  telemetry_ = v1::TelemetryService::NewStub(daemon_->channel());
  v1::SampleBatch batch;
  for (int i = 0; i < 9000; ++i) {
    v1::Sample s = Sample(i + 1, 0);
    s.set_source_id(std::string(200, 'x'));
    *batch.add_samples() = s;
  }
  ASSERT_GT(batch.ByteSizeLong(), 1u << 20);
  v1::BatchAck ack;
  EXPECT_EQ(Ingest(batch, &ack).error_code(), grpc::RESOURCE_EXHAUSTED);
}

TEST_F(DaemonTest, StreamAcksEachBatchAndARejectedBatchDoesNotEndTheStream) {
  Register("job-1");
  grpc::ClientContext ctx;
  auto stream = telemetry_->IngestStream(&ctx);
  v1::SampleBatch good, bad, next;
  good.set_batch_id(1);
  *good.add_samples() = Sample(1, 0);
  bad.set_batch_id(2);
  *bad.add_samples() = Sample(2, 1);
  bad.mutable_samples(0)->set_tensor_active(7);
  next.set_batch_id(3);
  *next.add_samples() = Sample(3, 2);
  v1::BatchAck ack;
  ASSERT_TRUE(stream->Write(good));
  ASSERT_TRUE(stream->Read(&ack));
  EXPECT_EQ(ack.batch_id(), 1u);
  EXPECT_EQ(ack.accepted(), 1u);
  ASSERT_TRUE(stream->Write(bad));
  ASSERT_TRUE(stream->Read(&ack));
  EXPECT_EQ(ack.batch_id(), 2u);
  EXPECT_EQ(ack.code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(ack.rejected(), 1u);
  EXPECT_NE(ack.message().find("samples[0].tensor_active"), std::string::npos);
  ASSERT_TRUE(stream->Write(next));
  ASSERT_TRUE(stream->Read(&ack));
  EXPECT_EQ(ack.accepted(), 1u);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(GetJob("job-1").totals().samples(), 2u);
}

TEST_F(DaemonTest, SigtermShutsDownCleanlyAndKeepsAcknowledgedData) {
  Register("job-1");
  v1::SampleBatch batch;
  for (int i = 0; i < 5; ++i) *batch.add_samples() = Sample(i + 1, i);
  v1::BatchAck ack;
  ASSERT_TRUE(Ingest(batch, &ack).ok());
  daemon_->Signal(SIGTERM);
  EXPECT_EQ(daemon_->Wait(), 0);
  auto d = DaemonProcess::Start(data_, ports_);
  ASSERT_TRUE(d.ok()) << d.status();
  daemon_ = std::move(*d);
  jobs_ = v1::JobService::NewStub(daemon_->channel());
  EXPECT_EQ(GetJob("job-1").totals().accelerator_ms(), 5u * 8 * kMin);
  // A clean stop wrote a final checkpoint: nothing needed replaying.
  EXPECT_NE(
      HttpGet(daemon_->http_port(), "/metrics").body.find("redflag_ledger_replayed_records 0"),
      std::string::npos);
}

TEST_F(DaemonTest, SecondDaemonOnTheSameDataDirRefusesToStart) {
  auto second = DaemonProcess::Start(data_, FreePorts());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(std::string(second.status().message()).find("another redflagd"), std::string::npos)
      << second.status();
}

TEST_F(DaemonTest, TheDataDirAndEveryFileInItAreTheOwnersAlone) {
  Register("job-1");
  struct stat st;
  ASSERT_EQ(stat(data_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(data_)) {
    if (!e.is_regular_file()) continue;
    ASSERT_EQ(stat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0077, 0u) << e.path() << " is readable by others";
    ++files;
  }
  EXPECT_GT(files, 3);
}

TEST_F(DaemonTest, FilesLeftOpenToOthersByAnOlderBuildAreMadePrivateAtStart) {
  daemon_->Signal(SIGTERM);
  ASSERT_EQ(daemon_->Wait(), 0);
  ASSERT_EQ(chmod(data_.c_str(), 0755), 0);
  ASSERT_EQ(chmod((data_ + "/CURRENT").c_str(), 0644), 0);
  auto d = DaemonProcess::Start(data_, ports_);
  ASSERT_TRUE(d.ok()) << d.status();
  struct stat st;
  ASSERT_EQ(stat(data_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((data_ + "/CURRENT").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(DaemonTest, ASecondDaemonOnAPortInUseFailsToStartNamingIt) {
  TempDir other;
  // Run directly: a health check on the shared port would reach the first daemon.
  // `timeout` ends a second daemon that wrongly started.
  auto second = [&](int grpc_port, int http_port) {
    return RunCommand({"/usr/bin/timeout", "10", REDFLAGD_PATH, "--data-dir",
                       other.path() + "/data", "--grpc-listen",
                       absl::StrCat("127.0.0.1:", grpc_port), "--http-listen",
                       absl::StrCat("127.0.0.1:", http_port)});
  };
  CommandResult grpc_taken = second(ports_.first, FreePorts().second);
  EXPECT_EQ(grpc_taken.exit_code, 1) << grpc_taken.output;
  EXPECT_NE(grpc_taken.output.find(absl::StrCat("grpc.listen 127.0.0.1:", ports_.first,
                                                ": cannot listen: address already in use")),
            std::string::npos)
      << grpc_taken.output;
  CommandResult http_taken = second(FreePorts().first, ports_.second);
  EXPECT_EQ(http_taken.exit_code, 1) << http_taken.output;
  EXPECT_NE(http_taken.output.find(absl::StrCat("http.listen 127.0.0.1:", ports_.second,
                                                ": cannot listen: address already in use")),
            std::string::npos)
      << http_taken.output;
  // The first daemon keeps its ports and serves.
  EXPECT_EQ(HttpGet(ports_.second, "/readyz").status, 200);
  Register("job-after");
  EXPECT_EQ(GetJob("job-after").spec().job_id(), "job-after");
}

// A listener that cannot be had stops the start, naming its key, and the
// ones already started do not keep the process alive.
TEST(DaemonStart, AHealthListenerOnATakenPortFailsTheStartNamingIt) {
  TempDir dir;
  const std::pair<int, int> ports = FreePorts();
  CommandResult r =
      RunCommand({"/usr/bin/timeout", "20", REDFLAGD_PATH, "--data-dir", dir.path() + "/data",
                  "--grpc-listen", absl::StrCat("127.0.0.1:", ports.first), "--http-listen",
                  absl::StrCat("127.0.0.1:", ports.second), "-o",
                  absl::StrCat("http.health_listen=127.0.0.1:", ports.first)});
  EXPECT_EQ(r.exit_code, 1) << r.output;  // 124 would be a hang
  EXPECT_NE(r.output.find(absl::StrCat("http.health_listen 127.0.0.1:", ports.first,
                                       ": cannot listen: address already in use")),
            std::string::npos)
      << r.output;
}

TEST_F(DaemonTest, HttpPathsMatchExactly) {
  EXPECT_EQ(HttpGet(daemon_->http_port(), "/metrics").status, 200);
  for (const char* path : {"/metricsXYZ", "/metrics/x", "/healthzz", "/readyz/", "/", "/x"}) {
    EXPECT_EQ(HttpGet(daemon_->http_port(), path).status, 404) << path;
  }
}

TEST_F(DaemonTest, HealthProbesAnswerWithinASecondWhileOtherClientsStallTheirConnections) {
  // Clients that connect and send nothing, or half a request, and wait.
  const std::vector<int> stalled =
      StalledConnections(daemon_->http_port(), 12, "GET /metrics HTTP/1.1\r\nHost: x\r\n");
  ASSERT_EQ(stalled.size(), 12u);
  // A probe's default timeout (Kubernetes: 1 s) is met, again and again.
  for (int i = 0; i < 10; ++i) {
    HttpResponse ready = HttpGet(daemon_->http_port(), "/readyz", absl::Seconds(1));
    EXPECT_EQ(ready.status, 200) << "probe " << i;
    HttpResponse live = HttpGet(daemon_->http_port(), "/healthz", absl::Seconds(1));
    EXPECT_EQ(live.status, 200) << "probe " << i;
  }
  // The stalled connections are closed once http.read_timeout has passed.
  for (int fd : stalled) {
    EXPECT_TRUE(ClosedByServerWithin(fd, absl::Seconds(10))) << "still open 10 s later";
  }
}

TEST(DaemonConfig, InvalidConfigExitsWithCodeTwoAndALocatedMessage) {
  TempDir dir;
  std::string path = dir.path() + "/bad.yaml";
  std::ofstream(path) << "grpc:\n  listen: 127.0.0.1:50051\nstorage:\n  durability: sometimes\n";
  CommandResult r = RunCommand({REDFLAGD_PATH, "--check-config", "-c", path});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(path + ":4:3: storage.durability"), std::string::npos) << r.output;
  CommandResult ok = RunCommand({REDFLAGD_PATH, "--check-config", "-c",
                                 std::string(REDFLAG_SOURCE_DIR) + "/config/redflagd.yaml"});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

}  // namespace
}  // namespace redflag::testing

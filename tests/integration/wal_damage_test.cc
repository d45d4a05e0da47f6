// A damaged write-ahead log under the real redflagd: damage before the tail
// and a log cut short are refused at start naming the file; the explicit
// recovery starts with the loss logged, audited and alerted; a torn tail (a
// crash's unfinished write) recovers silently with every acknowledged sample.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "redflag/v1/audit.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

namespace fs = std::filesystem;
constexpr int kBatches = 40;
constexpr int kPerBatch = 100;

class WalDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.path() + "/data";
    auto d = DaemonProcess::Start(data_, ports_);
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
    auto jobs = v1::JobService::NewStub(daemon_->channel());
    v1::RegisterJobRequest req;
    req.mutable_job()->set_job_id("job-1");
    req.mutable_job()->set_customer_id("acct-1");
    req.mutable_job()->set_accelerator_model("NVIDIA H100 80GB HBM3");
    req.mutable_job()->set_accelerator_count(8);
    req.mutable_job()->set_start_unix_ms(t0_);
    grpc::ClientContext ctx;
    v1::RegisterJobResponse resp;
    ASSERT_TRUE(jobs->RegisterJob(&ctx, req, &resp).ok());
    auto telemetry = v1::TelemetryService::NewStub(daemon_->channel());
    for (int b = 0; b < kBatches; ++b) {
      v1::SampleBatch batch;
      for (int i = 0; i < kPerBatch; ++i) {
        const uint64_t seq = static_cast<uint64_t>(b * kPerBatch + i + 1);
        v1::Sample* s = batch.add_samples();
        s->set_source_id("node-1");
        s->set_seq(seq);
        s->set_job_id("job-1");
        s->set_window_start_unix_ms(t0_ + static_cast<int64_t>(seq) * 10'000);
        s->set_window_end_unix_ms(t0_ + static_cast<int64_t>(seq + 1) * 10'000);
        s->set_active_accelerators(8);
      }
      grpc::ClientContext c;
      v1::BatchAck ack;
      ASSERT_TRUE(telemetry->Ingest(&c, batch, &ack).ok());
    }
    // The daemon records what is durable every 200 ms; then it dies with
    // everything still in the write-ahead log.
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    daemon_->Signal(SIGKILL);
    daemon_->Wait();
    daemon_.reset();
    log_ = NewestLog();
    ASSERT_FALSE(log_.empty());
  }

  std::string NewestLog() {
    std::string newest;
    uint64_t best = 0;
    for (const auto& e : fs::directory_iterator(data_)) {
      const std::string name = e.path().filename().string();
      uint64_t n = 0;
      if (name.ends_with(".log") && absl::SimpleAtoi(name.substr(0, name.size() - 4), &n) &&
          n >= best && fs::file_size(e.path()) > 0) {
        best = n;
        newest = e.path().string();
      }
    }
    return newest;
  }

  uint64_t Samples(DaemonProcess& d) {
    auto jobs = v1::JobService::NewStub(d.channel());
    grpc::ClientContext ctx;
    v1::GetJobRequest req;
    req.set_job_id("job-1");
    v1::Job job;
    EXPECT_TRUE(jobs->GetJob(&ctx, req, &job).ok());
    return job.totals().samples();
  }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  TempDir dir_;
  std::string data_, log_;
  std::pair<int, int> ports_ = FreePorts();
  std::unique_ptr<DaemonProcess> daemon_;
  int64_t t0_ = absl::ToUnixMillis(absl::Now()) - 30LL * 24 * 3600 * 1000;
};

TEST_F(WalDamageTest, DamageInTheMiddleIsRefusedAndTheExplicitRecoveryIsLoggedAuditedAndAlerted) {
  const uint64_t size = fs::file_size(log_);
  {
    std::fstream f(log_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    const std::string junk(16, '\xA5');
    f.write(junk.data(), 16);
  }
  const std::string before = Read(log_);
  auto refused = DaemonProcess::Start(data_, ports_);
  ASSERT_FALSE(refused.ok());
  const std::string why(refused.status().message());
  EXPECT_NE(why.find(absl::StrCat("write-ahead log ", log_, " is damaged at byte ")),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("checksum mismatch"), std::string::npos) << why;
  EXPECT_NE(why.find("intact writes after it"), std::string::npos) << why;
  EXPECT_NE(why.find("--recover-damaged-wal"), std::string::npos) << why;
  // A refusal changes nothing: the log is as it was, so it is refused again.
  EXPECT_EQ(Read(log_), before);
  EXPECT_FALSE(DaemonProcess::Start(data_, ports_).ok());

  // The operator's explicit step.
  auto d = DaemonProcess::Start(data_, ports_, {"--recover-damaged-wal"});
  ASSERT_TRUE(d.ok()) << d.status();
  const std::string log = Read((*d)->log_path());
  EXPECT_NE(log.find("store recovered from a damaged write-ahead log"), std::string::npos) << log;
  EXPECT_NE(log.find("ledger: "), std::string::npos) << log;  // the dropped records, by domain
  const uint64_t kept = Samples(**d);
  EXPECT_LT(kept, static_cast<uint64_t>(kBatches * kPerBatch));

  auto alerts = ListAlertsById(**d, "data_integrity");
  ASSERT_EQ(alerts.size(), 1u);
  const v1::Alert& a = alerts.begin()->second;
  EXPECT_EQ(a.severity(), v1::SEVERITY_CRITICAL);
  std::map<std::string, std::string> evidence;
  for (const auto& e : a.evidence()) evidence[e.name()] = e.value();
  EXPECT_EQ(evidence["file"], log_);
  EXPECT_EQ(evidence["damage"], "checksum mismatch");
  EXPECT_NE(evidence["dropped_by_domain"].find("ledger"), std::string::npos);
  EXPECT_NE(evidence["recovered_by"].find("--recover-damaged-wal"), std::string::npos);

  auto audit = v1::AuditService::NewStub((*d)->channel());
  grpc::ClientContext ctx;
  v1::ListAuditRequest req;
  req.set_limit(1000);
  v1::ListAuditResponse resp;
  ASSERT_TRUE(audit->ListAudit(&ctx, req, &resp).ok());
  int recovered = 0;
  for (const auto& r : resp.records()) recovered += r.action() == "store.recovered";
  EXPECT_EQ(recovered, 1);
  CommandResult verify =
      RunCommand({REDFLAGCTL_PATH, "--addr", (*d)->grpc_address(), "audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;

  // Recovered once: the next start is an ordinary one, with nothing new.
  (*d)->Signal(SIGTERM);
  ASSERT_EQ((*d)->Wait(), 0);
  auto again = DaemonProcess::Start(data_, ports_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Samples(**again), kept);
  EXPECT_EQ(ListAlertsById(**again, "data_integrity").size(), 1u);
}

TEST_F(WalDamageTest, ALogCutShortIsRefusedThoughItLooksLikeATornTail) {
  const uint64_t size = fs::file_size(log_);
  fs::resize_file(log_, size * 8 / 10);
  auto refused = DaemonProcess::Start(data_, ports_);
  ASSERT_FALSE(refused.ok());
  const std::string why(refused.status().message());
  EXPECT_NE(why.find("were durable when the last run recorded them"), std::string::npos) << why;
  EXPECT_NE(why.find(log_), std::string::npos) << why;
  auto d = DaemonProcess::Start(data_, ports_, {"--recover-damaged-wal"});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_LT(Samples(**d), static_cast<uint64_t>(kBatches * kPerBatch));
  auto alerts = ListAlertsById(**d, "data_integrity");
  ASSERT_EQ(alerts.size(), 1u);
  bool lost = false;
  for (const auto& e : alerts.begin()->second.evidence()) lost |= e.name() == "lost_sequences";
  EXPECT_TRUE(lost);
}

TEST_F(WalDamageTest, ATornTailFromACrashRecoversSilentlyWithEveryAcknowledgedSample) {
  // What a crash in the middle of a write leaves: a record header that
  // promises more bytes than made it to the disk.
  {
    std::ofstream f(log_, std::ios::binary | std::ios::app);
    const char header[7] = {'\x11', '\x22', '\x33', '\x44', '\xE8', '\x03', '\x01'};
    f.write(header, 7);
    f << std::string(50, 'p');
  }
  auto d = DaemonProcess::Start(data_, ports_);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(Samples(**d), static_cast<uint64_t>(kBatches * kPerBatch));
  EXPECT_TRUE(ListAlertsById(**d, "data_integrity").empty());
  const std::string log = Read((*d)->log_path());
  EXPECT_EQ(log.find("damaged"), std::string::npos) << log;
}

}  // namespace
}  // namespace redflag::testing

// The disk fills under a running daemon, and a daemon starts on a full disk:
// the real redflagd with its data dir on a small tmpfs mounted for the test.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <snappy.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"
#include "remote_write/remote_write.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

constexpr int64_t kMin = 60'000;
constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kMinFree = 24 * kMiB;

uint64_t FreeBytes(const std::string& dir) {
  struct statvfs st;
  if (statvfs(dir.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

// Grows `path` until `dir` has at most `leave` bytes free (0: until ENOSPC).
void Fill(const std::string& dir, const std::string& path, uint64_t leave) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  ASSERT_GE(fd, 0) << strerror(errno);
  std::string chunk(256 << 10, 'x');
  for (;;) {
    const uint64_t free = FreeBytes(dir);
    if (free <= leave) break;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk.size(), free - leave));
    if (write(fd, chunk.data(), n) <= 0) break;  // ENOSPC: the disk is full
  }
  fsync(fd);
  close(fd);
}

class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mount_ = dir_.path() + "/small";
    ASSERT_EQ(mkdir(mount_.c_str(), 0700), 0);
    // 96 MiB: room for the store, its reserve and a margin, and quick to fill.
    ASSERT_EQ(mount("redflag-test", mount_.c_str(), "tmpfs", 0, "size=96m"), 0)
        << "this test needs to mount a tmpfs (root, CAP_SYS_ADMIN): " << strerror(errno);
    mounted_ = true;
    data_ = mount_ + "/data";
    filler_ = mount_ + "/filler";
    Start();
    Register();
  }
  void TearDown() override {
    daemon_.reset();
    if (mounted_) umount2(mount_.c_str(), MNT_DETACH);
  }

  void Start() {
    auto d =
        DaemonProcess::Start(data_, ports_,
                             {"-o", absl::StrCat("storage.min_free_bytes=", kMinFree), "-o",
                              "storage.reserve_bytes=8MiB", "-o", "storage.write_buffer_bytes=4MiB",
                              "-o", "storage.space_check_interval=100ms"});
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
    jobs_ = v1::JobService::NewStub(daemon_->channel());
    telemetry_ = v1::TelemetryService::NewStub(daemon_->channel());
  }

  void Register() {
    v1::RegisterJobRequest req;
    auto* j = req.mutable_job();
    j->set_job_id("job-1");
    j->set_customer_id("acct-1");
    j->set_accelerator_model("NVIDIA H100 80GB HBM3");
    j->set_accelerator_count(8);
    j->set_start_unix_ms(t0_);
    grpc::ClientContext ctx;
    v1::RegisterJobResponse resp;
    grpc::Status s = jobs_->RegisterJob(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // One batch of 100 ten-second samples from `node`, the next in its sequence.
  v1::SampleBatch NextBatch(const std::string& node, uint64_t& seq) {
    v1::SampleBatch batch;
    for (int i = 0; i < 100; ++i, ++seq) {
      v1::Sample* s = batch.add_samples();
      s->set_source_id(node);
      s->set_seq(seq);
      s->set_job_id("job-1");
      s->set_window_start_unix_ms(t0_ + static_cast<int64_t>(seq) * 10'000);
      s->set_window_end_unix_ms(t0_ + static_cast<int64_t>(seq + 1) * 10'000);
      s->set_active_accelerators(8);
      s->set_tokens_processed(1000);
    }
    return batch;
  }

  grpc::Status Ingest(const v1::SampleBatch& batch) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    v1::BatchAck ack;
    return telemetry_->Ingest(&ctx, batch, &ack);
  }

  v1::Job GetJob() {
    grpc::ClientContext ctx;
    v1::GetJobRequest req;
    req.set_job_id("job-1");
    v1::Job job;
    grpc::Status s = jobs_->GetJob(&ctx, req, &job);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return job;
  }

  // Sends batches as a client with retries would, until told to stop; counts
  // the samples acknowledged and the refusals.
  void StreamUntil(const std::atomic<bool>& stop, const std::string& node, uint64_t& seq,
                   uint64_t& acked, uint64_t& refused, std::string& refusal) {
    v1::SampleBatch batch = NextBatch(node, seq);
    while (!stop) {
      grpc::Status s = Ingest(batch);
      if (s.ok()) {
        acked += static_cast<uint64_t>(batch.samples_size());
        batch = NextBatch(node, seq);
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
        ++refused;
        refusal = s.error_message();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    // The batch in hand is resent until acknowledged, as a client does.
    for (int tries = 0; tries < 500; ++tries) {
      if (Ingest(batch).ok()) {
        acked += static_cast<uint64_t>(batch.samples_size());
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "writes did not resume";
  }

  TempDir dir_;
  std::string mount_, data_, filler_;
  bool mounted_ = false;
  std::pair<int, int> ports_ = FreePorts();
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<v1::JobService::Stub> jobs_;
  std::unique_ptr<v1::TelemetryService::Stub> telemetry_;
  // Far enough back that a fast client stays in the past for millions of samples.
  int64_t t0_ = absl::ToUnixMillis(absl::Now()) - 3LL * 365 * 24 * 60 * kMin;
};

TEST_F(DiskFullTest, WritesAreRefusedBeforeTheDiskFillsAndResumeWhenSpaceReturns) {
  uint64_t seq = 1, acked = 0, refused = 0;
  std::string refusal;
  std::atomic<bool> stop{false};
  std::thread client([&] { StreamUntil(stop, "node-1", seq, acked, refused, refusal); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  // Another program fills the disk to just under the threshold.
  Fill(mount_, filler_, kMinFree / 2);
  for (int i = 0; i < 200 && refused == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GT(refused, 0u) << "no write was refused on a nearly full disk";
  // The other program goes on filling: what the daemon freed (its reserve,
  // files compaction dropped) is taken too, so space stays low on a busy host.
  Fill(mount_, filler_, kMinFree / 4);
  const uint64_t refused_before = refused;
  for (int i = 0; i < 200 && refused == refused_before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  // Reads, health and metrics are served; readiness says why it is not ready.
  const uint64_t acked_while_low = acked;
  EXPECT_GT(GetJob().totals().samples(), 0u);
  EXPECT_EQ(HttpGet(daemon_->http_port(), "/healthz").status, 200);
  HttpResponse ready = HttpGet(daemon_->http_port(), "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("disk space low"), std::string::npos) << ready.body;
  EXPECT_NE(ready.body.find("storage.min_free_bytes (24.0 MiB)"), std::string::npos) << ready.body;
  HttpResponse metrics = HttpGet(daemon_->http_port(), "/metrics");
  EXPECT_NE(metrics.body.find("redflag_storage_space_low 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("redflag_storage_writes_refused_total"), std::string::npos);
  EXPECT_NE(refusal.find("disk space low"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("retry later"), std::string::npos) << refusal;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(acked, acked_while_low) << "samples were acknowledged while space was low";

  // Space comes back: the client's retries go through without a restart.
  ASSERT_EQ(unlink(filler_.c_str()), 0);
  for (int i = 0; i < 300 && HttpGet(daemon_->http_port(), "/readyz").status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(HttpGet(daemon_->http_port(), "/readyz").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  client.join();
  EXPECT_GT(acked, acked_while_low);
  EXPECT_EQ(GetJob().totals().samples(), acked);
  EXPECT_EQ(GetJob().totals().tokens(), acked * 1000);

  // It never aborted: a clean stop, and the totals are there after it.
  daemon_->Signal(SIGTERM);
  EXPECT_EQ(daemon_->Wait(), 0);
  Start();
  EXPECT_EQ(GetJob().totals().samples(), acked);
}

TEST_F(DiskFullTest, AStartOnAFullDiskServesReadsAndWritesResumeWhenSpaceReturns) {
  uint64_t seq = 1;
  ASSERT_TRUE(Ingest(NextBatch("node-1", seq)).ok());
  daemon_->Signal(SIGTERM);
  ASSERT_EQ(daemon_->Wait(), 0);

  Fill(mount_, filler_, 0);  // not a byte left
  ASSERT_LT(FreeBytes(mount_), 64u << 10);
  Start();
  EXPECT_EQ(GetJob().totals().samples(), 100u);
  std::ifstream log(daemon_->log_path());
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find("released the disk space reserve"), std::string::npos) << text.str();
  EXPECT_EQ(HttpGet(daemon_->http_port(), "/healthz").status, 200);
  HttpResponse ready = HttpGet(daemon_->http_port(), "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("disk space low"), std::string::npos) << ready.body;
  grpc::Status refused = Ingest(NextBatch("node-1", seq));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
  EXPECT_NE(refused.error_message().find("disk space low"), std::string::npos)
      << refused.error_message();
  // The refused batch was not counted; once space returns its retry is.
  EXPECT_EQ(GetJob().totals().samples(), 100u);
  ASSERT_EQ(unlink(filler_.c_str()), 0);
  seq -= 100;
  v1::SampleBatch retry = NextBatch("node-1", seq);
  grpc::Status s;
  for (int i = 0; i < 300; ++i) {
    if ((s = Ingest(retry)).ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(GetJob().totals().samples(), 200u);
  daemon_->Signal(SIGTERM);
  EXPECT_EQ(daemon_->Wait(), 0);
}

// Prometheus' remote-write while the disk is nearly full: asked to retry
// (503 with Retry-After, never 429, on which Prometheus drops the batch),
// then, once space is back, the same request is counted exactly once.
TEST_F(DiskFullTest, RemoteWriteIsAskedToRetryWhileSpaceIsLowAndCountsExactlyAfter) {
  v1::RegisterJobRequest reg;
  v1::JobSpec* j = reg.mutable_job();
  j->set_job_id("slurm/default/77");
  j->set_customer_id("acct-1");
  j->set_accelerator_model("NVIDIA H100 80GB HBM3");
  j->set_accelerator_count(1);
  j->set_start_unix_ms(t0_);
  grpc::ClientContext ctx;
  v1::RegisterJobResponse resp;
  ASSERT_TRUE(jobs_->RegisterJob(&ctx, reg, &resp).ok());
  remote_write::WriteRequest r;
  remote_write::TimeSeries* ts = r.add_timeseries();
  for (const auto& [n, v] : std::vector<std::pair<std::string, std::string>>{
           {"UUID", "GPU-77"},
           {"__name__", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE"},
           {"hpc_job", "77"}}) {
    remote_write::Label* l = ts->add_labels();
    l->set_name(n);
    l->set_value(v);
  }
  for (int64_t at : {t0_ + 60'000, t0_ + 75'000}) {
    remote_write::Sample* sample = ts->add_samples();
    sample->set_timestamp(at);
    sample->set_value(0.5);
  }
  std::string raw = r.SerializeAsString(), body;
  snappy::Compress(raw.data(), raw.size(), &body);
  auto post = [&] {
    httplib::Client c("127.0.0.1", daemon_->http_port());
    return c.Post("/api/v1/write",
                  {{"Content-Encoding", "snappy"}, {"X-Prometheus-Remote-Write-Version", "0.1.0"}},
                  body, "application/x-protobuf");
  };
  auto ms = [&] {
    grpc::ClientContext get_ctx;
    v1::GetJobRequest get;
    get.set_job_id("slurm/default/77");
    v1::Job job;
    EXPECT_TRUE(jobs_->GetJob(&get_ctx, get, &job).ok());
    return job.totals().accelerator_ms();
  };

  Fill(mount_, filler_, kMinFree / 4);
  for (int i = 0; i < 200 && HttpGet(daemon_->http_port(), "/readyz").status != 503; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  httplib::Result refused = post();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503) << refused->body;
  EXPECT_EQ(refused->get_header_value("Retry-After"), "5");
  EXPECT_NE(refused->body.find("disk space low"), std::string::npos) << refused->body;
  EXPECT_EQ(ms(), 0u);

  ASSERT_EQ(unlink(filler_.c_str()), 0);
  for (int i = 0; i < 300 && HttpGet(daemon_->http_port(), "/readyz").status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  httplib::Result ok = post();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 204) << ok->body;
  // The first point covers one collection interval (30 s), the second the
  // 15 s since the first.
  EXPECT_EQ(ms(), 45'000u);
  ok = post();  // and once more: nothing counted twice
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 204);
  EXPECT_EQ(ms(), 45'000u);
}

}  // namespace
}  // namespace redflag::testing

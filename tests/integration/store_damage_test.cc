// A damaged table file (.sst) under the real redflagd: readiness and a metric
// name the domain, messages name the domain and the file, and what does not
// need the damaged domain goes on.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/metadata.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

// The table files of column family `domain` in a stopped daemon's store,
// after flushing what its logs hold (as time would) so that there are some.
std::vector<std::string> TableFiles(const std::string& dir, const std::string& domain) {
  std::vector<std::string> names;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  EXPECT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir, descs, &handles, &db).ok());
  EXPECT_TRUE(db->Flush(rocksdb::FlushOptions(), handles).ok());
  std::vector<rocksdb::LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  std::vector<std::string> out;
  for (const auto& f : files) {
    if (f.column_family_name == domain) out.push_back(dir + f.name);
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  return out;
}

// Overwrites bytes inside the file's first data block.
void Damage(const std::string& path) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(20);
  const std::string junk(64, '\x5A');
  f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
}

class StoreDamageTest : public ::testing::Test {
 protected:
  void StartDaemon() {
    auto d = DaemonProcess::Start(data_, ports_, {"-o", "compute.evaluation_interval=200ms"});
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
  }
  void StopDaemon() {
    daemon_->Signal(SIGTERM);  // a clean stop flushes every domain into table files
    ASSERT_EQ(daemon_->Wait(), 0);
    daemon_.reset();
  }
  // Until /readyz says 503, and (when given) gives this reason: several
  // reasons may come one after the other as the daemon finds the damage.
  HttpResponse WaitNotReady(const std::string& reason = "") {
    HttpResponse r;
    for (int i = 0; i < 300; ++i) {
      r = HttpGet(daemon_->http_port(), "/readyz");
      if (r.status == 503 && r.body.find(reason) != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return r;
  }

  TempDir dir_;
  std::string data_ = dir_.path() + "/data";
  std::pair<int, int> ports_ = FreePorts();
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(StoreDamageTest, DamagedAlertsAreNamedInReadinessMetricsAndMessages) {
  StartDaemon();
  CommandResult replay = RunCommand(
      {REDFLAGCTL_PATH, "--addr", daemon_->grpc_address(), "replay", "examples/frontier.jsonl"});
  ASSERT_EQ(replay.exit_code, 0) << replay.output;
  for (int i = 0; i < 200 && ListAlertsById(*daemon_).size() < 13; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(ListAlertsById(*daemon_).size(), 13u);
  StopDaemon();
  std::vector<std::string> files = TableFiles(data_, "alerts");
  ASSERT_FALSE(files.empty());
  for (const auto& f : files) Damage(f);

  StartDaemon();
  auto alerts = v1::AlertService::NewStub(daemon_->channel());
  grpc::ClientContext ctx;
  v1::ListAlertsRequest req;
  v1::ListAlertsResponse resp;
  grpc::Status s = alerts->ListAlerts(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_NE(s.error_message().find("domain alerts unreadable"), std::string::npos)
      << s.error_message();
  EXPECT_NE(s.error_message().find(".sst"), std::string::npos) << s.error_message();

  HttpResponse ready = WaitNotReady();
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("domain alerts unreadable"), std::string::npos) << ready.body;
  EXPECT_NE(ready.body.find(files[0].substr(files[0].rfind('/') + 1)), std::string::npos)
      << ready.body;
  const std::string metrics = HttpGet(daemon_->http_port(), "/metrics").body;
  EXPECT_NE(metrics.find("redflag_storage_domain_readable{domain=\"alerts\"} 0"),
            std::string::npos);
  EXPECT_NE(metrics.find("redflag_storage_domain_readable{domain=\"jobs\"} 1"), std::string::npos);
  // Not mistaken for a failed write: reads of other domains are served.
  EXPECT_EQ(ready.body.find("restart"), std::string::npos) << ready.body;
  auto jobs = v1::JobService::NewStub(daemon_->channel());
  grpc::ClientContext jctx;
  v1::ListJobsRequest jreq;
  v1::ListJobsResponse jresp;
  EXPECT_TRUE(jobs->ListJobs(&jctx, jreq, &jresp).ok());
  EXPECT_GT(jresp.jobs_size(), 0);
}

TEST_F(StoreDamageTest, DamagedPerDayTotalsStopCheckpointsNotIngestion) {
  StartDaemon();
  CommandResult replay = RunCommand(
      {REDFLAGCTL_PATH, "--addr", daemon_->grpc_address(), "replay", "examples/scenario.jsonl"});
  ASSERT_EQ(replay.exit_code, 0) << replay.output;
  StopDaemon();
  std::vector<std::string> files = TableFiles(data_, "job_days");
  ASSERT_FALSE(files.empty());
  for (const auto& f : files) Damage(f);

  StartDaemon();
  // More telemetry for a job whose stored days are damaged: accepted, and
  // the checkpoint that needs those days stops instead of failing writes.
  auto jobs = v1::JobService::NewStub(daemon_->channel());
  grpc::ClientContext gctx;
  v1::GetJobRequest greq;
  greq.set_job_id("slurm/sgp-a/1001");
  v1::Job job;
  ASSERT_TRUE(jobs->GetJob(&gctx, greq, &job).ok());
  auto telemetry = v1::TelemetryService::NewStub(daemon_->channel());
  const int64_t from = job.spec().start_unix_ms();  // a second source of the same windows
  for (int i = 0; i < 3; ++i) {
    v1::SampleBatch batch;
    v1::Sample* s = batch.add_samples();
    s->set_source_id("node-after-damage");
    s->set_seq(static_cast<uint64_t>(i + 1));
    s->set_job_id("slurm/sgp-a/1001");
    s->set_window_start_unix_ms(from + i * 60'000);
    s->set_window_end_unix_ms(from + (i + 1) * 60'000);
    s->set_active_accelerators(8);
    grpc::ClientContext ctx;
    v1::BatchAck ack;
    grpc::Status st = telemetry->Ingest(&ctx, batch, &ack);
    EXPECT_TRUE(st.ok()) << st.error_message();
    if (i == 0) {
      HttpResponse ready = WaitNotReady("checkpoints stopped");
      EXPECT_NE(ready.body.find("checkpoints stopped: domain job_days unreadable"),
                std::string::npos)
          << ready.body;
      EXPECT_EQ(ready.body.find("restart"), std::string::npos) << ready.body;
    }
  }
  const std::string metrics = HttpGet(daemon_->http_port(), "/metrics").body;
  EXPECT_NE(metrics.find("redflag_storage_domain_readable{domain=\"job_days\"} 0"),
            std::string::npos);
  EXPECT_NE(metrics.find("redflag_ledger_checkpoints_blocked 1"), std::string::npos);
}

}  // namespace
}  // namespace redflag::testing

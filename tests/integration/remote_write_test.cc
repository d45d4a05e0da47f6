// Prometheus remote-write into the real redflagd: dcgm-exporter-shaped
// series, snappy-compressed as Prometheus sends them, counted exactly once
// per point through the ledger; every malformed request refused with its
// status and nothing applied. (Debian's Prometheus as the sender:
// tests/e2e/test_remote_write.py.)
#include <gtest/gtest.h>
#include <httplib.h>
#include <snappy.h>

#include <cmath>
#include <limits>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "redflag/v1/audit.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"
#include "remote_write/remote_write.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

constexpr int64_t kSecond = 1000;

struct Point {
  int64_t unix_ms;
  double value;
};

class RemoteWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = DaemonProcess::Start(dir_.path() + "/data", FreePorts(),
                                  {"-o", "remote_write.collection_interval=15s"});
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
    t0_ = (absl::ToUnixMillis(absl::Now()) / kSecond - 3600) * kSecond;
  }

  void RegisterSlurmJob(const std::string& slurm_id, uint32_t gpus) {
    v1::RegisterJobRequest req;
    v1::JobSpec* j = req.mutable_job();
    j->set_job_id("slurm/gpu-east/" + slurm_id);
    j->set_customer_id("acct-7");
    j->set_scheduler("slurm");
    j->set_accelerator_model("NVIDIA H100 80GB HBM3");
    j->set_accelerator_count(gpus);
    j->set_start_unix_ms(t0_);
    grpc::ClientContext ctx;
    v1::RegisterJobResponse resp;
    grpc::Status s = v1::JobService::NewStub(daemon_->channel())->RegisterJob(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  v1::Job GetJob(const std::string& id) {
    v1::GetJobRequest req;
    req.set_job_id(id);
    grpc::ClientContext ctx;
    v1::Job job;
    grpc::Status s = v1::JobService::NewStub(daemon_->channel())->GetJob(&ctx, req, &job);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return job;
  }

  // One series as dcgm-exporter writes it (labels sorted, as the spec wants).
  static void AddSeries(remote_write::WriteRequest& r, const std::string& metric,
                        const std::string& uuid, const std::string& hpc_job,
                        const std::vector<Point>& points) {
    std::vector<std::pair<std::string, std::string>> labels = {
        {"DCGM_FI_DRIVER_VERSION", "535.129.03"},
        {"Hostname", "gpu-node-3"},
        {"UUID", uuid},
        {"__name__", metric},
        {"device", "nvidia0"},
        {"gpu", "0"},
        {"job", "dcgm"},
        {"modelName", "NVIDIA H100 80GB HBM3"}};
    if (!hpc_job.empty()) labels.emplace_back("hpc_job", hpc_job);
    AddLabelled(r, std::move(labels), points);
  }

  // Any series: its labels (sorted here) and points.
  static void AddLabelled(remote_write::WriteRequest& r,
                          std::vector<std::pair<std::string, std::string>> labels,
                          const std::vector<Point>& points) {
    remote_write::TimeSeries* ts = r.add_timeseries();
    labels.emplace_back("cluster", "gpu-east");
    std::sort(labels.begin(), labels.end());
    for (const auto& [n, v] : labels) {
      remote_write::Label* l = ts->add_labels();
      l->set_name(n);
      l->set_value(v);
    }
    for (const Point& p : points) {
      remote_write::Sample* s = ts->add_samples();
      s->set_timestamp(p.unix_ms);
      s->set_value(p.value);
    }
  }

  // kube-state-metrics' series for namespace team-a (customer acme) and its
  // pod train-0 (uid pod-1, one GPU, started at t0_), at `at`; `phase` and,
  // when completed, the completion time.
  void AddKubeState(remote_write::WriteRequest& r, int64_t at, const std::string& phase = "Running",
                    int64_t completed_ms = 0) {
    using Labels = std::vector<std::pair<std::string, std::string>>;
    const Labels pod = {{"namespace", "team-a"}, {"pod", "train-0"}, {"uid", "pod-1"}};
    auto with = [&](Labels extra) {
      extra.insert(extra.end(), pod.begin(), pod.end());
      return extra;
    };
    AddLabelled(r,
                {{"__name__", "kube_namespace_labels"},
                 {"label_redflag_io_customer", "acme"},
                 {"namespace", "team-a"}},
                {{at, 1}});
    AddLabelled(r, with({{"__name__", "kube_pod_info"}, {"node", "gpu-node-4"}}), {{at, 1}});
    AddLabelled(r, with({{"__name__", "kube_pod_labels"}, {"label_redflag_io_model", "m-9"}}),
                {{at, 1}});
    AddLabelled(r,
                with({{"__name__", "kube_pod_container_resource_requests"},
                      {"container", "trainer"},
                      {"resource", "nvidia_com_gpu"},
                      {"unit", "integer"}}),
                {{at, 1}});
    AddLabelled(r, with({{"__name__", "kube_pod_start_time"}}),
                {{at, static_cast<double>(t0_ / 1000)}});
    AddLabelled(r, with({{"__name__", "kube_pod_status_phase"}, {"phase", phase}}), {{at, 1}});
    if (completed_ms != 0) {
      AddLabelled(r, with({{"__name__", "kube_pod_completion_time"}}),
                  {{at, static_cast<double>(completed_ms / 1000)}});
    }
  }

  // The pod's GPU as dcgm-exporter --kubernetes labels it.
  static void AddPodGpu(remote_write::WriteRequest& r, const std::vector<Point>& points) {
    AddLabelled(r,
                {{"__name__", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE"},
                 {"Hostname", "gpu-node-4"},
                 {"UUID", "GPU-pod"},
                 {"container", "trainer"},
                 {"modelName", "NVIDIA H100 80GB HBM3"},
                 {"namespace", "team-a"},
                 {"pod", "train-0"}},
                points);
  }

  void Restart() {
    const std::pair<int, int> ports = daemon_->ports();
    daemon_->Signal(SIGTERM);
    daemon_->Wait();
    auto d = DaemonProcess::Start(dir_.path() + "/data", ports,
                                  {"-o", "remote_write.collection_interval=15s"});
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
  }

  static std::string Compress(const remote_write::WriteRequest& r) {
    std::string raw = r.SerializeAsString(), out;
    snappy::Compress(raw.data(), raw.size(), &out);
    return out;
  }

  httplib::Result Post(const std::string& body,
                       httplib::Headers headers = {{"Content-Encoding", "snappy"},
                                                   {"X-Prometheus-Remote-Write-Version", "0.1.0"}},
                       const std::string& type = "application/x-protobuf") {
    httplib::Client c("127.0.0.1", daemon_->http_port());
    return c.Post("/api/v1/write", headers, body, type.c_str());
  }

  std::string Metrics() { return HttpGet(daemon_->http_port(), "/metrics").body; }

  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  int64_t t0_ = 0;
};

// Two GPUs of one Slurm job, three scrapes each: every point covers the time
// since the previous one (the first, one collection interval: 15 s), and the
// tensor activity is their time-weighted mean. The same request again
// counts nothing.
TEST_F(RemoteWriteTest, DcgmPointsOfASlurmJobAreCountedExactlyOnce) {
  RegisterSlurmJob("4242", 2);
  const int64_t a = t0_ + 60 * kSecond;
  remote_write::WriteRequest r;
  AddSeries(r, "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "GPU-aaaa", "4242",
            {{a, 0.5}, {a + 15 * kSecond, 0.25}, {a + 45 * kSecond, 1.0}});
  AddSeries(r, "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "GPU-bbbb", "4242",
            {{a + 5 * kSecond, 0.0}, {a + 20 * kSecond, 0.5}});
  AddSeries(r, "DCGM_FI_PROF_SM_ACTIVE", "GPU-aaaa", "4242",
            {{a, 0.75}, {a + 15 * kSecond, 0.5}, {a + 45 * kSecond, 1.0}});
  AddSeries(r, "DCGM_FI_DEV_POWER_USAGE", "GPU-aaaa", "4242", {{a, 300}});  // not read
  httplib::Result res = Post(Compress(r));
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 204) << res->body;
  // GPU a: 15 + 15 + 30 s; GPU b: 15 + 15 s (its first point found it idle:
  // tensor 0, but the GPU was allocated: the point is counted with activity 0).
  v1::Job job = GetJob("slurm/gpu-east/4242");
  EXPECT_EQ(job.totals().accelerator_ms(), static_cast<uint64_t>((60 + 30) * kSecond));
  EXPECT_EQ(job.totals().samples(), 5u);
  // Resent (a timeout on the sender's side): acknowledged, nothing counted twice.
  res = Post(Compress(r));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_EQ(GetJob("slurm/gpu-east/4242").totals().accelerator_ms(), job.totals().accelerator_ms());
  const std::string m = Metrics();
  EXPECT_NE(m.find("redflag_remote_write_samples_total{result=\"accepted\"} 5"), std::string::npos)
      << m;
  EXPECT_NE(m.find("redflag_remote_write_samples_total{result=\"duplicate\"} 5"),
            std::string::npos);
  EXPECT_NE(m.find("redflag_remote_write_series_ignored_total 2"), std::string::npos);
  EXPECT_NE(m.find("redflag_http_requests_total{code=\"204\",route=\"POST /api/v1/write\"} 2"),
            std::string::npos);
}

// Busy GPU time whose job redflagd does not know is not lost: it is counted
// as unattributed, per cluster.
TEST_F(RemoteWriteTest, BusyTimeOfAnUnknownJobIsUnattributed) {
  const int64_t a = t0_ + 60 * kSecond;
  remote_write::WriteRequest r;
  AddSeries(r, "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "GPU-cccc", "9999", {{a, 0.8}, {a + 15000, 0.9}});
  AddSeries(r, "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "GPU-dddd", "", {{a, 0.0}});  // idle, no job
  httplib::Result res = Post(Compress(r));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204) << res->body;
  const std::string m = Metrics();
  EXPECT_NE(
      m.find(
          "redflag_remote_write_unattributed_accelerator_seconds_total{cluster=\"gpu-east\"} 30"),
      std::string::npos)
      << m;
  EXPECT_NE(m.find("redflag_remote_write_samples_total{result=\"unattributed\"} 2"),
            std::string::npos);
}

// A Kubernetes pod that requests a GPU is a job of its namespace's customer
// from the first request that shows it; its GPU counts to it exactly, across
// a restart (no kube-state-metrics series needed again), and its job ends at
// the completion time kube-state-metrics reports, on record in the audit log.
TEST_F(RemoteWriteTest, APodIsAJobOfItsNamespacesCustomerAcrossARestartUntilItCompletes) {
  const int64_t a = t0_ + 60 * kSecond;
  remote_write::WriteRequest first;
  AddKubeState(first, a);
  AddPodGpu(first, {{a, 0.5}, {a + 15 * kSecond, 0.5}});
  httplib::Result res = Post(Compress(first));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204) << res->body;
  v1::Job job = GetJob("k8s/gpu-east/pod-1");
  EXPECT_EQ(job.spec().customer_id(), "acme");
  EXPECT_EQ(job.spec().scheduler_job_id(), "team-a/train-0");
  EXPECT_EQ(job.spec().model_id(), "m-9");
  EXPECT_EQ(job.spec().accelerator_model(), "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(job.spec().accelerator_count(), 1u);
  EXPECT_EQ(job.spec().start_unix_ms(), t0_);
  EXPECT_EQ(job.totals().accelerator_ms(), static_cast<uint64_t>(30 * kSecond));

  Restart();
  remote_write::WriteRequest later;  // the GPU only: the pod is known from the ledger
  AddPodGpu(later, {{a + 30 * kSecond, 0.5}, {a + 45 * kSecond, 0.5}});
  res = Post(Compress(later));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204) << res->body;
  EXPECT_EQ(GetJob("k8s/gpu-east/pod-1").totals().accelerator_ms(),
            static_cast<uint64_t>(60 * kSecond));
  EXPECT_EQ(Metrics().find("redflag_remote_write_unattributed_accelerator_seconds_total{"),
            std::string::npos);

  const int64_t done = a + 50 * kSecond;
  remote_write::WriteRequest completed;
  AddKubeState(completed, a + 60 * kSecond, "Succeeded", done);
  for (int i = 0; i < 2; ++i) {  // pod ends are judged at most once a second
    res = Post(Compress(completed));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 204) << res->body;
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  }
  EXPECT_EQ(GetJob("k8s/gpu-east/pod-1").end_unix_ms(), done);
  v1::ListAuditRequest req;
  req.set_subject("job/k8s/gpu-east/pod-1");
  grpc::ClientContext ctx;
  v1::ListAuditResponse audit;
  ASSERT_TRUE(v1::AuditService::NewStub(daemon_->channel())->ListAudit(&ctx, req, &audit).ok());
  ASSERT_EQ(audit.records_size(), 1);
  EXPECT_EQ(audit.records(0).action(), "job.ended");
  EXPECT_EQ(audit.records(0).actor(), "local (kube-state-metrics)");
}

// The GPU of a pod in a namespace without the customer label is counted,
// exactly, as the cluster's unattributed time, and named as why.
TEST_F(RemoteWriteTest, APodInANamespaceWithoutTheCustomerLabelIsUnattributed) {
  const int64_t a = t0_ + 60 * kSecond;
  remote_write::WriteRequest r;
  AddKubeState(r, a);
  // __name__, cluster, the customer label, namespace: without the label.
  ASSERT_EQ(r.timeseries(0).labels(2).name(), "label_redflag_io_customer");
  r.mutable_timeseries(0)->mutable_labels()->DeleteSubrange(2, 1);
  AddPodGpu(r, {{a, 0.5}, {a + 20 * kSecond, 0.5}});
  httplib::Result res = Post(Compress(r));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204) << res->body;
  const std::string m = Metrics();
  EXPECT_NE(
      m.find(
          "redflag_remote_write_unattributed_accelerator_seconds_total{cluster=\"gpu-east\"} 35"),
      std::string::npos)
      << m;
  EXPECT_NE(
      m.find("redflag_remote_write_unattributed_points_total{reason=\"no_customer_label\"} 2"),
      std::string::npos);
}

// No caller of the public API can register, feed or end a holding account
// (where unattributed time is counted).
TEST_F(RemoteWriteTest, ThePublicApiCannotNameAnUnattributedAccount) {
  v1::RegisterJobRequest reg;
  reg.mutable_job()->set_job_id("unattributed/gpu-east");
  reg.mutable_job()->set_customer_id("acct-7");
  reg.mutable_job()->set_accelerator_model("NVIDIA H100 80GB HBM3");
  reg.mutable_job()->set_accelerator_count(1);
  reg.mutable_job()->set_start_unix_ms(t0_);
  grpc::ClientContext ctx;
  v1::RegisterJobResponse resp;
  grpc::Status s = v1::JobService::NewStub(daemon_->channel())->RegisterJob(&ctx, reg, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("job.job_id"), std::string::npos) << s.error_message();

  v1::SampleBatch batch;
  v1::Sample* sample = batch.add_samples();
  sample->set_source_id("node-1");
  sample->set_seq(1);
  sample->set_job_id("unattributed/gpu-east");
  sample->set_window_start_unix_ms(t0_);
  sample->set_window_end_unix_ms(t0_ + 10'000);
  sample->set_active_accelerators(1);
  grpc::ClientContext ingest_ctx;
  v1::BatchAck ack;
  s = v1::TelemetryService::NewStub(daemon_->channel())->Ingest(&ingest_ctx, batch, &ack);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("samples[0].job_id"), std::string::npos) << s.error_message();
}

// A MIG instance counts as its share of the GPU (3g.40gb: 3 of an H100's 7
// compute slices), each instance of one GPU a source of its own.
TEST_F(RemoteWriteTest, AMigInstanceCountsAsItsShareOfTheGpu) {
  RegisterSlurmJob("31", 2);
  const int64_t a = t0_ + 60 * kSecond;
  remote_write::WriteRequest r;
  for (const char* instance : {"1", "2"}) {
    AddLabelled(r,
                {{"__name__", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE"},
                 {"GPU_I_ID", instance},
                 {"GPU_I_PROFILE", "3g.40gb"},
                 {"UUID", "GPU-mig"},
                 {"hpc_job", "31"},
                 {"modelName", "NVIDIA H100 80GB HBM3"}},
                {{a, 0.5}, {a + 15 * kSecond, 0.5}});
  }
  httplib::Result res = Post(Compress(r));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204) << res->body;
  // Each point: 15 s x 3/7 = 6,428.57 ms, rounded: 6,429; four points.
  EXPECT_EQ(GetJob("slurm/gpu-east/31").totals().accelerator_ms(), 4u * 6429);
}

// A stale marker ends a series: the time until it is not busy, and a series
// that comes back goes on from the marker.
TEST_F(RemoteWriteTest, AStaleMarkerEndsTheSeries) {
  RegisterSlurmJob("77", 1);
  const int64_t a = t0_ + 60 * kSecond;
  double stale;
  const uint64_t bits = 0x7ff0000000000002ULL;
  std::memcpy(&stale, &bits, sizeof(stale));
  remote_write::WriteRequest r;
  AddSeries(r, "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "GPU-eeee", "77",
            {{a, 0.5}, {a + 15000, stale}, {a + 600000, 0.5}});
  httplib::Result res = Post(Compress(r));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204) << res->body;
  // 15 s; nothing for the time until the marker; and the point after the
  // series came back covers one collection interval (15 s), not the ten
  // minutes it was gone.
  EXPECT_EQ(GetJob("slurm/gpu-east/77").totals().accelerator_ms(),
            static_cast<uint64_t>(15 * kSecond + 15 * kSecond));
  EXPECT_NE(Metrics().find("redflag_remote_write_samples_total{result=\"stale\"} 1"),
            std::string::npos);
  res = Post(Compress(r));  // resent: nothing counted twice
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204) << res->body;
  EXPECT_EQ(GetJob("slurm/gpu-east/77").totals().accelerator_ms(),
            static_cast<uint64_t>(30 * kSecond));
}

// Requests that can never succeed get their status and change nothing.
TEST_F(RemoteWriteTest, MalformedRequestsAreRefusedWithTheirStatusAndApplyNothing) {
  RegisterSlurmJob("5", 1);
  const int64_t a = t0_ + 60 * kSecond;
  auto good = [&](double v, const std::string& uuid = "GPU-ffff") {
    remote_write::WriteRequest r;
    AddSeries(r, "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", uuid, "5", {{a, v}});
    return r;
  };
  const std::string body = Compress(good(0.5));
  struct Case {
    const char* what;
    httplib::Result result;
    int status;
    const char* says;
  };
  std::string lie = body;
  lie[0] = static_cast<char>(0x7f);  // a stated length unlike the data
  std::string huge;
  snappy::Compress(std::string(5 << 20, 'x').data(), 5 << 20, &huge);
  remote_write::WriteRequest unsorted = good(0.5);
  std::swap(*unsorted.mutable_timeseries(0)->mutable_labels(0),
            *unsorted.mutable_timeseries(0)->mutable_labels(1));
  remote_write::WriteRequest twice = good(0.5);
  *twice.mutable_timeseries(0)->add_labels() = twice.timeseries(0).labels(0);
  std::sort(twice.mutable_timeseries(0)->mutable_labels()->begin(),
            twice.mutable_timeseries(0)->mutable_labels()->end(),
            [](const auto& x, const auto& y) { return x.name() < y.name(); });
  remote_write::WriteRequest no_uuid = good(0.5);
  no_uuid.mutable_timeseries(0)->mutable_labels()->DeleteSubrange(2, 1);  // UUID
  std::string not_proto;
  snappy::Compress("\xff\xff\xff\xff", 4, &not_proto);
  // A good GPU point with a kube-state-metrics series that cannot be.
  auto with_kube = [&](std::vector<std::pair<std::string, std::string>> labels, double v) {
    remote_write::WriteRequest r = good(0.5);
    AddLabelled(r, std::move(labels), {{a, v}});
    return r;
  };
  const remote_write::WriteRequest pod_without_uid =
      with_kube({{"__name__", "kube_pod_info"}, {"namespace", "n"}, {"pod", "p"}}, 1);
  const remote_write::WriteRequest half_a_gpu =
      with_kube({{"__name__", "kube_pod_container_resource_requests"},
                 {"namespace", "n"},
                 {"pod", "p"},
                 {"resource", "nvidia_com_gpu"},
                 {"uid", "u"}},
                0.5);
  Case cases[] = {
      {"content type",
       Post(body, {{"Content-Encoding", "snappy"}, {"X-Prometheus-Remote-Write-Version", "0.1.0"}},
            "application/json"),
       415, "Content-Type: must be application/x-protobuf"},
      {"encoding",
       Post(body, {{"Content-Encoding", "zstd"}, {"X-Prometheus-Remote-Write-Version", "0.1.0"}}),
       415, "Content-Encoding: must be snappy"},
      {"version 2",
       Post(body, {{"Content-Encoding", "snappy"}, {"X-Prometheus-Remote-Write-Version", "2.0.0"}}),
       415, "is not 0.1.0"},
      {"bad snappy", Post("this is not snappy"), 400, "snappy"},
      {"length lie", Post(lie), 400, "snappy"},
      {"oversized", Post(huge), 413, "remote_write.max_request_bytes"},
      {"not protobuf", Post(not_proto), 400, "invalid protobuf"},
      {"NaN", Post(Compress(good(std::numeric_limits<double>::quiet_NaN()))), 400, "outside 0-1"},
      {"Inf", Post(Compress(good(std::numeric_limits<double>::infinity()))), 400, "outside 0-1"},
      {"negative", Post(Compress(good(-0.1))), 400, "outside 0-1"},
      {"over 1", Post(Compress(good(1.5))), 400, "outside 0-1"},
      {"unsorted labels", Post(Compress(unsorted)), 400, "labels must be sorted by name"},
      {"duplicate labels", Post(Compress(twice)), 400, "the name appears twice"},
      {"no UUID", Post(Compress(no_uuid)), 400, "no UUID label"},
      {"pod without uid", Post(Compress(pod_without_uid)), 400, "(kube_pod_info): no uid label"},
      {"half a GPU", Post(Compress(half_a_gpu)), 400, "is not a whole number of GPUs"},
  };
  for (Case& c : cases) {
    ASSERT_TRUE(c.result) << c.what;
    EXPECT_EQ(c.result->status, c.status) << c.what << ": " << c.result->body;
    EXPECT_NE(c.result->body.find(c.says), std::string::npos) << c.what << ": " << c.result->body;
  }
  EXPECT_EQ(GetJob("slurm/gpu-east/5").totals().samples(), 0u);
  // The good request still goes through.
  httplib::Result ok = Post(body);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 204) << ok->body;
  EXPECT_EQ(GetJob("slurm/gpu-east/5").totals().samples(), 1u);
}

// SIGKILL ten times while the bench generator remote-writes (retrying each
// request until it gets a 2xx, as Prometheus does on 5xx and on a refused
// connection): every point is counted once, none lost, none twice.
TEST(RemoteWriteCrash, TenSigkillsDuringRemoteWriteLoseNothingAndCountNothingTwice) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::pair<int, int> ports = FreePorts();
  // Enough rounds that all ten kills land in traffic on a fast machine too
  // (600 were not, on one); a slower one only takes longer.
  constexpr int kGpus = 2000, kRounds = 1200, kKills = 10;
  // Far enough back that the 1,200 rounds (5 hours of event time) end in the past.
  const int64_t base_ms = (absl::ToUnixMillis(absl::Now()) / 1000 - 6 * 3600) * 1000;
  auto d = DaemonProcess::Start(data, ports);
  ASSERT_TRUE(d.ok()) << d.status();
  CommandResult reg =
      RunCommand({REMOTE_WRITE_GEN_PATH, "--grpc", (*d)->grpc_address(), "--gpus",
                  absl::StrCat(kGpus), "--base-ms", absl::StrCat(base_ms), "--register"});
  ASSERT_EQ(reg.exit_code, 0) << reg.output;
  CommandResult load;
  std::atomic<bool> generating{true};
  std::thread generator([&] {
    load = RunCommand({REMOTE_WRITE_GEN_PATH, "--port", absl::StrCat(ports.second), "--gpus",
                       absl::StrCat(kGpus), "--series-per-request", "500", "--senders", "4",
                       "--rounds", absl::StrCat(kRounds), "--base-ms", absl::StrCat(base_ms),
                       "--retry"});
    generating = false;
  });
  std::mt19937 rng(20261202);
  std::uniform_int_distribution<int> delay_ms(150, 600);
  for (int kill = 0; kill < kKills; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    // Every kill lands in traffic (a faster machine would need more rounds).
    EXPECT_TRUE(generating) << "the generator finished before kill " << kill;
    (*d)->Signal(SIGKILL);
    (*d)->Wait();
    d = DaemonProcess::Start(
        data, ports,
        {"-o", kill % 2 == 0 ? "storage.durability=group_commit" : "storage.durability=fsync"});
    ASSERT_TRUE(d.ok()) << d.status();
  }
  generator.join();
  ASSERT_EQ(load.exit_code, 0) << load.output;
  EXPECT_NE(load.output.find(absl::StrCat("\"samples\": ", kGpus * kRounds)), std::string::npos)
      << load.output;
  // Each GPU: its first point covers one collection interval (30 s), each
  // later one the 15 s since the one before.
  uint64_t total_ms = 0;
  auto stub = v1::JobService::NewStub((*d)->channel());
  for (int j = 0; j < kGpus / 8; ++j) {
    v1::GetJobRequest req;
    req.set_job_id(absl::StrCat("slurm/bench/", j));
    grpc::ClientContext ctx;
    v1::Job job;
    ASSERT_TRUE(stub->GetJob(&ctx, req, &job).ok()) << j;
    total_ms += job.totals().accelerator_ms();
  }
  EXPECT_EQ(total_ms, static_cast<uint64_t>(kGpus) * (30'000 + (kRounds - 1) * 15'000));
}

}  // namespace
}  // namespace redflag::testing

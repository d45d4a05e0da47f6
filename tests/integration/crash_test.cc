// Crash safety: the real redflagd is killed with SIGKILL at random moments
// while clients stream batches and retry what was not acknowledged. After
// every restart each job's totals must lie between the sum of acknowledged
// batches and that sum plus the batches in flight at the kill (nothing
// acknowledged is lost); once every batch is acknowledged the totals equal
// the sum of all batches exactly (nothing is counted twice).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "daemon/ledger/job_day_keys.h"
#include "daemon/storage/store.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

// CI kills 24 times; bench/crash.sh sets REDFLAG_CRASH_KILLS=100.
const int kKills = [] {
  const char* v = std::getenv("REDFLAG_CRASH_KILLS");
  int n = 0;
  return v != nullptr && absl::SimpleAtoi(v, &n) && n > 0 ? n : 24;
}();
constexpr int kClients = 2;
constexpr int kJobs = 3;
constexpr int kBatchesPerClient = 4000;  // more than the kills will take
constexpr int kSamplesPerBatch = 50;
constexpr int64_t kT0 = 1790812800000;  // 2026-10-01T00:00:00Z
constexpr int64_t kWindow = 10'000;

std::string JobId(int j) { return absl::StrCat("crash-job-", j); }

// What a batch adds to each job: accelerator-ms and samples.
struct Contribution {
  uint64_t acc_ms[kJobs] = {};
  uint64_t samples[kJobs] = {};
};

// Client c's batch b: its own source, consecutive seqs and windows per job.
v1::SampleBatch MakeBatch(int c, int b, Contribution& contrib) {
  v1::SampleBatch batch;
  batch.set_batch_id(static_cast<uint64_t>(b));
  for (int i = 0; i < kSamplesPerBatch; ++i) {
    const int n = b * kSamplesPerBatch + i;
    const int j = n % kJobs;
    const int64_t slot = n / kJobs;
    v1::Sample* s = batch.add_samples();
    s->set_source_id(absl::StrCat("crash-client-", c));
    s->set_seq(static_cast<uint64_t>(n + 1));
    s->set_job_id(JobId(j));
    s->set_window_start_unix_ms(kT0 + slot * kWindow);
    s->set_window_end_unix_ms(kT0 + (slot + 1) * kWindow);
    const uint32_t active = 1 + static_cast<uint32_t>((n * 7919) % 64);
    s->set_active_accelerators(active);
    s->set_tensor_active(0.25 + 0.5 * ((n % 10) / 10.0));
    contrib.acc_ms[j] += active * static_cast<uint64_t>(kWindow);
    contrib.samples[j] += 1;
  }
  return batch;
}

struct Totals {
  uint64_t acc_ms[kJobs] = {};
  uint64_t samples[kJobs] = {};
};

Totals ReadTotals(DaemonProcess& d) {
  auto jobs = v1::JobService::NewStub(d.channel());
  Totals t;
  for (int j = 0; j < kJobs; ++j) {
    grpc::ClientContext ctx;
    v1::GetJobRequest req;
    req.set_job_id(JobId(j));
    v1::Job job;
    grpc::Status s = jobs->GetJob(&ctx, req, &job);
    EXPECT_TRUE(s.ok()) << s.error_message();
    t.acc_ms[j] = job.totals().accelerator_ms();
    t.samples[j] = job.totals().samples();
  }
  return t;
}

// One client: sends its batches in order, resending each until acknowledged.
class Client {
 public:
  explicit Client(int id) : id_(id) {
    for (int b = 0; b < kBatchesPerClient; ++b) batches_.push_back(MakeBatch(id, b, contrib_[b]));
  }

  // Sends until `stop` is set; returns when the current batch is either
  // acknowledged or abandoned for now (it stays in flight).
  void Run(const std::string& address, const std::atomic<bool>& stop) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
    auto stub = v1::TelemetryService::NewStub(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
    while (!stop && next_ < kBatchesPerClient) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        in_flight_ = true;
      }
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
      v1::BatchAck ack;
      grpc::Status s = stub->Ingest(&ctx, batches_[next_], &ack);
      if (s.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        in_flight_ = false;
        ++next_;
        ++acks_;
        duplicates_ += ack.duplicate();
      } else if (s.error_code() != grpc::UNAVAILABLE && s.error_code() != grpc::DEADLINE_EXCEEDED) {
        ADD_FAILURE() << "client " << id_ << " batch " << next_ << ": " << s.error_code() << " "
                      << s.error_message();
        return;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
  }

  // Sums of acknowledged batches, and of the batch in flight (if any).
  void Bounds(Totals& acked, Totals& in_flight) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (int b = 0; b < next_; ++b) {
      for (int j = 0; j < kJobs; ++j) {
        acked.acc_ms[j] += contrib_[b].acc_ms[j];
        acked.samples[j] += contrib_[b].samples[j];
      }
    }
    if (in_flight_ && next_ < kBatchesPerClient) {
      for (int j = 0; j < kJobs; ++j) {
        in_flight.acc_ms[j] += contrib_[next_].acc_ms[j];
        in_flight.samples[j] += contrib_[next_].samples[j];
      }
    }
  }

  int acknowledged() const {
    std::lock_guard<std::mutex> lock(mu_);
    return next_;
  }
  uint64_t duplicates() const { return duplicates_; }

 private:
  const int id_;
  std::vector<v1::SampleBatch> batches_;
  Contribution contrib_[kBatchesPerClient];
  mutable std::mutex mu_;
  int next_ = 0;
  bool in_flight_ = false;
  uint64_t acks_ = 0;
  uint64_t duplicates_ = 0;
};

void ExpectWithin(const Totals& got, const Totals& acked, const Totals& in_flight, int kill) {
  for (int j = 0; j < kJobs; ++j) {
    EXPECT_GE(got.acc_ms[j], acked.acc_ms[j])
        << "kill " << kill << " job " << j << ": acknowledged accelerator-ms lost";
    EXPECT_LE(got.acc_ms[j], acked.acc_ms[j] + in_flight.acc_ms[j])
        << "kill " << kill << " job " << j << ": counted more than was sent";
    EXPECT_GE(got.samples[j], acked.samples[j]) << "kill " << kill << " job " << j;
    EXPECT_LE(got.samples[j], acked.samples[j] + in_flight.samples[j])
        << "kill " << kill << " job " << j;
  }
}

TEST(CrashTest, SigkillAtRandomMomentsLosesNothingAcknowledgedAndCountsNothingTwice) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const auto ports = FreePorts();
  std::vector<std::unique_ptr<Client>> clients;
  for (int c = 0; c < kClients; ++c) clients.push_back(std::make_unique<Client>(c));
  std::mt19937 rng(20261124);
  std::uniform_int_distribution<int> delay_ms(20, 400);

  {
    auto d = DaemonProcess::Start(data, ports);
    ASSERT_TRUE(d.ok()) << d.status();
    auto jobs = v1::JobService::NewStub((*d)->channel());
    for (int j = 0; j < kJobs; ++j) {
      v1::RegisterJobRequest req;
      req.mutable_job()->set_job_id(JobId(j));
      req.mutable_job()->set_customer_id("acct-crash");
      req.mutable_job()->set_accelerator_model("NVIDIA H100 80GB HBM3");
      req.mutable_job()->set_accelerator_count(64);
      req.mutable_job()->set_start_unix_ms(kT0);
      grpc::ClientContext ctx;
      v1::RegisterJobResponse resp;
      ASSERT_TRUE(jobs->RegisterJob(&ctx, req, &resp).ok());
    }
    (*d)->Signal(SIGTERM);
    (*d)->Wait();
  }

  for (int kill = 0; kill < kKills; ++kill) {
    // Alternate durability modes: both must keep the promise on a process crash.
    std::vector<std::string> args = {
        "-o", kill % 2 == 0 ? "storage.durability=fsync" : "storage.durability=group_commit"};
    auto d = DaemonProcess::Start(data, ports, args);
    ASSERT_TRUE(d.ok()) << d.status();
    {
      Totals acked, in_flight;
      for (const auto& c : clients) c->Bounds(acked, in_flight);
      ExpectWithin(ReadTotals(**d), acked, in_flight, kill);
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (auto& c : clients) {
      threads.emplace_back([&, client = c.get()] { client->Run((*d)->grpc_address(), stop); });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    (*d)->Signal(SIGKILL);
    (*d)->Wait();
    stop = true;
    for (auto& t : threads) t.join();
    if (::testing::Test::HasFailure()) return;
  }

  // Finish every batch, then the totals must be exact.
  auto d = DaemonProcess::Start(data, ports);
  ASSERT_TRUE(d.ok()) << d.status();
  std::atomic<bool> stop{false};
  for (auto& c : clients) c->Run((*d)->grpc_address(), stop);
  Totals all, none;
  for (const auto& c : clients) {
    ASSERT_EQ(c->acknowledged(), kBatchesPerClient);
    c->Bounds(all, none);
  }
  Totals got = ReadTotals(**d);
  for (int j = 0; j < kJobs; ++j) {
    EXPECT_EQ(got.acc_ms[j], all.acc_ms[j]) << "job " << j;
    EXPECT_EQ(got.samples[j], all.samples[j]) << "job " << j;
  }
  // The per-day totals (what reports read for a past date) add up to the
  // same after every crash: no sample lost or counted twice on its day.
  (*d)->Signal(SIGTERM);
  ASSERT_EQ((*d)->Wait(), 0);
  d->reset();
  {
    auto store = OpenRocksDbStore(data, {});
    ASSERT_TRUE(store.ok()) << store.status();
    Totals days;
    ASSERT_TRUE((*store)
                    ->Scan(Domain::kJobDays, "", "",
                           [&](absl::string_view key, absl::string_view value) {
                             absl::string_view job;
                             int32_t day = 0;
                             v1::JobTotals t;
                             EXPECT_TRUE(ParseJobDayKey(key, &job, &day));
                             EXPECT_TRUE(
                                 t.ParseFromArray(value.data(), static_cast<int>(value.size())));
                             for (int j = 0; j < kJobs; ++j) {
                               if (job != JobId(j)) continue;
                               days.acc_ms[j] += t.accelerator_ms();
                               days.samples[j] += t.samples();
                             }
                             return true;
                           })
                    .ok());
    for (int j = 0; j < kJobs; ++j) {
      EXPECT_EQ(days.acc_ms[j], all.acc_ms[j]) << "per-day totals of job " << j;
      EXPECT_EQ(days.samples[j], all.samples[j]) << "per-day totals of job " << j;
    }
  }
  uint64_t dups = 0;
  for (const auto& c : clients) dups += c->duplicates();
  std::cout << "kills: " << kKills << ", duplicate samples acknowledged after retries: " << dups
            << "\n";
}

}  // namespace
}  // namespace redflag::testing

// Posts Prometheus remote-write requests of dcgm-exporter-shaped series, as a
// Prometheus with many shards would: every GPU one tensor-activity series,
// one sample per scrape round (15 s of event time apart), 500 series per
// request, each sender thread owning its share of the series so that a
// series' points go out in order. The same generator drives redflagd and
// Prometheus' own receiver (--web.enable-remote-write-receiver) for the ratio.
// With --register it first registers the Slurm jobs the GPUs belong to
// (slurm/bench/<n>, 8 GPUs each) over gRPC. With --retry every request is
// sent until it gets a 2xx, or a 4xx that retrying cannot help (the crash
// test's load).
// Prints one JSON line.
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <snappy.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "remote_write/remote_write.pb.h"

namespace {

namespace remote_write = redflag::remote_write;

struct Options {
  std::string host = "127.0.0.1";
  int port = 9464;
  std::string grpc;  // with --register
  int gpus = 100000;
  int series_per_request = 500;
  int senders = 8;
  double seconds = 10;
  int64_t base_ms = 0;  // round 0's timestamp
  int first_round = 0;
  int rounds = 0;  // 0: until --seconds have passed
  bool register_jobs = false;
  bool retry = false;
};

constexpr int kGpusPerJob = 8;
constexpr int64_t kRoundMs = 15'000;

void AddLabel(remote_write::TimeSeries* ts, const char* name, const std::string& value) {
  remote_write::Label* l = ts->add_labels();
  l->set_name(name);
  l->set_value(value);
}

// Request `chunk` of round `round`: series chunk*per .. +per, one sample each.
std::string Request(const Options& o, int chunk, int round) {
  remote_write::WriteRequest r;
  const int from = chunk * o.series_per_request;
  const int to = std::min(o.gpus, from + o.series_per_request);
  for (int g = from; g < to; ++g) {
    remote_write::TimeSeries* ts = r.add_timeseries();
    // Sorted by name, as the specification wants.
    AddLabel(ts, "Hostname", absl::StrCat("node-", g / kGpusPerJob));
    AddLabel(ts, "UUID", absl::StrCat("GPU-", g));
    AddLabel(ts, "__name__", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE");
    AddLabel(ts, "cluster", "bench");
    AddLabel(ts, "gpu", absl::StrCat(g % kGpusPerJob));
    AddLabel(ts, "hpc_job", absl::StrCat(g / kGpusPerJob));
    AddLabel(ts, "modelName", "NVIDIA H100 80GB HBM3");
    remote_write::Sample* s = ts->add_samples();
    s->set_timestamp(o.base_ms + round * kRoundMs);
    s->set_value(0.25 + 0.5 * ((g + round) % 3) / 2.0);
  }
  std::string raw = r.SerializeAsString(), out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

void Register(const Options& o) {
  auto ch = grpc::CreateChannel(o.grpc, grpc::InsecureChannelCredentials());
  const int jobs = (o.gpus + kGpusPerJob - 1) / kGpusPerJob;
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto stub = redflag::v1::JobService::NewStub(ch);
      for (int j; (j = next++) < jobs;) {
        redflag::v1::RegisterJobRequest req;
        redflag::v1::JobSpec* s = req.mutable_job();
        s->set_job_id(absl::StrCat("slurm/bench/", j));
        s->set_customer_id(absl::StrCat("acct-", j % 100));
        s->set_scheduler("slurm");
        s->set_accelerator_model("NVIDIA H100 80GB HBM3");
        s->set_accelerator_count(kGpusPerJob);
        s->set_start_unix_ms(o.base_ms - 3'600'000);
        redflag::v1::RegisterJobResponse resp;
        grpc::ClientContext ctx;
        grpc::Status st = stub->RegisterJob(&ctx, req, &resp);
        if (!st.ok()) std::cerr << "remote_write_gen: register: " << st.error_message() << "\n";
      }
    });
  }
  for (auto& t : threads) t.join();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  // Ten minutes back: in the past for redflagd, and within the head block of
  // a fresh Prometheus.
  o.base_ms = (std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count() -
               600) *
              1000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--register") {
      o.register_jobs = true;
      continue;
    }
    if (a == "--retry") {
      o.retry = true;
      continue;
    }
    if (i + 1 >= argc) break;
    const std::string v = argv[++i];
    if (a == "--port") (void)absl::SimpleAtoi(v, &o.port);
    if (a == "--grpc") o.grpc = v;
    if (a == "--gpus") (void)absl::SimpleAtoi(v, &o.gpus);
    if (a == "--series-per-request") (void)absl::SimpleAtoi(v, &o.series_per_request);
    if (a == "--senders") (void)absl::SimpleAtoi(v, &o.senders);
    if (a == "--seconds") (void)absl::SimpleAtod(v, &o.seconds);
    if (a == "--first-round") (void)absl::SimpleAtoi(v, &o.first_round);
    if (a == "--rounds") (void)absl::SimpleAtoi(v, &o.rounds);
    if (a == "--base-ms") (void)absl::SimpleAtoi(v, &o.base_ms);
  }
  if (o.register_jobs) {
    const auto t0 = std::chrono::steady_clock::now();
    Register(o);
    std::cout << absl::StrFormat(
        "{\"registered\": %d, \"seconds\": %.2f}\n", (o.gpus + kGpusPerJob - 1) / kGpusPerJob,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return 0;
  }
  const int chunks = (o.gpus + o.series_per_request - 1) / o.series_per_request;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> samples{0}, failures{0};
  std::atomic<int> last_round{o.first_round};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(o.senders));
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < o.senders; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client(o.host, o.port);
      client.set_read_timeout(30, 0);
      const httplib::Headers headers = {{"Content-Encoding", "snappy"},
                                        {"X-Prometheus-Remote-Write-Version", "0.1.0"}};
      for (int round = o.first_round; !stop && (o.rounds == 0 || round < o.first_round + o.rounds);
           ++round) {
        for (int c = t; c < chunks && !stop; c += o.senders) {
          const std::string body = Request(o, c, round);
          for (;;) {
            const auto sent = std::chrono::steady_clock::now();
            httplib::Result res =
                client.Post("/api/v1/write", headers, body, "application/x-protobuf");
            latencies[static_cast<size_t>(t)].push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent)
                    .count());
            if (res && res->status / 100 == 2) {
              samples += static_cast<uint64_t>(
                  std::min(o.series_per_request, o.gpus - c * o.series_per_request));
              break;
            }
            ++failures;
            // As Prometheus: 5xx and a refused connection are retried, other 4xx never.
            if (!o.retry || (res && res->status / 100 == 4)) {
              if (res && failures == 1) std::cerr << "remote_write_gen: " << res->body;
              break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          }
        }
        int seen = last_round;
        while (seen < round + 1 && !last_round.compare_exchange_weak(seen, round + 1)) {
        }
      }
    });
  }
  if (o.rounds == 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
    stop = true;
  }
  for (auto& t : threads) t.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  std::cout << absl::StrFormat(
      "{\"samples\": %d, \"seconds\": %.2f, \"samples_per_s\": %.0f, \"p50_ms\": %.3f, "
      "\"p99_ms\": %.3f, \"failures\": %d, \"next_round\": %d}\n",
      samples.load(), s, samples.load() / std::max(s, 1e-9), pct(0.5), pct(0.99), failures.load(),
      last_round.load());
  return 0;
}

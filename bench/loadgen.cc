// Load generator for `make bench`: registers jobs, then streams sample batches
// over several IngestStream calls for a fixed time, one batch in flight per
// stream, and prints one JSON line of results.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "redflag/v1/customers.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"

namespace {

struct Options {
  std::string addr = "127.0.0.1:50051";
  int jobs = 100000;
  int batch = 1000;
  int streams = 8;
  int inflight = 2;  // batches written ahead of their acks, per stream
  double seconds = 10;
  bool register_jobs = false;
  int customers = 0;  // with --register: profiles upserted first
  std::string source_prefix = "bench";
  // Where each stream's samples start: a later run over the same sources
  // passes the previous run's next_sample, so the sources simply go on.
  uint64_t first_sample = 0;
  // Mutual TLS: the CA to trust, the client certificate and key, and the
  // name the server certificate must carry; plaintext when ca is empty.
  std::string ca, cert, key, server_name = "localhost";
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

constexpr int64_t kWindowMs = 10'000;

int64_t JobStart() {
  // A fixed start a week back, so windows are in the past but not ancient.
  static const int64_t start = (std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                        .count() /
                                    86'400'000 -
                                7) *
                               86'400'000;
  return start;
}

std::string JobId(int j) { return absl::StrCat("bench/job-", j); }

// Customer profiles the detectors have work with: headquarters spread over
// authorised, other and D:5 countries, pairs sharing a payment instrument
// (structuring groups), owners and officers to screen.
void UpsertCustomers(const Options& o, std::shared_ptr<grpc::Channel> ch) {
  const char* kCountries[] = {"US", "DE", "JP", "SG", "AE", "IN", "CN", "RU", "BR", "GB"};
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto stub = redflag::v1::CustomerService::NewStub(ch);
      for (int c = next++; c < o.customers; c = next++) {
        redflag::v1::UpsertCustomerRequest req;
        auto* p = req.mutable_profile();
        p->set_customer_id(absl::StrCat("bench-acct-", c));
        p->set_legal_name(absl::StrCat("Bench Compute ", c, " Ltd"));
        p->set_headquarters_country(kCountries[c % 10]);
        p->set_payment_instrument_fingerprint(absl::StrCat("fp-", c / 2));
        p->add_contact_domains(absl::StrCat("bench", c, ".example"));
        p->set_declared_end_use("model training");
        auto* owner = p->add_beneficial_owners();
        owner->set_name(absl::StrCat("Owner Number ", c));
        owner->set_ownership_percent(60);
        p->add_officers()->set_name(absl::StrCat("Officer Number ", c));
        redflag::v1::UpsertCustomerResponse resp;
        grpc::ClientContext ctx;
        grpc::Status st = stub->UpsertCustomer(&ctx, req, &resp);
        if (!st.ok()) {
          std::cerr << "loadgen: customer " << c << ": " << st.error_message() << "\n";
          std::exit(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
}

void RegisterJobs(const Options& o, std::shared_ptr<grpc::Channel> ch) {
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      auto stub = redflag::v1::JobService::NewStub(ch);
      for (int j = next++; j < o.jobs; j = next++) {
        redflag::v1::RegisterJobRequest req;
        auto* s = req.mutable_job();
        s->set_job_id(JobId(j));
        s->set_customer_id(absl::StrCat("bench-acct-", j % 10000));
        s->set_accelerator_model("NVIDIA H100 80GB HBM3");
        s->set_accelerator_count(8);
        s->set_start_unix_ms(JobStart());
        s->set_precision(redflag::v1::PRECISION_BF16);
        redflag::v1::RegisterJobResponse resp;
        grpc::ClientContext ctx;
        grpc::Status st = stub->RegisterJob(&ctx, req, &resp);
        if (!st.ok()) {
          std::cerr << "loadgen: register " << j << ": " << st.error_message() << "\n";
          std::exit(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc || (i < argc && std::string(argv[i]) == "--register"); ++i) {
    std::string a = argv[i];
    if (a == "--register") {
      o.register_jobs = true;
      continue;
    }
    std::string v = argv[++i];
    if (a == "--addr")
      o.addr = v;
    else if (a == "--jobs")
      (void)absl::SimpleAtoi(v, &o.jobs);
    else if (a == "--batch")
      (void)absl::SimpleAtoi(v, &o.batch);
    else if (a == "--streams")
      (void)absl::SimpleAtoi(v, &o.streams);
    else if (a == "--inflight")
      (void)absl::SimpleAtoi(v, &o.inflight);
    else if (a == "--seconds")
      (void)absl::SimpleAtod(v, &o.seconds);
    else if (a == "--source-prefix")
      o.source_prefix = v;
    else if (a == "--first-sample")
      (void)absl::SimpleAtoi(v, &o.first_sample);
    else if (a == "--customers")
      (void)absl::SimpleAtoi(v, &o.customers);
    else if (a == "--ca")
      o.ca = v;
    else if (a == "--cert")
      o.cert = v;
    else if (a == "--key")
      o.key = v;
    else if (a == "--server-name")
      o.server_name = v;
  }
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(256 << 20);
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (!o.ca.empty()) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = ReadFile(o.ca);
    tls.pem_cert_chain = ReadFile(o.cert);
    tls.pem_private_key = ReadFile(o.key);
    creds = grpc::SslCredentials(tls);
    args.SetSslTargetNameOverride(o.server_name);
  }
  auto ch = grpc::CreateCustomChannel(o.addr, creds, args);
  if (o.register_jobs) {
    auto t0 = std::chrono::steady_clock::now();
    UpsertCustomers(o, ch);
    RegisterJobs(o, ch);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << absl::StrFormat("{\"registered\": %d, \"customers\": %d, \"seconds\": %.2f}\n",
                                 o.jobs, o.customers, s);
    return 0;
  }

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> acked{0}, failed{0}, next_sample{o.first_sample};
  std::vector<std::vector<double>> latencies(o.streams);
  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < o.streams; ++t) {
    threads.emplace_back([&, t] {
      auto stub = redflag::v1::TelemetryService::NewStub(ch);
      grpc::ClientContext ctx;
      auto stream = stub->IngestStream(&ctx);
      redflag::v1::SampleBatch batch;
      const std::string source = absl::StrCat(o.source_prefix, "-", t);
      for (int i = 0; i < o.batch; ++i) {
        auto* s = batch.add_samples();
        s->set_source_id(source);
        s->set_active_accelerators(8);
        s->set_tensor_active(0.4);
        s->set_sm_active(0.8);
      }
      // Stream t covers jobs t, t+streams, ...; within a batch every job is
      // distinct, and a job's next window comes one slot later.
      const int64_t per_stream = std::max(1, o.jobs / o.streams);
      auto fill = [&](uint64_t k) {
        for (int i = 0; i < o.batch; ++i) {
          const uint64_t n =
              o.first_sample + k * static_cast<uint64_t>(o.batch) + static_cast<uint64_t>(i);
          const int64_t slot = static_cast<int64_t>(n / per_stream);
          auto* s = batch.mutable_samples(i);
          s->set_seq(n + 1);
          s->set_job_id(JobId(static_cast<int>((n % per_stream) * o.streams + t) % o.jobs));
          s->set_window_start_unix_ms(JobStart() + slot * kWindowMs);
          s->set_window_end_unix_ms(JobStart() + (slot + 1) * kWindowMs);
        }
        batch.set_batch_id(k);
      };
      // Up to `inflight` batches are written before their acks are read, as a
      // pipelining client would; acks come back in order.
      std::deque<std::chrono::steady_clock::time_point> sent;
      redflag::v1::BatchAck ack;
      uint64_t next = 0;
      bool open = true;
      while (open && (!stop || !sent.empty())) {
        while (!stop && sent.size() < static_cast<size_t>(std::max(1, o.inflight))) {
          fill(next++);
          sent.push_back(std::chrono::steady_clock::now());
          if (!stream->Write(batch)) {
            open = false;
            break;
          }
        }
        if (!open || sent.empty()) break;
        if (!stream->Read(&ack)) break;
        latencies[t].push_back(std::chrono::duration<double, std::milli>(
                                   std::chrono::steady_clock::now() - sent.front())
                                   .count());
        sent.pop_front();
        if (ack.code() != 0) {
          if (failed++ == 0) std::cerr << "loadgen: batch rejected: " << ack.message() << "\n";
          continue;
        }
        acked += ack.accepted() + ack.duplicate();
      }
      stream->WritesDone();
      (void)stream->Finish();
      const uint64_t end = o.first_sample + next * static_cast<uint64_t>(o.batch);
      for (uint64_t seen = next_sample;
           seen < end && !next_sample.compare_exchange_weak(seen, end);) {
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop = true;
  for (auto& th : threads) th.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  double p50 = all.empty() ? 0 : all[all.size() / 2];
  double p99 = all.empty() ? 0 : all[std::min(all.size() - 1, all.size() * 99 / 100)];
  std::cout << absl::StrFormat(
      "{\"samples_per_s\": %.0f, \"samples\": %d, \"batches\": %d, \"failed_batches\": %d, "
      "\"p50_ms\": %.3f, \"p99_ms\": %.3f, \"next_sample\": %d}\n",
      static_cast<double>(acked.load()) / elapsed, acked.load(), all.size(), failed.load(), p50,
      p99, next_sample.load());
  return failed.load() == 0 ? 0 : 1;
}

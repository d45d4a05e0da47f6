// Asks DecisionService.CheckJob for the bench's customers (10,000, a tenth of
// them headquartered in D:5, with the findings the detectors raised) from
// several threads for a while, as schedulers admitting jobs would, and prints
// checks per second, latency percentiles and the verdicts as one JSON line.
// Closed loop by default (each thread asks again as soon as it is answered:
// the most the daemon answers, and the latency when it is saturated). With
// --rate R, open loop: R checks/s in all, each sent at its scheduled time and
// timed from that time, so an answer that comes late delays no later send
// and a send that starts late counts against the latency (no coordinated
// omission). With --floor 1, every check names no customer and is refused at
// validation: the same calls less the decision, the floor of the transport.
#include <grpcpp/grpcpp.h>
#include <sys/prctl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "redflag/v1/decisions.grpc.pb.h"

int main(int argc, char** argv) {
  std::string addr = "127.0.0.1:50051";
  int customers = 10000, threads = 4;
  double seconds = 5, rate = 0;
  bool floor = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--addr") {
      addr = v;
    } else if (a == "--customers") {
      (void)absl::SimpleAtoi(v, &customers);
    } else if (a == "--threads") {
      (void)absl::SimpleAtoi(v, &threads);
    } else if (a == "--seconds") {
      (void)absl::SimpleAtod(v, &seconds);
    } else if (a == "--rate") {
      (void)absl::SimpleAtod(v, &rate);
    } else if (a == "--floor") {
      floor = v == "1";
    } else {
      std::cerr << "decide_bench: unknown flag " << a << "\n";
      return 2;
    }
  }
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> failures{0};
  std::vector<std::vector<double>> latencies(threads), denied(threads);
  std::vector<std::array<uint64_t, 4>> verdicts(threads, {0, 0, 0, 0});
  std::vector<std::thread> workers;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      // A connection per thread, as separate schedulers have (channels with
      // the same arguments would share one).
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      auto stub = redflag::v1::DecisionService::NewStub(
          grpc::CreateCustomChannel(addr, grpc::InsecureChannelCredentials(), args));
      // Sends wake on time (the default 50 us timer slack would count as
      // the daemon's latency).
      prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
      std::mt19937 rng(static_cast<uint32_t>(t) + 1);
      std::uniform_int_distribution<int> pick(0, customers - 1);
      // Open loop: this thread's share of the rate, its sends evenly spaced.
      const auto gap = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(rate > 0 ? threads / rate : 0));
      auto due = start + gap * t / threads;
      while (!stop) {
        const int c = pick(rng);
        redflag::v1::CheckJobRequest req;
        if (!floor) req.set_customer_id(absl::StrCat("bench-acct-", c));
        req.set_accelerator_model("NVIDIA H100 80GB HBM3");
        req.set_accelerator_count(64);
        req.set_dedicated(c % 3 == 0);
        req.set_scheduler("slurm");
        req.set_scheduler_job_id(absl::StrCat(c));
        redflag::v1::Decision d;
        grpc::ClientContext ctx;
        auto t0 = std::chrono::steady_clock::now();
        if (rate > 0) {
          std::this_thread::sleep_until(due);
          t0 = due;
          due += gap;
        }
        grpc::Status s = stub->CheckJob(&ctx, req, &d);
        latencies[t].push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                .count());
        if (floor) {
          if (s.error_code() != grpc::StatusCode::INVALID_ARGUMENT) ++failures;
          continue;
        }
        if (!s.ok()) {
          if (failures++ == 0) std::cerr << "decide_bench: " << s.error_message() << "\n";
          continue;
        }
        ++verdicts[t][static_cast<size_t>(std::clamp(static_cast<int>(d.verdict()), 0, 3))];
        // A refusal is written to the audit log first: its latency apart.
        if (d.verdict() != redflag::v1::VERDICT_ALLOW) denied[t].push_back(latencies[t].back());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all, refused;
  std::array<uint64_t, 4> v{0, 0, 0, 0};
  for (int t = 0; t < threads; ++t) {
    all.insert(all.end(), latencies[t].begin(), latencies[t].end());
    refused.insert(refused.end(), denied[t].begin(), denied[t].end());
    for (size_t k = 0; k < 4; ++k) v[k] += verdicts[t][k];
  }
  std::sort(all.begin(), all.end());
  std::sort(refused.begin(), refused.end());
  auto quantile = [](const std::vector<double>& v, double q) {
    return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(v.size() * q))];
  };
  auto at = [&](double q) { return quantile(all, q); };
  std::cout << absl::StrFormat(
      "{\"checks\": %d, \"checks_per_s\": %.0f, \"p50_us\": %.1f, \"p99_us\": %.1f, "
      "\"p999_us\": %.1f, \"refused_p99_us\": %.1f, "
      "\"allow\": %d, \"review\": %d, \"deny\": %d, \"failures\": %d}\n",
      all.size(), static_cast<double>(all.size()) / elapsed, at(0.5), at(0.99), at(0.999),
      quantile(refused, 0.99), v[1], v[2], v[3], failures.load());
  return failures.load() == 0 ? 0 : 1;
}

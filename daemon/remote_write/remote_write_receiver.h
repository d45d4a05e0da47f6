// POST /api/v1/write: Prometheus remote-write in, the ledger's exactly-once
// accounting out. Each GPU (or MIG instance) as seen by one job is a source
// whose sample timestamps order it; each point covers the time since the
// previous one (Sample.continues_previous), the first one collection
// interval. A Slurm job is named by dcgm-exporter's hpc_job label. Points
// whose GPU maps to no registered job are unattributed: counted, never
// dropped silently. Answers: 204 once durable, 400/413/415 for a request
// that can never succeed (nothing applied), 503 with Retry-After for
// overload or a store that refuses writes: never 429, on which Prometheus
// 2.42 drops the batch.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "daemon/http/http_server.h"
#include "daemon/remote_write/gpu_readings.h"

namespace redflag {

class Ledger;
struct IngestLimits;

struct RemoteWriteOptions {
  size_t max_request_bytes = 8 << 20;  // uncompressed
  // What a series' first point covers (the scrape interval of the sender).
  absl::Duration collection_interval = absl::Seconds(30);
  GpuLabelNames labels;
  // Seconds a sender is asked to wait after a 503.
  int retry_after_seconds = 5;
};

class RemoteWriteReceiver {
 public:
  RemoteWriteReceiver(RemoteWriteOptions options, const IngestLimits* limits, Ledger* ledger)
      : options_(std::move(options)), limits_(limits), ledger_(ledger) {}

  HttpReply Handle(const HttpCall& call);

  struct Stats {
    std::atomic<uint64_t> samples_accepted{0}, samples_duplicate{0}, samples_outside_job{0},
        samples_stale{0}, samples_unattributed{0}, series_ignored{0}, requests_rejected{0};
  };
  const Stats& stats() const { return stats_; }
  // Busy accelerator-milliseconds that mapped to no job, per cluster (at
  // most kMaxClusters named; the rest as "other").
  std::map<std::string, uint64_t> UnattributedMs() const;
  static constexpr size_t kMaxClusters = 64;

 private:
  void CountUnattributed(const std::string& cluster, uint64_t ms);

  const RemoteWriteOptions options_;
  const IngestLimits* const limits_;
  Ledger* const ledger_;
  Stats stats_;
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> unattributed_ms_;
  // Sources whose series ended (a stale marker), with when: their next point
  // starts afresh instead of covering the time the series was gone. Kept in
  // memory: after a restart such a point covers the gap (at most
  // ingest.max_sample_window).
  std::mutex ended_mu_;
  absl::flat_hash_map<std::string, int64_t> ended_;
};

}  // namespace redflag

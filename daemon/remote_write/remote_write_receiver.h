// POST /api/v1/write: Prometheus remote-write in, the ledger's exactly-once
// accounting out. Each GPU (or MIG instance) as seen by one job is a source
// whose sample timestamps order it; each point covers the time since the
// previous one (Sample.continues_previous), the first one collection
// interval. A Slurm job is named by dcgm-exporter's hpc_job label; a
// Kubernetes pod by its namespace and pod labels, registered as a job from
// kube-state-metrics' series (pod_tracker.h) and ended when it completes or
// is gone. Busy points of a GPU that maps to no job are unattributed: counted
// exactly once in the cluster's holding account (detectors/accounting.h),
// never dropped. Answers: 204 once durable, 400/413/415 for a request that
// can never succeed (nothing applied), 503 with Retry-After for overload or
// a store that refuses writes: never 429, on which Prometheus 2.42 drops
// the batch.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/http/http_server.h"
#include "daemon/remote_write/gpu_readings.h"
#include "daemon/remote_write/kube_state.h"
#include "daemon/remote_write/pod_tracker.h"

namespace redflag {

class Ledger;
struct IngestLimits;

struct RemoteWriteOptions {
  size_t max_request_bytes = 8 << 20;  // uncompressed
  // What a series' first point covers (the scrape interval of the sender).
  absl::Duration collection_interval = absl::Seconds(30);
  GpuLabelNames labels;
  KubeLabelNames kube_labels;
  absl::Duration pod_gone_after = absl::Minutes(2);
  std::vector<std::string> dedicated_clusters = {};  // see PodTrackerOptions
  // Seconds a sender is asked to wait after a 503.
  int retry_after_seconds = 5;
};

// A GPU whose busy time mapped to no job: the evidence of unattributed_compute.
struct UnattributedGpu {
  std::string uuid = {}, host = {}, model = {};
  std::string where = {};   // "namespace/pod", "hpc_job 42" or ""
  std::string reason = {};  // why it maps to no job (PodLookup reasons, job_unknown, no_job_label)
  uint64_t busy_points = 0;
  int64_t last_unix_ms = 0;
};

class RemoteWriteReceiver {
 public:
  // Called once a pod's job end is durable, with who sent the facts that
  // ended it and why (for the audit log).
  using JobEnded =
      std::function<void(const v1::Job& job, const std::string& principal, const std::string& why)>;

  RemoteWriteReceiver(RemoteWriteOptions options, const IngestLimits* limits, Ledger* ledger,
                      JobEnded on_job_ended = nullptr);

  HttpReply Handle(const HttpCall& call);

  struct Stats {
    std::atomic<uint64_t> samples_accepted{0}, samples_duplicate{0}, samples_outside_job{0},
        samples_stale{0}, samples_unattributed{0}, series_ignored{0}, requests_rejected{0},
        pod_jobs_registered{0}, pod_jobs_ended{0}, declarations_refused{0};
  };
  const Stats& stats() const { return stats_; }
  PodTracker::Counts pod_counts() const { return pods_.counts(); }
  const PodTracker& pods() const { return pods_; }
  size_t series_tracked() const;
  // Unattributed busy points by reason (a bounded set).
  std::map<std::string, uint64_t> UnattributedPoints() const;
  // Busy accelerator-milliseconds that mapped to no job, per cluster, as the
  // holding accounts hold them (durable).
  std::map<std::string, uint64_t> UnattributedMs() const;
  // A cluster's unattributed GPUs seen since the start, most busy points first.
  std::vector<UnattributedGpu> UnattributedGpus(const std::string& cluster, size_t limit) const;
  // Why a cluster's GPUs mapped to no job, each reason once, sorted.
  std::vector<std::string> UnattributedReasons(const std::string& cluster) const;

  static constexpr size_t kMaxClusters = 64;         // named; the rest are "other"
  static constexpr size_t kMaxGpusPerCluster = 512;  // kept as evidence

 private:
  struct Attribution {
    std::string job_id = {};  // a job, or the cluster's holding account
    std::string reason = {};  // set when unattributed
  };
  absl::StatusOr<Attribution> Attribute(const GpuSeries& g,
                                        absl::flat_hash_map<std::string, bool>& usable_jobs);
  absl::StatusOr<std::string> HoldingAccount(const std::string& cluster);
  void EndPods(const std::string& principal);
  void NoteUnattributed(const GpuSeries& g, const std::string& reason, uint64_t busy_points);

  const RemoteWriteOptions options_;
  const IngestLimits* const limits_;
  Ledger* const ledger_;
  const JobEnded on_job_ended_;
  Stats stats_;
  PodTracker pods_;

  mutable std::mutex mu_;
  absl::flat_hash_set<std::string> holding_clusters_;    // registered holding accounts
  std::map<std::string, uint64_t> unattributed_points_;  // by reason
  std::map<std::string, std::map<std::string, UnattributedGpu>> unattributed_gpus_;
  // Sources whose series ended (a stale marker), with when: their next point
  // starts afresh instead of covering the time the series was gone. Kept in
  // memory: after a restart such a point covers the gap (at most
  // ingest.max_sample_window).
  absl::flat_hash_map<std::string, int64_t> ended_;
  // Every source seen, with when (wall time): the series tracked.
  absl::flat_hash_map<std::string, absl::Time> series_seen_;

  std::mutex sweep_mu_;
  absl::Time last_sweep_ = absl::InfinitePast();
};

}  // namespace redflag

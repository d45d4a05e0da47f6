// The Kubernetes pods of each cluster as kube-state-metrics describes them,
// assembled from the facts of many requests: which pod a GPU series names,
// whether it can be a job (its namespace has a customer label, it requests
// GPUs, it has started), and when its job ends: at its completion time, at a
// terminal phase, or once it is gone (kube-state-metrics of its cluster has
// gone on reporting for `gone_after` without it). Running pod jobs are
// restored from the ledger at start-up, so that a restart loses no pod.
// In memory, bounded; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "daemon/remote_write/kube_state.h"
#include "redflag/v1/jobs.pb.h"

namespace redflag {

struct PodTrackerOptions {
  absl::Duration gone_after = absl::Minutes(2);
  // What a pod's last sighting covers when it is gone: the scrape interval.
  absl::Duration collection_interval = absl::Seconds(30);
  size_t max_pods = 200'000;
  size_t max_namespaces = 50'000;
  // Clusters reserved for one customer each: their pods' jobs are dedicated
  // capacity (admission.dedicated_clusters).
  std::vector<std::string> dedicated_clusters = {};
};

// What a GPU series' pod labels lead to.
struct PodLookup {
  enum class Kind {
    kJob,          // a registered job: job_id
    kRegister,     // a job to register first: spec (then call Registered)
    kUnattributed  // reason says why
  };
  Kind kind = Kind::kUnattributed;
  std::string job_id = {};
  v1::JobSpec spec = {};
  // Why unattributed: one of a bounded set (a metric label): pod_unknown,
  // namespace_unknown, no_customer_label, no_gpu_request, not_started,
  // pod_ended.
  std::string reason = {};
  std::vector<std::string> refused_declarations = {};  // kRegister: labels left out
};

struct PodEnding {
  std::string cluster = {}, uid = {}, job_id = {};
  int64_t end_unix_ms = 0;
  std::string why = {};  // "completed", "phase Succeeded", "gone"
};

class PodTracker {
 public:
  explicit PodTracker(PodTrackerOptions options) : options_(options) {}

  // Running pod jobs from the ledger (scheduler "kubernetes").
  void Restore(const std::vector<const v1::JobSpec*>& running);
  // Takes in a request's facts; namespaces first, so that a request holding
  // a namespace and its pods is read whole.
  void Apply(const KubeStateReadings& readings);
  // The job of the pod a GPU series names (pod_uid when dcgm-exporter
  // writes it, else namespace and pod), with the GPU's model for a job
  // still to be registered.
  PodLookup Find(const std::string& cluster, const std::string& k8s_namespace,
                 const std::string& pod, const std::string& pod_uid,
                 const std::string& accelerator_model);
  // The job of a kRegister lookup is durable.
  void Registered(const std::string& cluster, const std::string& uid, const std::string& job_id);
  // Its job was refused (say, a start older than ingest.max_event_age): the
  // pod's GPU time is unattributed ("job_refused") without asking again.
  void Refused(const std::string& cluster, const std::string& uid);
  // Pod jobs to end now (each is handed out until Ended is called for it),
  // and forgets pods gone without a running job. O(pods): call it about once
  // a second, not per request.
  std::vector<PodEnding> Sweep();
  void Ended(const PodEnding& ending);

  struct Counts {
    size_t pods = 0, namespaces = 0, jobs_running = 0;
    uint64_t untracked = 0;  // pods not tracked for want of room
  };
  Counts counts() const;

  // A namespace's customer label as kube-state-metrics last reported it
  // (admission reads it): nullopt while the namespace is unknown, "" when it
  // has no customer label.
  std::optional<std::string> NamespaceCustomer(const std::string& cluster,
                                               const std::string& k8s_namespace) const;

 private:
  struct Pod {
    std::string k8s_namespace, name, node;
    int64_t start_ms = 0, completion_ms = 0, terminal_ms = 0;
    std::string terminal_phase;
    std::map<std::string, uint32_t> gpus_by_container;  // "container/resource"
    PodDeclaration declared;
    int64_t last_seen_ms = 0;  // 0: restored, not yet seen since the start
    std::string job_id;        // once registered
    bool ending_done = false;
    bool refused = false;  // its job spec was refused
  };
  struct Namespace {
    bool seen = false;
    std::string customer;
  };
  using PodKey = std::pair<std::string, std::string>;  // cluster, uid

  Pod* Track(const PodFact& f);
  PodLookup Lookup(const std::string& cluster, const std::string& uid, Pod& pod,
                   const std::string& accelerator_model) const;

  const PodTrackerOptions options_;
  mutable std::mutex mu_;
  std::map<PodKey, Pod> pods_;
  absl::flat_hash_map<std::string, std::string> uid_by_name_key_;  // cluster, ns, pod -> uid
  std::map<std::pair<std::string, std::string>, Namespace> namespaces_;
  std::map<std::string, int64_t> cluster_seen_ms_;  // the latest kube-state-metrics sample
  uint64_t untracked_ = 0;
};

}  // namespace redflag

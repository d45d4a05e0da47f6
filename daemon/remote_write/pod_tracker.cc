#include "daemon/remote_write/pod_tracker.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "daemon/remote_write/pod_job.h"

namespace redflag {
namespace {

std::string NameKeyOf(const std::string& cluster, const std::string& ns, const std::string& pod) {
  // '\n' appears in none of the three (labels are UTF-8 text; a cluster
  // label with one only makes its own keys odd).
  return absl::StrCat(cluster, "\n", ns, "\n", pod);
}

}  // namespace

void PodTracker::Restore(const std::vector<const v1::JobSpec*>& running) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const v1::JobSpec* spec : running) {
    const std::string prefix = PodJobId(spec->cluster(), "");
    if (spec->scheduler() != kKubernetesScheduler || spec->job_id().rfind(prefix, 0) != 0) continue;
    std::pair<std::string, std::string> ns_pod = absl::StrSplit(spec->scheduler_job_id(), '/');
    const std::string uid = spec->job_id().substr(prefix.size());
    Pod& pod = pods_[{spec->cluster(), uid}];
    pod.k8s_namespace = ns_pod.first;
    pod.name = ns_pod.second;
    pod.start_ms = spec->start_unix_ms();
    pod.job_id = spec->job_id();
    uid_by_name_key_[NameKeyOf(spec->cluster(), pod.k8s_namespace, pod.name)] = uid;
  }
}

PodTracker::Pod* PodTracker::Track(const PodFact& f) {
  auto it = pods_.find({f.cluster, f.uid});
  if (it == pods_.end()) {
    if (pods_.size() >= options_.max_pods) {
      ++untracked_;
      return nullptr;
    }
    it = pods_.emplace(PodKey{f.cluster, f.uid}, Pod{}).first;
    it->second.k8s_namespace = f.k8s_namespace;
    it->second.name = f.pod;
  }
  Pod& pod = it->second;
  pod.last_seen_ms = std::max(pod.last_seen_ms, f.unix_ms);
  // The latest pod of a name is the one its GPU series mean.
  std::string& uid = uid_by_name_key_[NameKeyOf(f.cluster, f.k8s_namespace, f.pod)];
  if (uid != f.uid) {
    auto current = pods_.find({f.cluster, uid});
    if (current == pods_.end() || current->second.last_seen_ms <= pod.last_seen_ms) uid = f.uid;
  }
  return &pod;
}

void PodTracker::Apply(const KubeStateReadings& readings) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const NamespaceFact& n : readings.namespaces) {
    auto key = std::make_pair(n.cluster, n.name);
    auto it = namespaces_.find(key);
    if (it == namespaces_.end()) {
      if (namespaces_.size() >= options_.max_namespaces) continue;
      it = namespaces_.emplace(key, Namespace{}).first;
    }
    it->second.seen = true;
    it->second.customer = n.customer;
    int64_t& seen = cluster_seen_ms_[n.cluster];
    seen = std::max(seen, n.unix_ms);
  }
  for (const PodFact& f : readings.pods) {
    int64_t& seen = cluster_seen_ms_[f.cluster];
    seen = std::max(seen, f.unix_ms);
    Pod* pod = Track(f);
    if (pod == nullptr) continue;
    switch (f.kind) {
      case PodFact::Kind::kInfo:
        pod->node = f.node;
        break;
      case PodFact::Kind::kLabels:
        pod->declared = f.declared;
        break;
      case PodFact::Kind::kGpuRequest:
        pod->gpus_by_container[absl::StrCat(f.container, "/", f.resource)] = f.gpus;
        break;
      case PodFact::Kind::kStartTime:
        pod->start_ms = f.time_ms;
        break;
      case PodFact::Kind::kCompletionTime:
        pod->completion_ms = f.time_ms;
        break;
      case PodFact::Kind::kPhase:
        if (f.phase == "Succeeded" || f.phase == "Failed") {
          if (pod->terminal_ms == 0) pod->terminal_ms = f.unix_ms;
          pod->terminal_phase = f.phase;
        }
        break;
    }
  }
}

PodLookup PodTracker::Lookup(const std::string& cluster, const std::string& uid, Pod& pod,
                             const std::string& accelerator_model) const {
  PodLookup out;
  if (!pod.job_id.empty()) {
    out.kind = PodLookup::Kind::kJob;
    out.job_id = pod.job_id;
    return out;
  }
  auto ns = namespaces_.find({cluster, pod.k8s_namespace});
  uint32_t gpus = 0;
  for (const auto& [container, n] : pod.gpus_by_container) gpus += n;
  if (ns == namespaces_.end() || !ns->second.seen) {
    out.reason = "namespace_unknown";
  } else if (ns->second.customer.empty()) {
    out.reason = "no_customer_label";
  } else if (gpus == 0) {
    out.reason = "no_gpu_request";
  } else if (pod.start_ms == 0) {
    out.reason = "not_started";
  } else if (pod.completion_ms != 0 || pod.terminal_ms != 0) {
    out.reason = "pod_ended";
  } else if (pod.refused) {
    out.reason = "job_refused";
  } else {
    out.kind = PodLookup::Kind::kRegister;
    out.spec = PodJobSpec({.cluster = cluster,
                           .uid = uid,
                           .k8s_namespace = pod.k8s_namespace,
                           .pod = pod.name,
                           .customer = ns->second.customer,
                           .accelerator_model = accelerator_model,
                           .gpus = gpus,
                           .start_unix_ms = pod.start_ms,
                           .dedicated = std::find(options_.dedicated_clusters.begin(),
                                                  options_.dedicated_clusters.end(),
                                                  cluster) != options_.dedicated_clusters.end()},
                          pod.declared, &out.refused_declarations);
  }
  return out;
}

PodLookup PodTracker::Find(const std::string& cluster, const std::string& k8s_namespace,
                           const std::string& pod, const std::string& pod_uid,
                           const std::string& accelerator_model) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string uid = pod_uid;
  if (uid.empty()) {
    auto it = uid_by_name_key_.find(NameKeyOf(cluster, k8s_namespace, pod));
    if (it != uid_by_name_key_.end()) uid = it->second;
  }
  auto it = pods_.find({cluster, uid});
  if (uid.empty() || it == pods_.end()) {
    return PodLookup{.reason = "pod_unknown"};
  }
  return Lookup(cluster, uid, it->second, accelerator_model);
}

void PodTracker::Registered(const std::string& cluster, const std::string& uid,
                            const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = pods_.find({cluster, uid}); it != pods_.end()) it->second.job_id = job_id;
}

void PodTracker::Refused(const std::string& cluster, const std::string& uid) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = pods_.find({cluster, uid}); it != pods_.end()) it->second.refused = true;
}

std::vector<PodEnding> PodTracker::Sweep() {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t gone_ms = absl::ToInt64Milliseconds(options_.gone_after);
  const int64_t interval_ms = absl::ToInt64Milliseconds(options_.collection_interval);
  std::vector<PodEnding> out;
  for (auto it = pods_.begin(); it != pods_.end();) {
    const auto& [cluster, uid] = it->first;
    Pod& pod = it->second;
    auto seen = cluster_seen_ms_.find(cluster);
    const int64_t cluster_ms = seen == cluster_seen_ms_.end() ? 0 : seen->second;
    // A restored pod counts as seen at its cluster's first report since the start.
    if (pod.last_seen_ms == 0) pod.last_seen_ms = cluster_ms;
    const bool gone = pod.last_seen_ms != 0 && cluster_ms >= pod.last_seen_ms + gone_ms;
    if (!pod.job_id.empty() && !pod.ending_done) {
      PodEnding e{.cluster = cluster, .uid = uid, .job_id = pod.job_id};
      if (pod.completion_ms != 0) {
        e.end_unix_ms = std::max(pod.completion_ms, pod.start_ms);
        e.why = "completed";
      } else if (pod.terminal_ms != 0) {
        e.end_unix_ms = std::max(pod.terminal_ms, pod.start_ms);
        e.why = absl::StrCat("phase ", pod.terminal_phase);
      } else if (gone) {
        e.end_unix_ms = std::max(pod.last_seen_ms + interval_ms, pod.start_ms);
        e.why = "gone";
      }
      if (e.end_unix_ms != 0) out.push_back(std::move(e));
      ++it;
    } else if (gone) {
      // Without a running job and gone: forgotten (an ended job's pod is
      // kept until then, so that its late facts start nothing).
      auto name = uid_by_name_key_.find(NameKeyOf(cluster, pod.k8s_namespace, pod.name));
      if (name != uid_by_name_key_.end() && name->second == uid) uid_by_name_key_.erase(name);
      it = pods_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

void PodTracker::Ended(const PodEnding& ending) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = pods_.find({ending.cluster, ending.uid}); it != pods_.end()) {
    it->second.ending_done = true;
  }
}

PodTracker::Counts PodTracker::counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  Counts c{.pods = pods_.size(), .namespaces = namespaces_.size(), .untracked = untracked_};
  for (const auto& [key, pod] : pods_) c.jobs_running += !pod.job_id.empty() && !pod.ending_done;
  return c;
}

std::optional<std::string> PodTracker::NamespaceCustomer(const std::string& cluster,
                                                         const std::string& k8s_namespace) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto ns = namespaces_.find({cluster, k8s_namespace});
  if (ns == namespaces_.end() || !ns->second.seen) return std::nullopt;
  return ns->second.customer;
}

}  // namespace redflag

#include "daemon/remote_write/remote_write_metrics.h"

#include "daemon/metrics/metrics.h"
#include "daemon/remote_write/remote_write_receiver.h"

namespace redflag {

void RegisterRemoteWriteMetrics(Metrics& metrics, const RemoteWriteReceiver& receiver) {
  metrics.AddCollector([&receiver](std::vector<prometheus::MetricFamily>& out) {
    const RemoteWriteReceiver::Stats& s = receiver.stats();
    auto samples = CounterFamily(
        "redflag_remote_write_samples_total",
        "Remote-write GPU points by result: accepted (counted, a holding account's included), "
        "duplicate (sent before), outside_job (after its end or before its start), stale (a "
        "series ended), unattributed (busy, no job: also counted in the holding account)");
    AddSample(samples, s.samples_accepted.load(), {{"result", "accepted"}});
    AddSample(samples, s.samples_duplicate.load(), {{"result", "duplicate"}});
    AddSample(samples, s.samples_outside_job.load(), {{"result", "outside_job"}});
    AddSample(samples, s.samples_stale.load(), {{"result", "stale"}});
    AddSample(samples, s.samples_unattributed.load(), {{"result", "unattributed"}});
    out.push_back(std::move(samples));
    auto ignored = CounterFamily("redflag_remote_write_series_ignored_total",
                                 "Remote-write series redflagd does not read (forward only what "
                                 "it reads: docs/telemetry-sources.md)");
    AddSample(ignored, s.series_ignored.load());
    out.push_back(std::move(ignored));
    auto unattributed = CounterFamily("redflag_remote_write_unattributed_accelerator_seconds_total",
                                      "Busy GPU time that mapped to no job, by cluster (durable: "
                                      "the cluster's holding account)");
    for (const auto& [cluster, ms] : receiver.UnattributedMs()) {
      AddSample(unattributed, static_cast<double>(ms) / 1000.0, {{"cluster", cluster}});
    }
    out.push_back(std::move(unattributed));
    auto why = CounterFamily("redflag_remote_write_unattributed_points_total",
                             "Busy GPU points that mapped to no job, by why: job_unknown, "
                             "no_job_label, pod_unknown, namespace_unknown, no_customer_label, "
                             "no_gpu_request, not_started, pod_ended, job_refused");
    for (const auto& [reason, n] : receiver.UnattributedPoints()) {
      AddSample(why, static_cast<double>(n), {{"reason", reason}});
    }
    out.push_back(std::move(why));
    const PodTracker::Counts pods = receiver.pod_counts();
    auto tracked =
        GaugeFamily("redflag_remote_write_tracked",
                    "What remote-write tracks now: series (GPU sources seen within "
                    "remote_write.pod_gone_after), pods, namespaces, pod_jobs (running)");
    AddSample(tracked, static_cast<double>(receiver.series_tracked()), {{"what", "series"}});
    AddSample(tracked, static_cast<double>(pods.pods), {{"what", "pods"}});
    AddSample(tracked, static_cast<double>(pods.namespaces), {{"what", "namespaces"}});
    AddSample(tracked, static_cast<double>(pods.jobs_running), {{"what", "pod_jobs"}});
    out.push_back(std::move(tracked));
    auto jobs = CounterFamily("redflag_remote_write_pod_jobs_total",
                              "Kubernetes pods registered as jobs, and their jobs ended");
    AddSample(jobs, s.pod_jobs_registered.load(), {{"event", "registered"}});
    AddSample(jobs, s.pod_jobs_ended.load(), {{"event", "ended"}});
    out.push_back(std::move(jobs));
    auto refused = CounterFamily("redflag_remote_write_pod_labels_refused_total",
                                 "redflag.io/... pod labels left out of a job for not being a "
                                 "known value (the job is registered without them)");
    AddSample(refused, s.declarations_refused.load());
    out.push_back(std::move(refused));
    auto untracked = CounterFamily("redflag_remote_write_pods_untracked_total",
                                   "Pods not tracked for want of room: their GPU time is "
                                   "unattributed");
    AddSample(untracked, static_cast<double>(pods.untracked));
    out.push_back(std::move(untracked));
  });
}

}  // namespace redflag

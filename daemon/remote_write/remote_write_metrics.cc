#include "daemon/remote_write/remote_write_metrics.h"

#include "daemon/metrics/metrics.h"
#include "daemon/remote_write/remote_write_receiver.h"

namespace redflag {

void RegisterRemoteWriteMetrics(Metrics& metrics, const RemoteWriteReceiver& receiver) {
  metrics.AddCollector([&receiver](std::vector<prometheus::MetricFamily>& out) {
    const RemoteWriteReceiver::Stats& s = receiver.stats();
    auto samples = CounterFamily(
        "redflag_remote_write_samples_total",
        "Remote-write GPU points by result: accepted, duplicate (sent before), outside_job (after "
        "its end or before its start), stale (a series ended), unattributed (busy, no job)");
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
                                      "Busy GPU time that mapped to no registered job, by cluster");
    for (const auto& [cluster, ms] : receiver.UnattributedMs()) {
      AddSample(unattributed, static_cast<double>(ms) / 1000.0, {{"cluster", cluster}});
    }
    out.push_back(std::move(unattributed));
  });
}

}  // namespace redflag

#include "daemon/remote_write/unattributed_alerts.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "daemon/ledger/ledger.h"
#include "daemon/remote_write/remote_write_receiver.h"

namespace redflag {
namespace {

std::string Hours(uint64_t ms) { return absl::StrFormat("%.2f", static_cast<double>(ms) / 3.6e6); }

}  // namespace

UnattributedAlerts::UnattributedAlerts(const RemoteWriteReceiver& receiver, const Ledger& ledger,
                                       AlertStore& alerts, detectors::UnattributedPolicy policy,
                                       absl::Duration interval)
    : receiver_(receiver), ledger_(ledger), policy_(policy), recorder_(alerts) {
  timer_ = std::make_unique<Periodic>("rf-unattributed", interval,
                                      [this](absl::Time now) { return Evaluate(now); });
}

absl::Status UnattributedAlerts::Evaluate(absl::Time now) {
  const std::map<std::string, uint64_t> unattributed = receiver_.UnattributedMs();
  if (unattributed.empty()) return absl::OkStatus();
  std::map<std::string, uint64_t> attributed;
  for (const Ledger::JobSnapshot& j : ledger_.SnapshotJobs()) {
    if (unattributed.contains(j.spec->cluster())) {
      attributed[j.spec->cluster()] += j.totals.accelerator_ms;
    }
  }
  absl::Status first;
  for (const auto& [cluster, ms] : unattributed) {
    const detectors::ClusterAcceleratorTime time{
        .cluster = cluster, .unattributed_ms = ms, .attributed_ms = attributed[cluster]};
    std::optional<detectors::UnattributedFinding> f = detectors::JudgeUnattributed(time, policy_);
    if (!f) continue;
    v1::Alert a = NewAlert("unattributed_compute", "cluster", cluster, "busy");
    // The rule's variant and why the GPUs map to no job: a new kind of cause
    // (say, a namespace without the customer label) updates the alert and
    // its evidence.
    const std::vector<std::string> why = receiver_.UnattributedReasons(cluster);
    a.set_level(absl::StrCat(f->reason == "share" ? "share" : absl::StrCat("x", f->multiple),
                             why.empty() ? "" : "/", absl::StrJoin(why, ",")));
    a.set_severity(f->critical ? v1::SEVERITY_CRITICAL : v1::SEVERITY_HIGH);
    a.set_summary(absl::StrCat("cluster ", cluster, ": ", Hours(ms),
                               " accelerator-hours of busy GPU time map to no job (",
                               absl::StrFormat("%.1f", 100 * f->share),
                               " % of the cluster's): compute no customer answers for"));
    AddEvidence(a, "cluster", cluster);
    AddEvidence(a, "unattributed_accelerator_hours", Hours(ms));
    AddEvidence(a, "attributed_accelerator_hours", Hours(time.attributed_ms));
    AddEvidence(a, "share", absl::StrFormat("%.4f", f->share));
    AddEvidence(a, "rule",
                f->reason == "share" ? absl::StrCat("share >= ", policy_.share, " and at least ",
                                                    Hours(policy_.min_ms), " h")
                                     : absl::StrCat("at least ", Hours(policy_.alert_ms), " h"));
    const auto gather = [&](v1::Alert& w) {
      // Evidence since this start of redflagd: the GPUs, their nodes and why.
      for (const UnattributedGpu& g : receiver_.UnattributedGpus(cluster, kGpusInEvidence)) {
        AddEvidence(w, "gpu",
                    absl::StrCat(g.uuid, " on ", g.host.empty() ? "?" : g.host, " (", g.model, ") ",
                                 g.where.empty() ? "" : absl::StrCat(g.where, " "), "why ",
                                 g.reason, ", ", g.busy_points, " busy points, last ",
                                 absl::FormatTime(absl::FromUnixMillis(g.last_unix_ms))));
      }
      return absl::OkStatus();
    };
    if (absl::Status s = recorder_.Record(std::move(a), now, true, gather); !s.ok() && first.ok()) {
      first = s;
    }
  }
  return first;
}

}  // namespace redflag

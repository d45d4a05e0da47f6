#include "daemon/metrics/daemon_metrics.h"

#include <unistd.h>

#include <fstream>
#include <map>

#include "absl/time/clock.h"
#include "daemon/alerts/alert_lifecycle.h"
#include "daemon/alerts/alert_store.h"
#include "daemon/app/app.h"
#include "daemon/audit/audit_log.h"
#include "daemon/compute/compute_export.h"
#include "daemon/ledger/ledger.h"
#include "daemon/metrics/metrics.h"
#include "daemon/net/server_credentials.h"
#include "daemon/net/stream_limiter.h"
#include "daemon/records/record_store.h"
#include "daemon/retention/retention.h"
#include "daemon/screening/party_lists.h"
#include "daemon/storage/disk_space.h"
#include "daemon/storage/store.h"
#include "daemon/version.h"
#include "detectors/foreign_person.h"

namespace redflag {
namespace {

double ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

// Per list: bounded by the lists configured (two at most).
void AddScreeningMetrics(const PartyLists& lists, std::vector<prometheus::MetricFamily>& out) {
  const double now = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
  auto loaded = GaugeFamily("redflag_screening_list_loaded",
                            "1 when a version of the list is in use, 0 when none could be read");
  auto entries = GaugeFamily("redflag_screening_list_entries", "Entries of the list in use");
  auto names =
      GaugeFamily("redflag_screening_list_names", "Names and aliases indexed for the list in use");
  auto bad = GaugeFamily("redflag_screening_list_bad_rows",
                         "Rows of the list in use skipped as unreadable");
  auto orphans = GaugeFamily(
      "redflag_screening_list_orphan_rows",
      "Rows of the list in use that belong to no entry of its version (OFAC add/alt rows of "
      "parties its sdn.csv does not list), skipped");
  auto age =
      GaugeFamily("redflag_screening_list_age_seconds",
                  "Age of the list in use: now minus its date (the publisher's date beside the "
                  "file, else its newest entry's, else the files' modification time)");
  auto loads = CounterFamily("redflag_screening_list_loads_total",
                             "New versions of the list loaded since start");
  auto refusals = CounterFamily("redflag_screening_list_refusals_total",
                                "New versions refused (unreadable, empty or too many bad rows)");
  for (const ListStatus& s : lists.Status()) {
    const std::vector<prometheus::ClientMetric::Label> label = {{"list", s.name}};
    AddSample(loaded, s.in_use != nullptr, label);
    AddSample(loads, static_cast<double>(s.loads), label);
    AddSample(refusals, static_cast<double>(s.refusals), label);
    if (!s.in_use) continue;
    AddSample(entries, static_cast<double>(s.in_use->index->entries().size()), label);
    AddSample(names, static_cast<double>(s.in_use->index->name_count()), label);
    AddSample(bad, static_cast<double>(s.in_use->index->problems().size()), label);
    AddSample(orphans, static_cast<double>(s.in_use->index->orphan_rows()), label);
    AddSample(age, now - static_cast<double>(s.in_use->published_unix), label);
  }
  for (auto* f : {&loaded, &entries, &names, &bad, &orphans, &age, &loads, &refusals}) {
    out.push_back(std::move(*f));
  }
  auto screenings = CounterFamily("redflag_screening_names_screened_total",
                                  "Names screened against the lists since start");
  AddSample(screenings, static_cast<double>(lists.screenings()));
  out.push_back(std::move(screenings));
  auto hits = CounterFamily("redflag_screening_hits_total",
                            "List entries found by screening since start (before review)");
  AddSample(hits, static_cast<double>(lists.hits()));
  out.push_back(std::move(hits));
}

// Subjects at each level, and the largest subjects' figures: bounded by the
// levels and by compute.export_top_n (the one place subject ids are labels,
// so that regions can be summed).
void AddComputeMetrics(const ComputeSnapshot& snap, std::vector<prometheus::MetricFamily>& out) {
  if (!snap.evaluated) return;
  auto at_level = GaugeFamily("redflag_compute_subjects",
                              "Models, accounts and ultimate parents at each level, by likelihood");
  for (const auto& [key, n] : snap.at_level) {
    const auto& [kind, level, likelihood] = key;
    AddSample(at_level, static_cast<double>(n),
              {{"kind", kind}, {"level", level}, {"likelihood", likelihood}});
  }
  out.push_back(std::move(at_level));
  auto figures = GaugeFamily(
      "redflag_compute_subject_operations",
      "Training operations of the largest subjects (upper bound at least compute.export_floor, "
      "at most compute.export_top_n per kind), by bound: lower, best, upper");
  for (const ComputeSnapshot::Figure& f : snap.largest) {
    for (auto [bound, v] : {std::pair{"lower", f.ops.lower}, std::pair{"best", f.ops.best},
                            std::pair{"upper", f.ops.upper}}) {
      AddSample(figures, v, {{"kind", f.kind}, {"subject", f.id}, {"bound", bound}});
    }
  }
  out.push_back(std::move(figures));
  auto left_out =
      GaugeFamily("redflag_compute_subjects_not_exported",
                  "Subjects over compute.export_floor left out by compute.export_top_n");
  for (const char* kind : {"model", "customer", "parent"}) {
    auto it = snap.left_out.find(kind);
    AddSample(left_out, it == snap.left_out.end() ? 0 : static_cast<double>(it->second),
              {{"kind", kind}});
  }
  out.push_back(std::move(left_out));
}

}  // namespace

void RegisterDaemonMetrics(Metrics& metrics, const AppState& app) {
  const double start_time = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
  metrics.AddCollector([&app, start_time](std::vector<prometheus::MetricFamily>& out) {
    auto info = GaugeFamily("redflag_build_info", "Version and commit of this redflagd build");
    AddSample(info, 1, {{"version", kVersion}, {"commit", kGitCommit}});
    out.push_back(std::move(info));

    auto config = GaugeFamily("redflag_config_info", "SHA-256 of the loaded config file");
    AddSample(config, 1, {{"sha256", app.config.source_sha256}});
    out.push_back(std::move(config));

    auto plaintext = GaugeFamily("redflag_security_plaintext_remote",
                                 "1 when a listener (grpc, http) is on a non-loopback address "
                                 "without TLS (grpc.allow_insecure_remote, "
                                 "http.allow_insecure_remote)");
    const bool no_tls = app.config.security.cert_file.empty();
    AddSample(plaintext, no_tls && !IsLoopbackAddress(app.config.grpc_listen) ? 1 : 0,
              {{"listener", "grpc"}});
    AddSample(plaintext, no_tls && !IsLoopbackAddress(app.config.http_listen) ? 1 : 0,
              {{"listener", "http"}});
    out.push_back(std::move(plaintext));

    auto ready = GaugeFamily("redflag_daemon_ready",
                             "1 when redflagd accepts and persists requests, 0 otherwise");
    AddSample(ready, app.serving && !app.shutting_down && app.ledger && app.ledger->healthy());
    out.push_back(std::move(ready));

    auto rss = GaugeFamily("process_resident_memory_bytes", "Resident memory size in bytes");
    AddSample(rss, ResidentBytes());
    out.push_back(std::move(rss));
    auto started = GaugeFamily("process_start_time_seconds",
                               "Start time of the process since the Unix epoch in seconds");
    AddSample(started, start_time);
    out.push_back(std::move(started));

    if (app.lists) AddScreeningMetrics(*app.lists, out);
    if (app.compute_export) AddComputeMetrics(app.compute_export->Snapshot(), out);
    if (app.records) {
      // By state only; an overdue record is a draft past its due date.
      auto records = GaugeFamily("redflag_records",
                                 "Foreign-person training records (R5) by state: draft, filed, "
                                 "and overdue (drafts past their due date)");
      if (auto all = app.records->List(v1::RECORD_STATE_UNSPECIFIED, "", true); all.ok()) {
        std::map<std::string, double> by_state{{"draft", 0}, {"filed", 0}, {"overdue", 0}};
        const absl::Time now = absl::Now();
        for (const v1::ForeignPersonRecord& r : *all) {
          const bool filed = r.state() == v1::RECORD_STATE_FILED;
          by_state[filed ? "filed" : "draft"] += 1;
          if (detectors::IsOverdue(filed, absl::FromUnixMillis(r.due_unix_ms()), now)) {
            by_state["overdue"] += 1;
          }
        }
        for (const auto& [state, n] : by_state) AddSample(records, n, {{"state", state}});
      }
      out.push_back(std::move(records));
    }
    if (app.retention) {
      auto hold = GaugeFamily("redflag_retention_legal_hold",
                              "1 while retention.legal_hold stops all deletion and compaction");
      AddSample(hold, app.retention->legal_hold());
      out.push_back(std::move(hold));
      auto deleted = CounterFamily("redflag_retention_deleted_records_total",
                                   "Dated records deleted after retention.keep, by kind");
      for (const auto& [kind, n] : app.retention->deleted_total()) {
        AddSample(deleted, static_cast<double>(n), {{"kind", kind}});
      }
      out.push_back(std::move(deleted));
      auto merged = CounterFamily("redflag_retention_compacted_records_total",
                                  "Per-day job total records merged into their quarter's");
      AddSample(merged, static_cast<double>(app.retention->days_merged_total()));
      out.push_back(std::move(merged));
      auto last = GaugeFamily("redflag_retention_last_sweep_timestamp_seconds",
                              "When retention last ran (0: not yet since start)");
      AddSample(last, static_cast<double>(app.retention->last_sweep_unix()));
      out.push_back(std::move(last));
    }
    if (!app.ledger) return;
    const LedgerStats& s = app.ledger->stats();
    auto samples = CounterFamily("redflag_ingest_samples_total",
                                 "Telemetry samples received, by result: accepted (counted), "
                                 "duplicate (seen before, not counted), rejected (not applied)");
    AddSample(samples, s.samples_accepted.load(), {{"result", "accepted"}});
    AddSample(samples, s.samples_duplicate.load(), {{"result", "duplicate"}});
    AddSample(samples, s.samples_rejected.load(), {{"result", "rejected"}});
    out.push_back(std::move(samples));

    auto clamped = CounterFamily("redflag_ingest_samples_clamped_total",
                                 "Accepted samples whose window was cut to the job's lifetime");
    AddSample(clamped, s.samples_clamped.load());
    out.push_back(std::move(clamped));
    auto gaps = CounterFamily("redflag_ingest_samples_gap_total",
                              "Continued samples (scraped gauges) after a gap over "
                              "ingest.max_sample_window: counted from the point alone, not "
                              "assumed busy");
    AddSample(gaps, s.samples_gaps.load());
    out.push_back(std::move(gaps));

    auto batches = CounterFamily("redflag_ingest_batches_total",
                                 "Sample batches by result: accepted, rejected (bad input, "
                                 "nothing applied), failed (retryable: overload or storage)");
    AddSample(batches, s.batches_accepted.load(), {{"result", "accepted"}});
    AddSample(batches, s.batches_rejected.load(), {{"result", "rejected"}});
    AddSample(batches, s.batches_failed.load(), {{"result", "failed"}});
    out.push_back(std::move(batches));

    auto queue =
        GaugeFamily("redflag_ingest_queue_requests", "Requests waiting for the ledger's committer");
    AddSample(queue, s.queue_depth.load());
    out.push_back(std::move(queue));

    auto jobs = GaugeFamily("redflag_ledger_jobs", "Registered jobs");
    AddSample(jobs, s.jobs.load());
    out.push_back(std::move(jobs));
    auto sources = GaugeFamily("redflag_ledger_sources", "Telemetry sources with a watermark");
    AddSample(sources, s.sources.load());
    out.push_back(std::move(sources));
    auto checkpoints =
        CounterFamily("redflag_ledger_checkpoints_total", "Checkpoints of totals written");
    AddSample(checkpoints, s.checkpoints.load());
    out.push_back(std::move(checkpoints));
    auto replayed = GaugeFamily("redflag_ledger_replayed_records",
                                "Ledger records replayed after the checkpoint at start-up");
    AddSample(replayed, s.replayed_records.load());
    out.push_back(std::move(replayed));

    auto writes = CounterFamily("redflag_store_writes_total", "Atomic store write batches");
    AddSample(writes, s.store_writes.load());
    out.push_back(std::move(writes));
    if (app.store) {
      auto size = GaugeFamily("redflag_store_size_bytes",
                              "Approximate bytes of the store on disk and in memory tables");
      AddSample(size, static_cast<double>(app.store->ApproximateSizeBytes()));
      out.push_back(std::move(size));
    }
    if (app.store) {
      // One series per domain: bounded by the domains there are.
      auto readable = GaugeFamily("redflag_storage_domain_readable",
                                  "0 once a read found the domain's stored data damaged");
      const std::map<Domain, std::string> bad = app.store->UnreadableDomains();
      for (int i = 0; i < kDomainCount; ++i) {
        const Domain d = static_cast<Domain>(i);
        AddSample(readable, bad.contains(d) ? 0.0 : 1.0, {{"domain", DomainName(d)}});
      }
      out.push_back(std::move(readable));
    }
    if (app.ledger) {
      auto blocked = GaugeFamily("redflag_ledger_checkpoints_blocked",
                                 "1 once a checkpoint found stored data unreadable");
      AddSample(blocked, app.ledger->checkpoint_blocked_reason().empty() ? 0.0 : 1.0);
      out.push_back(std::move(blocked));
    }
    if (app.streams) {
      for (auto [name, help, value, counter] :
           std::initializer_list<std::tuple<const char*, const char*, double, bool>>{
               {"redflag_grpc_calls_in_progress", "gRPC calls being handled (a thread each)",
                static_cast<double>(app.calls.in_flight()), false},
               {"redflag_grpc_max_threads", "grpc.max_threads",
                static_cast<double>(app.config.grpc_max_threads), false},
               {"redflag_grpc_streams_open", "Open IngestStream and WatchAlerts streams",
                static_cast<double>(app.streams->open()), false},
               {"redflag_grpc_streams_refused_total", "Streams refused at grpc.max_streams",
                static_cast<double>(app.streams->refused()), true},
               {"redflag_grpc_streams_idle_closed_total",
                "IngestStreams ended after grpc.stream_idle_timeout without a batch",
                static_cast<double>(app.streams->idle_closed()), true}}) {
        auto f = counter ? CounterFamily(name, help) : GaugeFamily(name, help);
        AddSample(f, value);
        out.push_back(std::move(f));
      }
    }
    if (app.space) {
      const DiskSpaceStats d = app.space->Stats();
      const double min_free = static_cast<double>(app.space->options().min_free_bytes);
      for (auto [name, help, value] :
           std::initializer_list<std::tuple<const char*, const char*, double>>{
               {"redflag_storage_free_bytes", "Free bytes under the data dir",
                static_cast<double>(d.free_bytes)},
               {"redflag_storage_min_free_bytes",
                "storage.min_free_bytes: below it new data is refused", min_free},
               {"redflag_storage_space_low", "1 while new data is refused for want of disk space",
                d.low ? 1.0 : 0.0},
               {"redflag_storage_reserve_held", "1 while the disk space reserve file is in place",
                d.reserve_held ? 1.0 : 0.0}}) {
        auto g = GaugeFamily(name, help);
        AddSample(g, value);
        out.push_back(std::move(g));
      }
      auto refused = CounterFamily("redflag_storage_writes_refused_total",
                                   "Writes refused because disk space was low");
      AddSample(refused, static_cast<double>(d.refused));
      out.push_back(std::move(refused));
    }
    if (app.audit) {
      auto audit =
          GaugeFamily("redflag_audit_records", "Records in the audit log (the number of its head)");
      AddSample(audit, static_cast<double>(app.audit->head_seq()));
      out.push_back(std::move(audit));
    }
    if (app.alerts) {
      auto lagged = CounterFamily("redflag_alerts_watchers_lagged_total",
                                  "Alert watches closed because the client fell behind");
      AddSample(lagged, static_cast<double>(app.alerts->lagged_watchers()));
      out.push_back(std::move(lagged));
      // By rule and severity only: subjects stay in the alerts API.
      auto raised = CounterFamily("redflag_alerts_raised_total",
                                  "Alerts raised since start, by rule and severity");
      for (const auto& [key, n] : app.alerts->raised_counts()) {
        AddSample(raised, static_cast<double>(n),
                  {{"rule", key.first}, {"severity", SeverityName(key.second)}});
      }
      out.push_back(std::move(raised));
      auto stored = GaugeFamily("redflag_alerts",
                                "Stored alerts by rule, severity and state (open, acknowledged, "
                                "resolved, or suppressed until a time still to come)");
      if (auto counts = app.alerts->Counts(absl::Now()); counts.ok()) {
        for (const auto& [key, n] : *counts) {
          AddSample(
              stored, static_cast<double>(n),
              {{"rule", key.rule}, {"severity", SeverityName(key.severity)}, {"state", key.state}});
        }
      }
      out.push_back(std::move(stored));
    }
  });
}

}  // namespace redflag

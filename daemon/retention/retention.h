// Retention (docs/reports.md#retention): dated records (screening records,
// access and egress events) are deleted once older than retention.keep (at
// least five years, 15 CFR 762.6); per-day job totals of quarters older than
// retention.compact_after are merged into one per job and quarter after the
// quarter's report is frozen, so no total and no report changes; while
// retention.legal_hold is set, nothing is deleted or compacted. Alerts, the
// audit log, inquiries, customer profile versions and job totals are kept.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/config/config.h"
#include "daemon/ledger/ledger.h"
#include "daemon/reports/quarterly_report.h"
#include "daemon/storage/store.h"
#include "daemon/util/periodic.h"

namespace redflag {

class Retention {
 public:
  Retention(Ledger& ledger, const QuarterlyReports& reports, Store& store, RetentionConfig config)
      : ledger_(ledger), reports_(reports), store_(store), config_(config) {}

  struct Outcome {
    bool held = false;                        // legal hold: nothing done
    uint64_t days_merged = 0;                 // per-day records merged into quarter records
    std::map<std::string, uint64_t> deleted;  // by kind: screenings, access, egress
  };
  absl::StatusOr<Outcome> Sweep(absl::Time now);
  // Sweeps every retention.sweep_interval on a thread of its own.
  void Start();

  // Since start, for /metrics.
  uint64_t days_merged_total() const { return days_merged_; }
  std::map<std::string, uint64_t> deleted_total() const;
  bool legal_hold() const { return config_.legal_hold; }
  int64_t last_sweep_unix() const { return last_sweep_unix_; }

 private:
  absl::StatusOr<uint64_t> DeleteOlder(Domain domain, int64_t before_ms);

  Ledger& ledger_;
  const QuarterlyReports& reports_;
  Store& store_;
  const RetentionConfig config_;
  std::atomic<uint64_t> days_merged_{0};
  std::atomic<uint64_t> deleted_screenings_{0}, deleted_access_{0}, deleted_egress_{0};
  std::atomic<int64_t> last_sweep_unix_{0};
  std::unique_ptr<Periodic> timer_;  // last: stops first
};

}  // namespace redflag

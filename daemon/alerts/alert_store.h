// Stored alerts, keyed by alert_id so re-detection updates instead of
// duplicating, with live watchers. Detectors put alerts here; the AlertService
// lists and streams them.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/audit/audit_log.h"
#include "daemon/storage/store.h"
#include "redflag/v1/alerts.pb.h"

namespace redflag {

// Whether `alert` passes `filter` at `now_ms` (suppression ends in time).
bool AlertMatches(const v1::AlertFilter& filter, const v1::Alert& alert, int64_t now_ms);

// One watcher's queue of events. Bounded: a watcher that falls behind is
// closed (lagged) rather than slowing detection or growing without bound.
class AlertWatch {
 public:
  explicit AlertWatch(v1::AlertFilter filter, size_t capacity)
      : filter_(std::move(filter)), capacity_(capacity) {}
  // The next event, or nullopt after `timeout` or once closed.
  std::optional<v1::AlertEvent> Next(absl::Duration timeout);
  bool lagged() const;
  void Close();

 private:
  friend class AlertStore;
  void Offer(const v1::AlertEvent& event);

  const v1::AlertFilter filter_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<v1::AlertEvent> events_;
  bool lagged_ = false;
  bool closed_ = false;
};

class AlertStore {
 public:
  // `audit` (may be null in tests) receives a record of every change, written
  // atomically with it.
  AlertStore(Store& store, bool sync, AuditLog* audit = nullptr)
      : store_(store), sync_(sync), audit_(audit) {}

  // Stores the alert under its alert_id; RAISED if new, UPDATED otherwise.
  absl::StatusOr<v1::AlertEvent::Kind> Put(const v1::Alert& alert);
  absl::StatusOr<std::optional<v1::Alert>> Get(const std::string& alert_id);
  // Stamped on every alert stored without one ("name@version").
  void set_policy_profile(std::string label) { policy_profile_ = std::move(label); }
  // An analyst's step (validated request), recorded in the audit log.
  absl::StatusOr<v1::Alert> Act(const v1::AlertActionRequest& request, absl::Time now);
  absl::StatusOr<v1::ListAlertsResponse> List(const v1::ListAlertsRequest& request);
  // Every alert of `rule` about one subject ("<rule>/<kind>/<id>/..."): a
  // seek, not a scan of all alerts.
  absl::StatusOr<std::vector<v1::Alert>> About(absl::string_view rule, absl::string_view kind,
                                               absl::string_view id);
  // A watch that first holds every matching stored alert (EXISTING), then
  // every later change.
  absl::StatusOr<std::shared_ptr<AlertWatch>> Watch(const v1::AlertFilter& filter,
                                                    size_t capacity = 10000);
  void Unwatch(const std::shared_ptr<AlertWatch>& watch);
  // Tells watchers of every suppression that ran out by `now`
  // (SUPPRESSION_ENDED), once each; cheap when none did. Suppressions are
  // tracked from the moment a watch starts, so every watcher hears of those
  // that end while it watches.
  absl::Status AnnounceSuppressionEnds(absl::Time now);
  // Watchers closed because they fell behind.
  uint64_t lagged_watchers() const { return lagged_total_; }
  // Alerts raised since start, by (rule, severity): bounded label sets.
  std::map<std::pair<std::string, v1::Severity>, uint64_t> raised_counts() const;
  // Stored alerts by (rule, severity, state) as of `now`, where the state is
  // "open", "acknowledged", "resolved" or "suppressed" (until a time still to
  // come). Read from the store once, then kept as alerts change.
  struct Count {
    std::string rule;
    v1::Severity severity;
    std::string state;
    auto operator<=>(const Count&) const = default;
  };
  absl::StatusOr<std::map<Count, uint64_t>> Counts(absl::Time now);
  // Called with every alert written, after the write, in the writer's
  // thread. Added before the store is shared; it must not call back here.
  void AddChangeListener(std::function<void(const v1::Alert&)> listener);

 private:
  // Writes the batch, with its audit record when there is an audit log.
  absl::Status WriteLocked(WriteBatch& batch, const AuditEntry& entry);
  void Notify(v1::AlertEvent::Kind kind, const v1::Alert& alert);
  void TrackSuppressionLocked(const v1::Alert& alert);

  Store& store_;
  const bool sync_;
  AuditLog* const audit_;
  std::string policy_profile_;
  mutable std::mutex mu_;
  std::vector<std::function<void(const v1::Alert&)>> listeners_;
  std::vector<std::shared_ptr<AlertWatch>> watches_;
  // What Counts needs of every stored alert, once read (nullopt before).
  struct Tally {
    std::string rule;
    v1::Severity severity;
    v1::AlertState state;
    int64_t suppressed_until_ms;
  };
  std::optional<absl::flat_hash_map<std::string, Tally>> tallies_;
  void TallyLocked(const v1::Alert& alert);
  // Suppressions still to end: (until_ms, alert_id).
  std::set<std::pair<int64_t, std::string>> suppression_ends_;
  std::map<std::pair<std::string, v1::Severity>, uint64_t> raised_;
  std::atomic<uint64_t> lagged_total_{0};
};

}  // namespace redflag

#include "daemon/alerts/alert_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "daemon/alerts/alert_lifecycle.h"

namespace redflag {

bool AlertMatches(const v1::AlertFilter& f, const v1::Alert& a, int64_t now_ms) {
  if (!f.include_suppressed() && a.suppressed_until_unix_ms() > now_ms) return false;
  if (!f.rules().empty() &&
      std::find(f.rules().begin(), f.rules().end(), a.rule()) == f.rules().end()) {
    return false;
  }
  if (!f.states().empty() &&
      std::find(f.states().begin(), f.states().end(), a.state()) == f.states().end()) {
    return false;
  }
  if (a.severity() < f.min_severity()) return false;
  if (!f.subject_id().empty() && a.subject_id() != f.subject_id()) return false;
  if (!f.customer_id().empty() && a.customer_id() != f.customer_id()) return false;
  return true;
}

std::optional<v1::AlertEvent> AlertWatch::Next(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
               [&] { return closed_ || !events_.empty(); });
  if (events_.empty()) return std::nullopt;
  v1::AlertEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

bool AlertWatch::lagged() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lagged_;
}

void AlertWatch::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

void AlertWatch::Offer(const v1::AlertEvent& event) {
  if (!AlertMatches(filter_, event.alert(), absl::ToUnixMillis(absl::Now()))) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    if (events_.size() >= capacity_) {
      lagged_ = true;
      closed_ = true;
      events_.clear();
    } else {
      events_.push_back(event);
    }
  }
  cv_.notify_all();
}

absl::StatusOr<v1::AlertEvent::Kind> AlertStore::Put(const v1::Alert& detected) {
  if (detected.alert_id().empty()) return absl::InvalidArgumentError("alert_id: is required");
  v1::Alert alert = detected;
  if (alert.policy_profile().empty()) alert.set_policy_profile(policy_profile_);
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<std::optional<std::string>> old = store_.Get(Domain::kAlerts, alert.alert_id());
  if (!old.ok()) return old.status();
  std::unique_ptr<WriteBatch> wb = store_.NewBatch();
  wb->Put(Domain::kAlerts, alert.alert_id(), alert.SerializeAsString());
  const bool fresh = !old->has_value();
  AuditEntry entry{"redflagd",
                   fresh ? "alert.raised" : "alert.updated",
                   alert.alert_id(),
                   {{"rule", alert.rule()},
                    {"level", alert.level()},
                    {"severity", v1::Severity_Name(alert.severity())},
                    {"summary", alert.summary()}}};
  if (absl::Status s = WriteLocked(*wb, entry); !s.ok()) return s;
  for (const auto& listener : listeners_) listener(alert);
  if (fresh) ++raised_[{alert.rule(), alert.severity()}];
  TallyLocked(alert);
  TrackSuppressionLocked(alert);
  Notify(fresh ? v1::AlertEvent::KIND_RAISED : v1::AlertEvent::KIND_UPDATED, alert);
  return fresh ? v1::AlertEvent::KIND_RAISED : v1::AlertEvent::KIND_UPDATED;
}

absl::StatusOr<v1::Alert> AlertStore::Act(const v1::AlertActionRequest& req, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<std::optional<v1::Alert>> stored =
      GetMessage<v1::Alert>(store_, Domain::kAlerts, req.alert_id());
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrCat("alert_id: no alert '", req.alert_id(), "'"));
  }
  v1::Alert alert = std::move(**stored);
  absl::StatusOr<AuditEntry> entry = ApplyAlertAction(req, absl::ToUnixMillis(now), alert);
  if (!entry.ok()) return entry.status();
  std::unique_ptr<WriteBatch> wb = store_.NewBatch();
  wb->Put(Domain::kAlerts, alert.alert_id(), alert.SerializeAsString());
  if (absl::Status s = WriteLocked(*wb, *entry); !s.ok()) return s;
  for (const auto& listener : listeners_) listener(alert);
  TallyLocked(alert);
  TrackSuppressionLocked(alert);
  Notify(v1::AlertEvent::KIND_UPDATED, alert);
  return alert;
}

void AlertStore::AddChangeListener(std::function<void(const v1::Alert&)> listener) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_.push_back(std::move(listener));
}

void AlertStore::TallyLocked(const v1::Alert& a) {
  if (tallies_) {
    (*tallies_)[a.alert_id()] = {a.rule(), a.severity(), a.state(), a.suppressed_until_unix_ms()};
  }
}

absl::StatusOr<std::map<AlertStore::Count, uint64_t>> AlertStore::Counts(absl::Time now) {
  const int64_t now_ms = absl::ToUnixMillis(now);
  std::lock_guard<std::mutex> lock(mu_);
  if (!tallies_) {
    tallies_.emplace();
    absl::Status s = ScanMessages<v1::Alert>(store_, Domain::kAlerts, "", "",
                                             [&](absl::string_view, const v1::Alert& a) {
                                               TallyLocked(a);
                                               return true;
                                             });
    if (!s.ok()) {
      tallies_.reset();
      return s;
    }
  }
  std::map<Count, uint64_t> out;
  for (const auto& [id, t] : *tallies_) {
    std::string state = t.suppressed_until_ms > now_ms ? "suppressed" : StateName(t.state);
    ++out[{t.rule, t.severity, std::move(state)}];
  }
  return out;
}

void AlertStore::TrackSuppressionLocked(const v1::Alert& alert) {
  if (alert.suppressed_until_unix_ms() > absl::ToUnixMillis(absl::Now())) {
    suppression_ends_.emplace(alert.suppressed_until_unix_ms(), alert.alert_id());
  }
}

absl::Status AlertStore::AnnounceSuppressionEnds(absl::Time now) {
  const int64_t now_ms = absl::ToUnixMillis(now);
  std::lock_guard<std::mutex> lock(mu_);
  while (!suppression_ends_.empty() && suppression_ends_.begin()->first <= now_ms) {
    auto [until, id] = *suppression_ends_.begin();
    suppression_ends_.erase(suppression_ends_.begin());
    absl::StatusOr<std::optional<v1::Alert>> a = GetMessage<v1::Alert>(store_, Domain::kAlerts, id);
    if (!a.ok()) return a.status();
    // Suppressed again, or the suppression lifted: not this end.
    if (!a->has_value() || (*a)->suppressed_until_unix_ms() != until) continue;
    Notify(v1::AlertEvent::KIND_SUPPRESSION_ENDED, **a);
  }
  return absl::OkStatus();
}

absl::Status AlertStore::WriteLocked(WriteBatch& batch, const AuditEntry& entry) {
  if (audit_ == nullptr) return store_.Write(batch, sync_);
  return audit_->Write(batch, entry, absl::Now()).status();
}

void AlertStore::Notify(v1::AlertEvent::Kind kind, const v1::Alert& alert) {
  v1::AlertEvent event;
  event.set_kind(kind);
  *event.mutable_alert() = alert;
  for (const auto& w : watches_) {
    w->Offer(event);
    if (w->lagged()) ++lagged_total_;
  }
  std::erase_if(watches_, [](const auto& w) { return w->lagged(); });
}

absl::StatusOr<v1::ListAlertsResponse> AlertStore::List(const v1::ListAlertsRequest& req) {
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  const uint32_t page = req.page_size() == 0 ? 100 : std::min<uint32_t>(req.page_size(), 1000);
  v1::ListAlertsResponse out;
  size_t bytes = 0;
  absl::Status s = ScanMessages<v1::Alert>(
      store_, Domain::kAlerts, "", req.page_token(), [&](absl::string_view k, const v1::Alert& a) {
        if (!req.page_token().empty() && k == req.page_token()) return true;
        if (!AlertMatches(req.filter(), a, now_ms)) return true;
        // A page ends at its count or at kMaxPageBytes, whichever comes first.
        bytes += a.ByteSizeLong() + 8;
        if (static_cast<uint32_t>(out.alerts_size()) == page ||
            (out.alerts_size() > 0 && bytes > kMaxPageBytes)) {
          out.set_next_page_token(out.alerts(out.alerts_size() - 1).alert_id());
          return false;
        }
        *out.add_alerts() = a;
        return true;
      });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<v1::Alert>> AlertStore::About(absl::string_view rule,
                                                         absl::string_view kind,
                                                         absl::string_view id) {
  std::vector<v1::Alert> out;
  absl::Status s =
      ScanMessages<v1::Alert>(store_, Domain::kAlerts, absl::StrCat(rule, "/", kind, "/", id, "/"),
                              "", [&](absl::string_view, const v1::Alert& a) {
                                out.push_back(a);
                                return true;
                              });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::shared_ptr<AlertWatch>> AlertStore::Watch(const v1::AlertFilter& filter,
                                                              size_t capacity) {
  auto watch = std::make_shared<AlertWatch>(filter, capacity);
  std::lock_guard<std::mutex> lock(mu_);
  absl::Status s = ScanMessages<v1::Alert>(store_, Domain::kAlerts, "", "",
                                           [&](absl::string_view, const v1::Alert& a) {
                                             TrackSuppressionLocked(a);
                                             v1::AlertEvent e;
                                             e.set_kind(v1::AlertEvent::KIND_EXISTING);
                                             *e.mutable_alert() = a;
                                             watch->Offer(e);
                                             return true;
                                           });
  if (!s.ok()) return s;
  watches_.push_back(watch);
  return watch;
}

void AlertStore::Unwatch(const std::shared_ptr<AlertWatch>& watch) {
  watch->Close();
  std::lock_guard<std::mutex> lock(mu_);
  std::erase(watches_, watch);
}

}  // namespace redflag

namespace redflag {

absl::StatusOr<std::optional<v1::Alert>> AlertStore::Get(const std::string& alert_id) {
  return GetMessage<v1::Alert>(store_, Domain::kAlerts, alert_id);
}

std::map<std::pair<std::string, v1::Severity>, uint64_t> AlertStore::raised_counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return raised_;
}

}  // namespace redflag

#include "daemon/access/access_log.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "absl/base/internal/endian.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "daemon/customers/profile_lookup.h"
#include "detectors/adversary_link.h"
#include "detectors/ownership.h"

namespace redflag {
namespace {

// FNV-1a over the event's fields: the same event sent twice gets the same
// key, so it is stored (and counted) once.
uint64_t EventHash(const v1::AccessEvent& e) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&](absl::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // field separator
    h *= 1099511628211ull;
  };
  mix(e.principal());
  mix(e.source_ip());
  mix(e.country());
  mix(e.anonymizer() ? "1" : "0");
  mix(e.channel());
  mix(e.event_id());
  // Mixed in only when given, so events stored before the field existed keep
  // their keys.
  if (!e.action().empty()) mix(e.action());
  return h;
}

std::string Prefix(absl::string_view customer_id) {
  std::string key(customer_id);
  key.push_back('\0');
  return key;
}

std::string Key(const v1::AccessEvent& e) {
  std::string key = Prefix(e.customer_id());
  char be[16];
  absl::big_endian::Store64(be, static_cast<uint64_t>(e.time_unix_ms()));
  absl::big_endian::Store64(be + 8, EventHash(e));
  key.append(be, sizeof(be));
  return key;
}

std::string From(absl::string_view customer_id, int64_t unix_ms) {
  std::string key = Prefix(customer_id);
  char be[8];
  absl::big_endian::Store64(be, static_cast<uint64_t>(std::max<int64_t>(0, unix_ms)));
  key.append(be, sizeof(be));
  return key;
}

std::string CountryList(const std::map<std::string, uint64_t>& counts) {
  std::vector<std::pair<uint64_t, std::string>> sorted;
  for (const auto& [c, n] : counts) sorted.emplace_back(n, c.empty() ? "unknown" : c);
  std::sort(sorted.rbegin(), sorted.rend());
  std::vector<std::string> parts;
  for (const auto& [n, c] : sorted) parts.push_back(absl::StrCat(c, " ", n));
  return absl::StrJoin(parts, ", ");
}

}  // namespace

AccessLog::AccessLog(Store& store, bool sync, CustomerRegistry& customers, AlertStore& alerts,
                     std::shared_ptr<const detectors::CountryPolicy> policy,
                     const PolicyConfig& config)
    : store_(store),
      sync_(sync),
      customers_(customers),
      recorder_(alerts),
      policy_(std::move(policy)),
      window_(config.access_window),
      thresholds_{config.access_min_events, config.access_flagged_share},
      max_ownership_depth_(config.max_ownership_depth) {}

absl::StatusOr<uint32_t> AccessLog::Record(const v1::RecordAccessRequest& request, absl::Time now) {
  std::unique_ptr<WriteBatch> batch = store_.NewBatch();
  std::set<std::string> concerned;
  for (const v1::AccessEvent& e : request.events()) {
    batch->Put(Domain::kAccess, Key(e), e.SerializeAsString());
    concerned.insert(e.customer_id());
  }
  if (absl::Status s = store_.Write(*batch, sync_); !s.ok()) return s;
  for (const std::string& customer_id : concerned) {
    if (absl::Status s = Judge(customer_id, now); !s.ok()) return s;
  }
  return static_cast<uint32_t>(request.events_size());
}

absl::Status AccessLog::Events(const std::string& customer_id, absl::Time from, absl::Time to,
                               const std::function<bool(const v1::AccessEvent&)>& fn) {
  const int64_t end_ms = absl::ToUnixMillis(to);
  return ScanMessages<v1::AccessEvent>(store_, Domain::kAccess, Prefix(customer_id),
                                       From(customer_id, absl::ToUnixMillis(from)),
                                       [&](absl::string_view, const v1::AccessEvent& e) {
                                         return e.time_unix_ms() <= end_ms && fn(e);
                                       });
}

absl::StatusOr<detectors::AccessTally> AccessLog::Tally(const std::string& customer_id,
                                                        absl::Time now) {
  detectors::AccessTally tally;
  absl::Status s = Events(customer_id, now - window_, now, [&](const v1::AccessEvent& e) {
    const absl::CivilDay day =
        absl::ToCivilDay(absl::FromUnixMillis(e.time_unix_ms()), absl::UTCTimeZone());
    tally.Add(e.country(), e.anonymizer(), day, *policy_);
    return true;
  });
  if (!s.ok()) return s;
  return tally;
}

absl::StatusOr<v1::AccessSummary> AccessLog::Summary(const std::string& customer_id,
                                                     absl::Time now) {
  absl::StatusOr<detectors::AccessTally> tally = Tally(customer_id, now);
  if (!tally.ok()) return tally.status();
  v1::AccessSummary out;
  out.set_customer_id(customer_id);
  out.set_window_start_unix_ms(absl::ToUnixMillis(now - window_));
  out.set_window_end_unix_ms(absl::ToUnixMillis(now));
  out.set_events(tally->events);
  out.set_flagged_events(tally->flagged);
  out.set_anonymizer_events(tally->anonymizer);
  out.set_flagged_share(tally->flagged_share());
  std::vector<std::pair<uint64_t, std::string>> sorted;
  for (const auto& [c, n] : tally->by_country) sorted.emplace_back(n, c);
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (const auto& [n, c] : sorted) {
    v1::CountryCount* cc = out.add_countries();
    cc->set_country(c);
    cc->set_events(n);
  }
  return out;
}

absl::Status AccessLog::Judge(const std::string& customer_id, absl::Time now) {
  absl::StatusOr<v1::Customer> customer = customers_.Get(customer_id);
  if (absl::IsNotFound(customer.status())) return absl::OkStatus();
  if (!customer.ok()) return customer.status();
  const v1::CustomerProfile& profile = customer->profile();
  ProfileLookup profile_of(customers_);
  const detectors::UltimateParent parent =
      detectors::FindUltimateParent(profile, std::ref(profile_of), max_ownership_depth_);
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  if (!detectors::FindAdversaryLinks(profile, parent, *policy_, today).empty()) {
    return absl::OkStatus();  // no mismatch: adversary_linked_training covers it
  }
  absl::StatusOr<detectors::AccessTally> tally = Tally(customer_id, now);
  if (!tally.ok()) return tally.status();
  if (!detectors::IsAccessFinding(*tally, thresholds_)) return absl::OkStatus();

  const std::string threshold = absl::StrFormat("%.0f%%", 100 * thresholds_.flagged_share);
  v1::Alert a = NewAlert("access_geography", "customer", customer_id, "flagged_share");
  a.set_customer_id(customer_id);
  a.set_level(absl::StrCat("flagged_share>=", threshold));
  a.set_severity(v1::SEVERITY_HIGH);
  a.set_summary(absl::StrFormat(
      "customer %s (headquarters %s): %d of %d access events in %s (%.0f%%) came from D:5/Macau "
      "or anonymisers, at least %s: possible evasion or diversion",
      customer_id,
      profile.headquarters_country().empty() ? "unknown" : profile.headquarters_country(),
      tally->flagged, tally->events, absl::FormatDuration(window_), 100 * tally->flagged_share(),
      threshold));
  AddEvidence(a, "window",
              absl::StrCat(absl::FormatTime(now - window_), " to ", absl::FormatTime(now)));
  AddEvidence(a, "events", absl::StrCat(tally->events));
  AddEvidence(a, "flagged_events", absl::StrCat(tally->flagged));
  AddEvidence(a, "flagged_share", absl::StrFormat("%.3f", tally->flagged_share()));
  AddEvidence(a, "anonymizer_events", absl::StrCat(tally->anonymizer));
  AddEvidence(a, "flagged_countries", CountryList(tally->flagged_by_country));
  AddEvidence(a, "all_countries", CountryList(tally->by_country));
  AddEvidence(a, "headquarters", profile.headquarters_country());
  AddEvidence(a, "ownership_path", parent.PathText());
  AddEvidence(a, "thresholds",
              absl::StrCat("at least ", thresholds_.min_events, " events, ", threshold,
                           " flagged (policy.access_*)"));
  AddEvidence(a, "explain", absl::StrCat("redflagctl access summary ", customer_id));
  return recorder_.Record(std::move(a), now, true);
}

}  // namespace redflag

#include "daemon/retention/retention.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/log/log.h"
#include "redflag/v1/access.pb.h"
#include "redflag/v1/egress.pb.h"
#include "redflag/v1/screening.pb.h"

namespace redflag {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr size_t kDeleteChunk = 1000;

// The time a dated record is about.
absl::StatusOr<int64_t> RecordTime(Domain domain, absl::string_view value) {
  const int size = static_cast<int>(value.size());
  switch (domain) {
    case Domain::kScreenings: {
      v1::ScreeningRecord r;
      if (r.ParseFromArray(value.data(), size)) return r.screened_unix_ms();
      break;
    }
    case Domain::kAccess: {
      v1::AccessEvent e;
      if (e.ParseFromArray(value.data(), size)) return e.time_unix_ms();
      break;
    }
    case Domain::kEgress: {
      v1::EgressEvent e;
      if (e.ParseFromArray(value.data(), size)) return e.time_unix_ms();
      break;
    }
    default:
      break;
  }
  return absl::DataLossError(absl::StrCat(DomainName(domain), ": unreadable record"));
}

}  // namespace

absl::StatusOr<uint64_t> Retention::DeleteOlder(Domain domain, int64_t before_ms) {
  std::vector<std::string> old;
  absl::Status bad = absl::OkStatus();
  absl::Status s = store_.Scan(domain, "", "", [&](absl::string_view key, absl::string_view value) {
    absl::StatusOr<int64_t> t = RecordTime(domain, value);
    if (!t.ok()) {
      bad = t.status();  // kept: an unreadable record is for a person to look at
      return true;
    }
    if (*t < before_ms) old.emplace_back(key);
    return true;
  });
  if (!s.ok()) return s;
  if (!bad.ok()) log::Warn("retention kept an unreadable record", {{"error", bad.ToString()}});
  for (size_t i = 0; i < old.size(); i += kDeleteChunk) {
    std::unique_ptr<WriteBatch> wb = store_.NewBatch();
    for (size_t j = i; j < old.size() && j < i + kDeleteChunk; ++j) wb->Delete(domain, old[j]);
    if (absl::Status w = store_.Write(*wb, /*sync=*/true); !w.ok()) return w;
  }
  return old.size();
}

absl::StatusOr<Retention::Outcome> Retention::Sweep(absl::Time now) {
  Outcome out;
  last_sweep_unix_ = absl::ToUnixSeconds(now);
  if (config_.legal_hold) {
    out.held = true;
    return out;
  }
  const int32_t cutoff_day =
      static_cast<int32_t>(absl::ToUnixMillis(now - config_.compact_after) / kDayMs);
  absl::StatusOr<uint64_t> merged =
      ledger_.CompactDays(cutoff_day, [&](int32_t first_day) -> absl::Status {
        return reports_.Freeze(QuarterName(absl::FromUnixSeconds(int64_t{first_day} * 86400)), now);
      });
  if (!merged.ok()) return merged.status();
  out.days_merged = *merged;
  days_merged_ += *merged;
  const int64_t keep_after = absl::ToUnixMillis(now - config_.keep);
  for (auto [domain, kind, total] :
       {std::tuple{Domain::kScreenings, "screenings", &deleted_screenings_},
        std::tuple{Domain::kAccess, "access", &deleted_access_},
        std::tuple{Domain::kEgress, "egress", &deleted_egress_}}) {
    absl::StatusOr<uint64_t> n = DeleteOlder(domain, keep_after);
    if (!n.ok()) return n.status();
    out.deleted[kind] = *n;
    *total += *n;
  }
  return out;
}

std::map<std::string, uint64_t> Retention::deleted_total() const {
  return {{"screenings", deleted_screenings_.load()},
          {"access", deleted_access_.load()},
          {"egress", deleted_egress_.load()}};
}

void Retention::Start() {
  timer_ = std::make_unique<Periodic>(
      "retention", config_.sweep_interval,
      [this](absl::Time now) -> absl::Status {
        absl::StatusOr<Outcome> o = Sweep(now);
        if (!o.ok()) return o.status();
        log::Info("retention swept",
                  {{"legal_hold", o->held ? "true" : "false"},
                   {"days_merged", absl::StrCat(o->days_merged)},
                   {"screenings_deleted", absl::StrCat(o->deleted["screenings"])},
                   {"access_deleted", absl::StrCat(o->deleted["access"])},
                   {"egress_deleted", absl::StrCat(o->deleted["egress"])}});
        return absl::OkStatus();
      },
      // Soon after start too: a daemon restarted more often than the
      // interval still sweeps.
      std::min(config_.sweep_interval, absl::Minutes(1)));
}

}  // namespace redflag

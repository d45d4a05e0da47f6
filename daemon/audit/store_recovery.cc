#include "daemon/audit/store_recovery.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/alerts/alert_store.h"
#include "daemon/audit/audit_log.h"

namespace redflag {

absl::Status RecordStoreRecovery(const StoreRecovery& r, const std::string& actor, AuditLog& audit,
                                 AlertStore& alerts, Store& store, absl::Time now) {
  std::vector<std::pair<std::string, std::string>> details = {
      {"file", r.file},
      {"offset", absl::StrCat(r.offset)},
      {"damage", r.what},
      {"dropped_writes", absl::StrCat(r.dropped_writes)}};
  if (r.dropped_writes > 0) {
    details.push_back({"dropped_sequences", absl::StrCat(r.first_sequence, "-", r.last_sequence)});
    details.push_back({"dropped_by_domain", absl::StrJoin(r.dropped_by_domain, "; ")});
  }
  if (r.lost_last_sequence > 0) {
    details.push_back(
        {"lost_sequences", absl::StrCat(r.lost_first_sequence, "-", r.lost_last_sequence)});
  }
  std::unique_ptr<WriteBatch> wb = store.NewBatch();
  if (absl::Status s =
          audit.Write(*wb, {actor, "store.recovered", absl::StrCat("store/", r.file), details}, now)
              .status();
      !s.ok()) {
    return s;
  }
  const std::string file = std::filesystem::path(r.file).filename().string();
  v1::Alert a = NewAlert("data_integrity", "store", file, "dropped");
  a.set_severity(v1::SEVERITY_CRITICAL);
  a.set_level("dropped");
  a.set_summary(absl::StrCat("the store was recovered from a damaged write-ahead log (", file,
                             "), dropping what could not be read"));
  for (const auto& [name, value] : details) AddEvidence(a, name, value);
  AddEvidence(a, "recovered_by", actor);
  AddEvidence(a, "what_to_do",
              "samples in the dropped ledger records are counted again only if their agents "
              "resend them; check which sources reported in that time and ask them to resend");
  const int64_t now_ms = absl::ToUnixMillis(now);
  a.set_first_detected_unix_ms(now_ms);
  a.set_last_detected_unix_ms(now_ms);
  a.set_state(v1::ALERT_STATE_OPEN);
  a.set_state_changed_unix_ms(now_ms);
  return alerts.Put(a).status();
}

}  // namespace redflag

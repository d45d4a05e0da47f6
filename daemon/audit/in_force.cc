#include "daemon/audit/in_force.h"

#include "absl/strings/str_cat.h"
#include "daemon/util/sha256.h"

namespace redflag {

absl::StatusOr<bool> RecordInForce(AuditLog& audit, Store& store, const std::string& subject,
                                   const std::vector<std::pair<std::string, std::string>>& details,
                                   absl::Time now) {
  std::string fingerprint;
  for (const auto& [name, value] : details)
    absl::StrAppend(&fingerprint, name, "\x1f", value, "\x1e");
  fingerprint = Sha256Hex(fingerprint);
  const std::string key = absl::StrCat("in_force/", subject);
  absl::StatusOr<std::optional<std::string>> last = store.Get(Domain::kMeta, key);
  if (!last.ok()) return last.status();
  if (last->has_value() && **last == fingerprint) return false;
  std::unique_ptr<WriteBatch> batch = store.NewBatch();
  batch->Put(Domain::kMeta, key, fingerprint);
  AuditEntry entry{"redflagd", "in_force", subject, details};
  if (absl::Status s = audit.Write(*batch, entry, now).status(); !s.ok()) return s;
  return true;
}

}  // namespace redflag

#include "daemon/backup/backups.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "daemon/audit/audit_log.h"
#include "daemon/ledger/ledger.h"
#include "daemon/log/log.h"
#include "daemon/storage/schema.h"
#include "daemon/storage/store.h"

namespace redflag {

namespace fs = std::filesystem;

absl::StatusOr<v1::Backup> Backups::Create(const std::string& actor, absl::Time now) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage.backup_dir ", dir_, ": cannot create: ", ec.message()));
  }
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace, ec);
  // Totals written back first, so a restore replays little.
  if (absl::Status s = ledger_.CheckpointNow(); !s.ok()) {
    log::Warn("backup without a fresh ledger checkpoint (the copy is whole all the same)",
              {{"error", std::string(s.message())}});
  }
  absl::StatusOr<v1::ListAuditResponse> head = audit_.List(audit_.head_seq(), 1);
  if (!head.ok()) return head.status();
  std::string path = absl::StrCat(dir_, "/redflagd-",
                                  absl::FormatTime("%Y%m%dT%H%M%E3SZ", now, absl::UTCTimeZone()));
  for (int n = 2; fs::exists(path, ec); ++n) path = absl::StrCat(path, "-", n);
  if (absl::Status s = store_.CreateCheckpoint(path); !s.ok()) return s;

  v1::Backup b;
  b.set_path(path);
  b.set_created_unix_ms(absl::ToUnixMillis(now));
  b.set_audit_head_seq(head->head_seq());
  b.set_audit_head_hash(head->head_hash());
  b.set_schema_version(kSchemaVersion);
  {
    std::ofstream out(path + "/" + kDescriptionFile);
    out << "redflagd backup\ncreated "
        << absl::FormatTime(absl::RFC3339_full, now, absl::UTCTimeZone()) << "\nschema_version "
        << kSchemaVersion << "\naudit_head_seq " << b.audit_head_seq() << "\naudit_head_hash "
        << b.audit_head_hash()
        << "\nrestore: stop redflagd, move its data dir aside, copy this directory in its place, "
           "start redflagd (docs/operations.md#backups)\n";
    if (!out) {
      return absl::UnavailableError(absl::StrCat(path, "/", kDescriptionFile, ": cannot write"));
    }
  }
  uint64_t bytes = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(path, ec)) {
    if (e.is_regular_file(ec)) bytes += e.file_size(ec);
  }
  b.set_bytes(bytes);
  std::unique_ptr<WriteBatch> wb = store_.NewBatch();
  absl::StatusOr<v1::AuditRecord> r =
      audit_.Write(*wb,
                   {actor,
                    "backup.created",
                    "store",
                    {{"path", path},
                     {"audit_head_seq", absl::StrCat(b.audit_head_seq())},
                     {"bytes", absl::StrCat(bytes)}}},
                   now);
  if (!r.ok()) return r.status();
  log::Info("backup created", {{"path", path}, {"bytes", absl::StrCat(bytes)}, {"by", actor}});
  return b;
}

}  // namespace redflag

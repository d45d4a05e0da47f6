// Backups taken while the daemon runs: the ledger checkpointed, then one
// consistent copy of every domain (RocksDB's checkpoint) in a new directory
// under storage.backup_dir, described by a BACKUP file and recorded in the
// audit log. Restoring is copying a backup back as the data dir of a stopped
// daemon (docs/operations.md#backups).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "redflag/v1/storage.pb.h"

namespace redflag {

class Ledger;
class Store;
class AuditLog;

class Backups {
 public:
  Backups(Ledger& ledger, Store& store, AuditLog& audit, std::string dir)
      : ledger_(ledger), store_(store), audit_(audit), dir_(std::move(dir)) {}

  // Makes one backup for `actor` (recorded in the audit log) at `now`.
  absl::StatusOr<v1::Backup> Create(const std::string& actor, absl::Time now);

  // The BACKUP file each backup holds.
  static constexpr const char* kDescriptionFile = "BACKUP";

 private:
  Ledger& ledger_;
  Store& store_;
  AuditLog& audit_;
  const std::string dir_;
};

}  // namespace redflag

#include "daemon/backup/backups.h"
#include "daemon/services/services.h"

namespace redflag {

grpc::Status StorageServiceImpl::CreateBackup(grpc::ServerContext* context,
                                              const v1::CreateBackupRequest*, v1::Backup* resp) {
  return Counted(ctx_, context, "/redflag.v1.StorageService/CreateBackup", [&]() -> absl::Status {
    absl::StatusOr<v1::Backup> b = ctx_.backups->Create(AuditActor(ctx_, *context, ""), ctx_.now());
    if (!b.ok()) return b.status();
    *resp = std::move(*b);
    return absl::OkStatus();
  });
}

}  // namespace redflag

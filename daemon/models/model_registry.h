// What is recorded about models beyond their jobs: whether their weights are
// published (open weights), with evidence, versioned per change.
#pragma once

#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/storage/store.h"
#include "redflag/v1/compute.pb.h"

namespace redflag {

class AuditLog;

class ModelRegistry {
 public:
  ModelRegistry(Store& store, bool sync) : store_(store), sync_(sync) {}
  // Every change is then recorded in the audit log, in the same write.
  void set_audit(AuditLog* audit) { audit_ = audit; }

  struct Recorded {
    v1::ModelRecord record;
    bool changed = false;
  };
  // The request must have passed ValidateModelPublication.
  absl::StatusOr<Recorded> SetPublication(const v1::SetModelPublicationRequest& req,
                                          int64_t now_unix_ms);
  // NOT_FOUND when nothing has been recorded about the model.
  absl::StatusOr<v1::ModelRecord> Get(const std::string& model_id);

 private:
  Store& store_;
  const bool sync_;
  AuditLog* audit_ = nullptr;
  std::mutex mu_;  // serialises read-modify-write of versions
};

}  // namespace redflag

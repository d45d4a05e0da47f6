// The audit log in the store: records appended in the same atomic write as
// the change they describe, numbered and hash-chained (audit_chain.h). One
// writer at a time; the head (last seq and hash) is kept in the meta domain.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/storage/store.h"
#include "redflag/v1/audit.pb.h"

namespace redflag {

struct AuditEntry {
  std::string actor;
  std::string action;
  std::string subject;
  std::vector<std::pair<std::string, std::string>> details;
};

class AuditLog {
 public:
  // Reads the head; DATA_LOSS when the head record is missing or altered,
  // since appending to a broken chain would hide the break.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(Store& store, bool sync);

  // Writes `batch` together with one record of `entry` at `now`, atomically.
  absl::StatusOr<v1::AuditRecord> Write(WriteBatch& batch, const AuditEntry& entry, absl::Time now);

  // Up to `limit` records after `after_seq`, only those about `subject` if
  // it is not empty, with the head.
  absl::StatusOr<v1::ListAuditResponse> List(uint64_t after_seq, uint32_t limit,
                                             const std::string& subject = "");

  uint64_t head_seq() const;

 private:
  AuditLog(Store& store, bool sync) : store_(store), sync_(sync) {}

  Store& store_;
  const bool sync_;
  mutable std::mutex mu_;  // one append at a time, in seq order
  uint64_t head_seq_ = 0;
  std::string head_hash_;
};

}  // namespace redflag

// Foreign-person records (R5), one per customer and lineage, kept whole:
// opened by redflagd, filed by a compliance officer, every step an audit
// record written with it. Never deleted (retention keeps them, as it keeps
// alerts and inquiries), so the copy of the access events a record holds
// outlives the events themselves.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/audit/audit_log.h"
#include "daemon/storage/store.h"
#include "redflag/v1/records.pb.h"

namespace redflag {

class RecordStore {
 public:
  RecordStore(Store& store, AuditLog& audit) : store_(store), audit_(audit) {}

  // Stores a new draft; false (and nothing written) when a record of that
  // id exists: a lineage opens one record per customer, once.
  absl::StatusOr<bool> Open(const v1::ForeignPersonRecord& record, absl::Time now);
  // Draft -> filed. NOT_FOUND for an unknown id; FAILED_PRECONDITION for a
  // record filed already.
  absl::StatusOr<v1::ForeignPersonRecord> File(const v1::FileRecordRequest& request,
                                               const std::string& actor, absl::Time now);
  absl::StatusOr<std::optional<v1::ForeignPersonRecord>> Get(const std::string& record_id);
  // Oldest first; `state` UNSPECIFIED for all, `customer_id` empty for all.
  // Without their access events when `brief`.
  absl::StatusOr<std::vector<v1::ForeignPersonRecord>> List(v1::RecordState state,
                                                            const std::string& customer_id,
                                                            bool brief);

 private:
  Store& store_;
  AuditLog& audit_;
  std::mutex mu_;  // a step's read and write
};

}  // namespace redflag

// Rule R5 over each compute pass: a model lineage whose best estimate crosses
// the duty's level, trained by a customer who is a foreign person
// (detectors/foreign_person.h), opens one record for that customer and
// lineage, with the profile as of that day and the customer's access events of
// the lineage's period, and a foreign_person_record alert naming its due date.
// A draft past its due date raises foreign_person_record_overdue.
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/access/access_log.h"
#include "daemon/alerts/alert_recorder.h"
#include "daemon/compute/compute_view.h"
#include "daemon/customers/customer_registry.h"
#include "daemon/records/record_store.h"
#include "detectors/reporting_policy.h"

namespace redflag {

class ForeignPersonRecords {
 public:
  // At most this many access events are copied into a record.
  static constexpr int kMaxAccessEvents = 10'000;

  ForeignPersonRecords(RecordStore& records, CustomerRegistry& customers, AccessLog& access,
                       AlertStore& alerts, detectors::ForeignRecordDuty duty,
                       int max_ownership_depth)
      : records_(records),
        customers_(customers),
        access_(access),
        recorder_(alerts),
        duty_(std::move(duty)),
        max_ownership_depth_(max_ownership_depth) {}

  absl::Status Evaluate(const ComputeEvaluation& eval, absl::Time now);

 private:
  absl::Status OpenIfForeign(const ComputeEvaluation::Subject& model,
                             const std::string& customer_id, absl::Time now);
  absl::Status AlertOverdue(absl::Time now);

  RecordStore& records_;
  CustomerRegistry& customers_;
  AccessLog& access_;
  AlertRecorder recorder_;
  const detectors::ForeignRecordDuty duty_;
  const int max_ownership_depth_;
};

}  // namespace redflag

// Export-intent inquiries, stored per alert and advanced step by step, each
// step written atomically with its audit record.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/audit/audit_log.h"
#include "daemon/storage/store.h"
#include "redflag/v1/inquiries.pb.h"

namespace redflag {

class InquiryStore {
 public:
  InquiryStore(Store& store, AuditLog& audit) : store_(store), audit_(audit) {}

  // Opens the inquiry of an alert unless it exists; true when opened now.
  absl::StatusOr<bool> OpenFor(const std::string& alert_id, const std::string& model_id,
                               const std::string& customer_id, absl::Time now);
  // A validated step; FAILED_PRECONDITION when out of order.
  absl::StatusOr<v1::Inquiry> Advance(const v1::AdvanceInquiryRequest& request, absl::Time now);
  absl::StatusOr<v1::Inquiry> Get(const std::string& inquiry_id);
  absl::StatusOr<std::vector<v1::Inquiry>> List(v1::InquiryState state);

 private:
  Store& store_;
  AuditLog& audit_;
  std::mutex mu_;  // serialises read-modify-write of one inquiry
};

}  // namespace redflag

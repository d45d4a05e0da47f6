// Checks of a request on its own, before it reaches the ledger: every field's
// type, range and format. Errors are INVALID_ARGUMENT and name the field, e.g.
// "samples[3].tensor_active: must be between 0 and 1, got nan".
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "daemon/config/config.h"
#include "redflag/v1/access.pb.h"
#include "redflag/v1/alerts.pb.h"
#include "redflag/v1/clusters.pb.h"
#include "redflag/v1/compute.pb.h"
#include "redflag/v1/customers.pb.h"
#include "redflag/v1/decisions.pb.h"
#include "redflag/v1/egress.pb.h"
#include "redflag/v1/inquiries.pb.h"
#include "redflag/v1/records.pb.h"
#include "redflag/v1/jobs.pb.h"
#include "redflag/v1/screening.pb.h"
#include "redflag/v1/telemetry.pb.h"

namespace redflag {

// An identifier: 1-256 bytes of printable ASCII without spaces.
absl::Status ValidateId(absl::string_view field, absl::string_view id);

// Whether samples may name a holding account (detectors/accounting.h): only
// the remote-write receiver's, never a caller of the public API.
enum class HoldingAccounts { kRefused, kAllowed };

absl::Status ValidateSampleBatch(const v1::SampleBatch& batch, const IngestLimits& limits,
                                 absl::Time now,
                                 HoldingAccounts holding = HoldingAccounts::kRefused);

absl::Status ValidateCheckJob(const v1::CheckJobRequest& req, const IngestLimits& limits);
absl::Status ValidateCheckEgress(const v1::CheckEgressRequest& req);

absl::Status ValidateJobSpec(const v1::JobSpec& spec, const IngestLimits& limits, absl::Time now);

absl::Status ValidateEndJob(const v1::EndJobRequest& req, const IngestLimits& limits,
                            absl::Time now);

absl::Status ValidateCustomerProfile(const v1::CustomerProfile& profile);

// A model's publication record: evidence is required when the weights are
// published, and a publication time may not lie in the future.
absl::Status ValidateModelPublication(const v1::SetModelPublicationRequest& req, absl::Time now);

absl::Status ValidateScreenRequest(const v1::ScreenRequest& req);

absl::Status ValidateAdvanceInquiry(const v1::AdvanceInquiryRequest& req);

absl::Status ValidateAlertAction(const v1::AlertActionRequest& req, absl::Time now);

absl::Status ValidateRecordEgress(const v1::RecordEgressRequest& req, const IngestLimits& limits,
                                  absl::Time now);

// Filing a foreign-person record: its id and the agency's reference (1-128
// bytes) are required.
absl::Status ValidateFileRecord(const v1::FileRecordRequest& req);

// A cluster of the inventory: its id, 1-100 distinct models with counts (none
// only when retired), interconnect and effective date.
absl::Status ValidateCluster(const v1::Cluster& cluster);

absl::Status ValidateRecordAccess(const v1::RecordAccessRequest& req, const IngestLimits& limits,
                                  absl::Time now);

}  // namespace redflag

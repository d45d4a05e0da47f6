// An explicit recovery from a damaged write-ahead log is an operator's step
// that drops data: it goes into the audit chain, naming who ran it and what
// was dropped, and raises a data_integrity alert for someone to follow up
// (agents may still hold the samples to resend).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/storage/store.h"

namespace redflag {

class AuditLog;
class AlertStore;

absl::Status RecordStoreRecovery(const StoreRecovery& recovery, const std::string& actor,
                                 AuditLog& audit, AlertStore& alerts, Store& store, absl::Time now);

}  // namespace redflag

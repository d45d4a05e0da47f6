// Fuzzes what a client controls on the telemetry path: the wire bytes of a
// SampleBatch, parsed and validated as the service does.
#include <cstddef>
#include <cstdint>

#include "daemon/validation/validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  redflag::v1::SampleBatch batch;
  if (!batch.ParseFromArray(data, static_cast<int>(size))) return 0;
  redflag::IngestLimits limits;
  limits.max_batch_samples = 64;
  absl::Status s = redflag::ValidateSampleBatch(batch, limits, absl::FromUnixSeconds(1790812800));
  if (!s.ok() && s.code() != absl::StatusCode::kInvalidArgument) __builtin_trap();
  redflag::v1::JobSpec spec;
  if (spec.ParseFromArray(data, static_cast<int>(size))) {
    (void)redflag::ValidateJobSpec(spec, limits, absl::FromUnixSeconds(1790812800));
  }
  redflag::v1::CustomerProfile profile;
  if (profile.ParseFromArray(data, static_cast<int>(size))) {
    (void)redflag::ValidateCustomerProfile(profile);
  }
  return 0;
}

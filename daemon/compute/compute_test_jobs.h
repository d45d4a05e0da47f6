// Jobs and samples for the compute tests: whole hours of a job's accelerators
// at BF16, so expected figures are easy to work out by hand.
#pragma once

#include <string>

#include "redflag/v1/jobs.pb.h"
#include "redflag/v1/telemetry.pb.h"

namespace redflag::testjobs {

inline constexpr int64_t kT0 = 1790812800000;  // 2026-10-01T00:00:00Z
inline constexpr int64_t kHour = 3'600'000;

inline v1::JobSpec Spec(const std::string& id, const std::string& customer,
                        const std::string& model, const std::string& parent, uint32_t count,
                        const std::string& accelerator = "NVIDIA H100 80GB HBM3",
                        int64_t start = kT0) {
  v1::JobSpec s;
  s.set_job_id(id);
  s.set_customer_id(customer);
  s.set_model_id(model);
  s.set_parent_model_id(parent);
  s.set_accelerator_model(accelerator);
  s.set_accelerator_count(count);
  s.set_start_unix_ms(start);
  s.set_precision(v1::PRECISION_BF16);
  return s;
}

// Hours [from, to) after kT0 with all `count` accelerators active, from the
// job's own agent; `activity` < 0 leaves tensor activity unmeasured.
inline v1::SampleBatch Hours(const std::string& id, uint32_t count, int from, int to,
                             double activity) {
  v1::SampleBatch b;
  for (int h = from; h < to; ++h) {
    v1::Sample* x = b.add_samples();
    x->set_source_id("agent-" + id);
    x->set_seq(static_cast<uint64_t>(h + 1));
    x->set_job_id(id);
    x->set_window_start_unix_ms(kT0 + h * kHour);
    x->set_window_end_unix_ms(kT0 + (h + 1) * kHour);
    x->set_active_accelerators(count);
    if (activity >= 0) x->set_tensor_active(activity);
  }
  return b;
}

}  // namespace redflag::testjobs

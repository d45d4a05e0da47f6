#include "detectors/accounting.h"

#include <algorithm>
#include <limits>

namespace redflag::detectors {

using redflag::v1::JobTotals;
using redflag::v1::Precision;
using redflag::v1::Sample;

Fit FitToJob(int64_t job_start_ms, int64_t job_end_ms, Window& w) {
  if (w.end_ms <= job_start_ms) return Fit::kBeforeStart;
  if (job_end_ms != 0 && w.start_ms >= job_end_ms) return Fit::kAfterEnd;
  Fit fit = Fit::kInside;
  if (w.start_ms < job_start_ms) {
    w.start_ms = job_start_ms;
    fit = Fit::kClamped;
  }
  if (job_end_ms != 0 && w.end_ms > job_end_ms) {
    w.end_ms = job_end_ms;
    fit = Fit::kClamped;
  }
  return fit;
}

JobTotals NewTotals() {
  JobTotals t;
  t.mutable_accelerator_ms_by_precision()->Resize(redflag::v1::Precision_ARRAYSIZE, 0);
  return t;
}

void AddSample(const Sample& sample, const Window& fitted, Precision job_precision, bool clamped,
               JobTotals& t) {
  const uint64_t acc_ms = AcceleratorMs(sample.active_accelerators(), fitted);
  if (t.samples() == 0 || fitted.start_ms < t.first_window_start_unix_ms()) {
    t.set_first_window_start_unix_ms(fitted.start_ms);
  }
  t.set_last_window_end_unix_ms(std::max(t.last_window_end_unix_ms(), fitted.end_ms));
  t.set_samples(t.samples() + 1);
  t.set_accelerator_ms(t.accelerator_ms() + acc_ms);
  if (clamped) t.set_clamped_samples(t.clamped_samples() + 1);
  if (sample.has_tensor_active()) {
    t.set_tensor_measured_accelerator_ms(t.tensor_measured_accelerator_ms() + acc_ms);
    t.set_tensor_active_accelerator_ms(t.tensor_active_accelerator_ms() +
                                       sample.tensor_active() * static_cast<double>(acc_ms));
  }
  if (sample.has_sm_active()) {
    t.set_sm_measured_accelerator_ms(t.sm_measured_accelerator_ms() + acc_ms);
    t.set_sm_active_accelerator_ms(t.sm_active_accelerator_ms() +
                                   sample.sm_active() * static_cast<double>(acc_ms));
  }
  if (sample.has_tokens_processed()) t.set_tokens(t.tokens() + sample.tokens_processed());
  if (sample.has_reported_operations()) {
    t.set_reported_operations(t.reported_operations() + sample.reported_operations());
    t.set_reported_accelerator_ms(t.reported_accelerator_ms() + acc_ms);
  }
  Precision p = sample.precision() != redflag::v1::PRECISION_UNSPECIFIED ? sample.precision()
                                                                          : job_precision;
  if (!redflag::v1::Precision_IsValid(p)) p = redflag::v1::PRECISION_UNSPECIFIED;
  auto* by_precision = t.mutable_accelerator_ms_by_precision();
  if (by_precision->size() < redflag::v1::Precision_ARRAYSIZE) {
    by_precision->Resize(redflag::v1::Precision_ARRAYSIZE, 0);
  }
  by_precision->Set(p, by_precision->Get(p) + acc_ms);
}

bool WouldOverflow(const JobTotals& t, uint64_t accelerator_ms, uint64_t tokens) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  return accelerator_ms > kMax - t.accelerator_ms() || tokens > kMax - t.tokens();
}

}  // namespace redflag::detectors

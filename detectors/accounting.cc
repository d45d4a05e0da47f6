#include "detectors/accounting.h"

#include <algorithm>
#include <limits>

namespace redflag::detectors {

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

redflag::v1::JobTotals ToProto(const Totals& t) {
  redflag::v1::JobTotals p;
  FillProto(t, p);
  return p;
}

void FillProto(const Totals& t, redflag::v1::JobTotals& p) {
  p.set_samples(t.samples);
  p.set_accelerator_ms(t.accelerator_ms);
  p.set_tokens(t.tokens);
  p.set_first_window_start_unix_ms(t.first_window_start_ms);
  p.set_last_window_end_unix_ms(t.last_window_end_ms);
  p.set_clamped_samples(t.clamped_samples);
  p.set_tensor_measured_accelerator_ms(t.tensor_measured_accelerator_ms);
  p.set_tensor_active_accelerator_ms(t.tensor_active_accelerator_ms);
  p.set_sm_measured_accelerator_ms(t.sm_measured_accelerator_ms);
  p.set_sm_active_accelerator_ms(t.sm_active_accelerator_ms);
  p.set_reported_operations(t.reported_operations);
  p.set_reported_accelerator_ms(t.reported_accelerator_ms);
  p.mutable_accelerator_ms_by_precision()->Assign(t.accelerator_ms_by_precision.begin(),
                                                  t.accelerator_ms_by_precision.end());
}

Totals FromProto(const redflag::v1::JobTotals& p) {
  Totals t;
  t.samples = p.samples();
  t.accelerator_ms = p.accelerator_ms();
  t.tokens = p.tokens();
  t.first_window_start_ms = p.first_window_start_unix_ms();
  t.last_window_end_ms = p.last_window_end_unix_ms();
  t.clamped_samples = p.clamped_samples();
  t.tensor_measured_accelerator_ms = p.tensor_measured_accelerator_ms();
  t.tensor_active_accelerator_ms = p.tensor_active_accelerator_ms();
  t.sm_measured_accelerator_ms = p.sm_measured_accelerator_ms();
  t.sm_active_accelerator_ms = p.sm_active_accelerator_ms();
  t.reported_operations = p.reported_operations();
  t.reported_accelerator_ms = p.reported_accelerator_ms();
  for (int i = 0; i < p.accelerator_ms_by_precision_size() && i < Totals::kPrecisions; ++i) {
    t.accelerator_ms_by_precision[static_cast<size_t>(i)] = p.accelerator_ms_by_precision(i);
  }
  return t;
}

void AddSample(const Sample& sample, const Window& fitted, Precision job_precision, bool clamped,
               Totals& t) {
  const uint64_t acc_ms = AcceleratorMs(sample.active_accelerators(), fitted);
  if (t.samples == 0 || fitted.start_ms < t.first_window_start_ms) {
    t.first_window_start_ms = fitted.start_ms;
  }
  t.last_window_end_ms =
      t.samples == 0 ? fitted.end_ms : std::max(t.last_window_end_ms, fitted.end_ms);
  ++t.samples;
  t.accelerator_ms += acc_ms;
  if (clamped) ++t.clamped_samples;
  if (sample.has_tensor_active()) {
    t.tensor_measured_accelerator_ms += acc_ms;
    t.tensor_active_accelerator_ms += sample.tensor_active() * static_cast<double>(acc_ms);
  }
  if (sample.has_sm_active()) {
    t.sm_measured_accelerator_ms += acc_ms;
    t.sm_active_accelerator_ms += sample.sm_active() * static_cast<double>(acc_ms);
  }
  if (sample.has_tokens_processed()) t.tokens += sample.tokens_processed();
  if (sample.has_reported_operations()) {
    t.reported_operations += sample.reported_operations();
    t.reported_accelerator_ms += acc_ms;
  }
  Precision p =
      sample.precision() != redflag::v1::PRECISION_UNSPECIFIED ? sample.precision() : job_precision;
  if (!redflag::v1::Precision_IsValid(p)) p = redflag::v1::PRECISION_UNSPECIFIED;
  t.accelerator_ms_by_precision[static_cast<size_t>(p)] += acc_ms;
}

bool WouldOverflow(const Totals& t, uint64_t accelerator_ms, uint64_t tokens) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  return accelerator_ms > kMax - t.accelerator_ms || tokens > kMax - t.tokens;
}

}  // namespace redflag::detectors

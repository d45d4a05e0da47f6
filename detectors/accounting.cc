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

void Merge(Totals& into, const Totals& x) {
  if (x.samples == 0) return;
  if (into.samples == 0) {
    into = x;
    return;
  }
  into.first_window_start_ms = std::min(into.first_window_start_ms, x.first_window_start_ms);
  into.last_window_end_ms = std::max(into.last_window_end_ms, x.last_window_end_ms);
  into.samples += x.samples;
  into.accelerator_ms += x.accelerator_ms;
  into.tokens += x.tokens;
  into.clamped_samples += x.clamped_samples;
  into.tensor_measured_accelerator_ms += x.tensor_measured_accelerator_ms;
  into.tensor_active_accelerator_ms += x.tensor_active_accelerator_ms;
  into.sm_measured_accelerator_ms += x.sm_measured_accelerator_ms;
  into.sm_active_accelerator_ms += x.sm_active_accelerator_ms;
  into.reported_operations += x.reported_operations;
  into.reported_accelerator_ms += x.reported_accelerator_ms;
  for (size_t i = 0; i < into.accelerator_ms_by_precision.size(); ++i) {
    into.accelerator_ms_by_precision[i] += x.accelerator_ms_by_precision[i];
  }
}

namespace {

uint64_t Less(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }
double Less(double a, double b) { return a > b ? a - b : 0.0; }

}  // namespace

Totals TotalsSince(const Totals& all, const Totals& before) {
  if (before.samples == 0) return all;
  Totals out;
  out.samples = Less(all.samples, before.samples);
  if (out.samples == 0) return Totals();
  out.first_window_start_ms = std::max(all.first_window_start_ms, before.last_window_end_ms);
  out.last_window_end_ms = all.last_window_end_ms;
  out.accelerator_ms = Less(all.accelerator_ms, before.accelerator_ms);
  out.tokens = Less(all.tokens, before.tokens);
  out.clamped_samples = Less(all.clamped_samples, before.clamped_samples);
  out.tensor_measured_accelerator_ms =
      Less(all.tensor_measured_accelerator_ms, before.tensor_measured_accelerator_ms);
  out.tensor_active_accelerator_ms =
      Less(all.tensor_active_accelerator_ms, before.tensor_active_accelerator_ms);
  out.sm_measured_accelerator_ms =
      Less(all.sm_measured_accelerator_ms, before.sm_measured_accelerator_ms);
  out.sm_active_accelerator_ms =
      Less(all.sm_active_accelerator_ms, before.sm_active_accelerator_ms);
  out.reported_operations = Less(all.reported_operations, before.reported_operations);
  out.reported_accelerator_ms = Less(all.reported_accelerator_ms, before.reported_accelerator_ms);
  for (size_t i = 0; i < out.accelerator_ms_by_precision.size(); ++i) {
    out.accelerator_ms_by_precision[i] =
        Less(all.accelerator_ms_by_precision[i], before.accelerator_ms_by_precision[i]);
  }
  return out;
}

bool WouldOverflow(const Totals& t, uint64_t accelerator_ms, uint64_t tokens) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  return accelerator_ms > kMax - t.accelerator_ms || tokens > kMax - t.tokens;
}

}  // namespace redflag::detectors

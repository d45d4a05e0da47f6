// Accelerator-time accounting for one job: how an accepted sample's window is
// fitted to the job's lifetime and what it adds to the job's running totals.
// Pure functions: no I/O, no threads.
#pragma once

#include <cstdint>

#include "redflag/v1/jobs.pb.h"
#include "redflag/v1/telemetry.pb.h"

namespace redflag::detectors {

// A half-open event-time window [start_ms, end_ms) in Unix milliseconds.
struct Window {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t length_ms() const { return end_ms - start_ms; }
};

enum class Fit {
  kInside,       // the window lies within the job's lifetime
  kClamped,      // it overhung the start or end and was cut to fit
  kBeforeStart,  // it ends at or before the job started
  kAfterEnd,     // it starts at or after the job ended
};

// Fits `w` to the job's lifetime [job_start_ms, job_end_ms); job_end_ms == 0
// means the job is still running. Clamping never lengthens a window, so the
// totals can only err towards less, never count time outside the job.
Fit FitToJob(int64_t job_start_ms, int64_t job_end_ms, Window& w);

// Accelerator-milliseconds of a window: active accelerators x its length.
inline uint64_t AcceleratorMs(uint32_t active_accelerators, const Window& w) {
  return static_cast<uint64_t>(active_accelerators) * static_cast<uint64_t>(w.length_ms());
}

// A fresh totals record (one accelerator_ms slot per Precision value).
redflag::v1::JobTotals NewTotals();

// Adds an accepted sample, with its fitted window, to `totals`. The caller has
// checked that no integer total overflows (see WouldOverflow).
void AddSample(const redflag::v1::Sample& sample, const Window& fitted,
               redflag::v1::Precision job_precision, bool clamped,
               redflag::v1::JobTotals& totals);

// True when adding `accelerator_ms` and `tokens` to totals would overflow.
bool WouldOverflow(const redflag::v1::JobTotals& totals, uint64_t accelerator_ms,
                   uint64_t tokens);

}  // namespace redflag::detectors

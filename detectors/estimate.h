// Training operations of one job, as an interval (lower, best, upper) with
// the method and inputs behind every figure, so an analyst can recompute it.
// Pure: a job's totals and the catalog in, an estimate out. docs/compute.md
// explains the methods and why their defaults are what they are.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "detectors/accounting.h"
#include "detectors/catalog.h"

namespace redflag::detectors {

struct Interval {
  double lower = 0;
  double best = 0;
  double upper = 0;
};

enum class Method {
  kHardwareMeasured,  // accelerator-time x peak x measured tensor-pipe activity
  kHardwarePrior,     // the same with the configured utilisation prior
  kCounting,          // 6 x active parameters x tokens
  kReported,          // operations the training framework reported, once checked
};
const char* MethodName(Method m);

struct EstimatorOptions {
  // Utilisation assumed where nothing is measured: about the median model
  // FLOP utilisation of large training runs (Epoch AI: ~0.375; published
  // runs: 0.3-0.55). The low end lies below the lowest MFU published for a
  // large run, DeepSeek-V3's 0.17 of its FP8 peak (docs/compute.md).
  double utilization_prior = 0.375;
  double utilization_prior_low = 0.1;
  // Tensor-pipe activity counts cycles with the pipe busy, not full: part-
  // filled pipes and throttled clocks do less work, so the lower bound takes
  // this fraction of the measured figure.
  double measured_lower_fraction = 0.5;
  // The measured upper bound, for the time activity was measured: activity x
  // the fastest peak x this margin (sampled counters are estimates, not
  // counts), plus every second at the non-tensor pipes' peak.
  double activity_margin = 1.1;
  // The non-tensor pipes' peak as a share of the fastest, for accelerators
  // whose catalog row gives no vector_peak.
  double non_tensor_fraction = 0.25;
  // Measured activity ranks first for the best estimate only when it covers
  // at least this share of the accelerator time; below it, the figure is
  // mostly the prior and ranks after counting and reported operations.
  double measured_share_for_best = 0.5;
  // Reported operations below this fraction of the measured lower bound (for
  // the time they cover) suggest under-reporting.
  double underreport_fraction = 0.5;
  // Spell out each method's formula (for people); off for bulk evaluation.
  bool explain = true;
};

// What the estimate is made from: the job's declaration and its totals.
struct JobFacts {
  std::string accelerator_model;  // as the scheduler reported it
  redflag::v1::Precision precision = redflag::v1::PRECISION_UNSPECIFIED;
  uint64_t declared_parameters = 0;         // 0 = not declared
  uint64_t declared_active_parameters = 0;  // 0 = not declared (dense: = parameters)
  Totals totals;
};

enum class DataIssue {
  kUnknownAccelerator,         // not in the catalog: only the upper bound assumes the fastest
  kAcceleratorVariantUnknown,  // a family name: upper from its fastest variant, the rest slowest
  kPrecisionNotSupported,      // the accelerator has no such mode: its fastest is assumed
  kCountingAboveCeiling,       // 6ND exceeds what the hardware could do: not used
  kCountingAboveNominal,       // 6ND exceeds full utilisation at the declared precision: used
  kReportedAboveCeiling,       // reported operations exceed the hardware ceiling: not used
  kReportedFarBelow,           // reported operations far below the measured lower bound
  kAboveMeasuredBound,         // a method exceeds what the measured activity allows: bound raised
};
const char* DataIssueName(DataIssue d);

struct MethodResult {
  Method method;
  Interval ops;
  std::string formula;  // the arithmetic with its inputs, e.g. "3.6e+06 s x 9.894e+14 ..."
};

struct Estimate {
  Interval ops;  // reconciled: see EstimateJob
  // False when no method could give a best estimate (an unknown accelerator
  // and neither counting nor reported operations): best and lower are then 0
  // and only the upper bound says anything.
  bool has_best = true;
  Method best_method = Method::kHardwarePrior;
  std::string accelerator;            // the catalog entry (or entries) used
  std::vector<MethodResult> methods;  // every method that applied and was used
  std::vector<std::pair<DataIssue, std::string>> issues;
};

// upper: the lowest physically valid bound: where tensor activity was
// measured, activity x the fastest peak x a margin plus the non-tensor pipes;
// elsewhere every second at the fastest peak of any precision. Never below a
// figure another method gives (that is a finding instead).
// best: from the method with the most evidence behind it: measured activity,
// then counting with measured tokens, then checked reported operations, and
// the utilisation prior only where nothing is measured.
// lower: the highest lower bound of the methods that apply.
Estimate EstimateJob(const JobFacts& facts, const Catalog& catalog,
                     const EstimatorOptions& options);

}  // namespace redflag::detectors

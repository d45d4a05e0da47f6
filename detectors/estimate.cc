#include "detectors/estimate.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace redflag::detectors {
namespace {

using redflag::v1::Precision;

std::string Num(double v) { return absl::StrFormat("%.4g", v); }

std::string PrecisionName(Precision p) {
  if (p == redflag::v1::PRECISION_UNSPECIFIED) return "unspecified";
  return absl::AsciiStrToLower(absl::StripPrefix(redflag::v1::Precision_Name(p), "PRECISION_"));
}

}  // namespace

const char* MethodName(Method m) {
  switch (m) {
    case Method::kHardwareMeasured:
      return "hardware_measured";
    case Method::kHardwarePrior:
      return "hardware_prior";
    case Method::kCounting:
      return "counting";
    case Method::kReported:
      return "reported";
  }
  return "unknown";
}

const char* DataIssueName(DataIssue d) {
  switch (d) {
    case DataIssue::kUnknownAccelerator:
      return "unknown_accelerator";
    case DataIssue::kAcceleratorVariantUnknown:
      return "accelerator_variant_unknown";
    case DataIssue::kPrecisionNotSupported:
      return "precision_not_supported";
    case DataIssue::kCountingAboveCeiling:
      return "counting_above_ceiling";
    case DataIssue::kCountingAboveNominal:
      return "counting_above_nominal";
    case DataIssue::kReportedAboveCeiling:
      return "reported_above_ceiling";
    case DataIssue::kReportedFarBelow:
      return "reported_far_below_measured";
    case DataIssue::kAboveMeasuredBound:
      return "above_measured_bound";
  }
  return "unknown";
}

Estimate EstimateJob(const JobFacts& facts, const Catalog& catalog,
                     const EstimatorOptions& options) {
  Estimate e;
  const Totals& t = facts.totals;
  const bool explain = options.explain;
  // `fast` bounds the job from above; `slow` (null when the name is unknown)
  // is what the best and lower estimates of the hardware methods use.
  const Resolution resolved = catalog.Resolve(facts.accelerator_model);
  const Accelerator& fast =
      resolved.fastest != nullptr ? *resolved.fastest : catalog.MostConservative();
  const Accelerator* slow = resolved.slowest;
  if (slow == nullptr) {
    e.accelerator = absl::StrCat("unknown (upper bound as ", fast.model, ")");
    e.issues.emplace_back(
        DataIssue::kUnknownAccelerator,
        absl::StrCat("'", facts.accelerator_model,
                     "' is not in the accelerator catalog: the upper bound assumes ", fast.model,
                     ", the fastest entry; best and lower come only from counting or reported "
                     "operations. Add the name to the catalog (compute.catalog_file)"));
  } else if (slow != &fast) {
    e.accelerator = absl::StrCat(slow->model, " to ", fast.model);
  } else {
    e.accelerator = fast.model;
  }
  if (!resolved.ambiguity.empty()) {
    e.issues.emplace_back(
        DataIssue::kAcceleratorVariantUnknown,
        absl::StrCat("'", facts.accelerator_model, "' ", resolved.ambiguity,
                     ": the upper bound assumes ", fast.model, ", best and lower ", slow->model,
                     "; report the full name (nvidia-smi/DCGM modelName)"));
  }

  // The ceiling: every accelerator-second at the fastest mode there is.
  const double seconds = static_cast<double>(t.accelerator_ms) / 1000.0;
  const double ceiling = seconds * fast.fastest_peak;

  // The measured bound. Tensor-pipe activity a over a window means at most
  // a x the fastest peak from the tensor pipes; the non-tensor pipes may add
  // their own peak all the while (they are not what activity counts).
  const double measured_s =
      std::min(seconds, static_cast<double>(t.tensor_measured_accelerator_ms) / 1000.0);
  const double active_s = std::min(measured_s, t.tensor_active_accelerator_ms / 1000.0);
  // The non-tensor pipes' peak of whichever variant the job may run on.
  double vector_peak = 0;
  for (const Accelerator* a :
       resolved.candidates.empty() ? std::vector<const Accelerator*>{&fast} : resolved.candidates) {
    vector_peak =
        std::max(vector_peak, a->vector_peak > 0 ? a->vector_peak
                                                 : options.non_tensor_fraction * a->fastest_peak);
  }
  const double measured_bound =
      std::min(measured_s * fast.fastest_peak,
               active_s * fast.fastest_peak * options.activity_margin + measured_s * vector_peak) +
      (seconds - measured_s) * fast.fastest_peak;
  e.ops.upper = measured_bound;

  // Operations at full utilisation of the precision each second ran at. A
  // job that names no precision, or one the accelerator lacks, is assumed to
  // run at the fastest mode.
  double nominal = 0;
  std::string nominal_terms;
  if (slow != nullptr) {
    for (int p = 0; p < Totals::kPrecisions; ++p) {
      const uint64_t ms = t.accelerator_ms_by_precision[static_cast<size_t>(p)];
      if (ms == 0) continue;
      double peak = slow->peak[static_cast<size_t>(p)];
      if (p == redflag::v1::PRECISION_UNSPECIFIED || peak == 0) {
        if (p != redflag::v1::PRECISION_UNSPECIFIED) {
          e.issues.emplace_back(
              DataIssue::kPrecisionNotSupported,
              absl::StrCat(slow->model, " has no ", PrecisionName(static_cast<Precision>(p)),
                           " mode (or no published figure); assumed its fastest, ",
                           PrecisionName(slow->fastest_precision)));
        }
        peak = slow->fastest_peak;
      }
      const double s = static_cast<double>(ms) / 1000.0;
      nominal += s * peak;
      if (explain) {
        absl::StrAppend(&nominal_terms, nominal_terms.empty() ? "" : " + ", Num(s), " s x ",
                        Num(peak), " (", PrecisionName(static_cast<Precision>(p)), ")");
      }
    }
  }

  // Hardware: measured activity where there is some, the prior elsewhere.
  // Needs the accelerator's peaks, so not for an unknown name.
  MethodResult hw;
  const double covered = t.accelerator_ms > 0 ? measured_s / seconds : 0;
  if (slow != nullptr && t.tensor_measured_accelerator_ms > 0) {
    const double activity =
        t.tensor_active_accelerator_ms / static_cast<double>(t.tensor_measured_accelerator_ms);
    const double best_u = covered * activity + (1 - covered) * options.utilization_prior;
    const double low_u = covered * activity * options.measured_lower_fraction +
                         (1 - covered) * options.utilization_prior_low;
    hw.method = Method::kHardwareMeasured;
    hw.ops = {nominal * low_u, nominal * best_u, measured_bound};
    if (explain) {
      // The upper bound first: the figure printed after the formula is the best.
      hw.formula = absl::StrCat("upper ", Num(measured_bound), ": ", Num(active_s), " active s x ",
                                Num(fast.fastest_peak), " x margin ", Num(options.activity_margin),
                                " + ", Num(measured_s), " s x non-tensor ", Num(vector_peak));
      if (seconds > measured_s) {
        absl::StrAppend(&hw.formula, " + ", Num(seconds - measured_s), " unmeasured s x ",
                        Num(fast.fastest_peak));
      }
      absl::StrAppend(&hw.formula, "; best (", nominal_terms, ") x utilisation ", Num(best_u),
                      " (mean tensor activity ", Num(activity), " over ", Num(100 * covered),
                      "% of the time, prior ", Num(options.utilization_prior),
                      " elsewhere); lower uses ", Num(low_u));
    }
  } else {
    hw.method = Method::kHardwarePrior;
    hw.ops = {nominal * options.utilization_prior_low, nominal * options.utilization_prior,
              ceiling};
    if (explain && slow != nullptr) {
      hw.formula =
          absl::StrCat("(", nominal_terms, ") x utilisation prior ", Num(options.utilization_prior),
                       " (lower ", Num(options.utilization_prior_low), "; nothing measured)");
    }
  }
  const bool hw_applies = slow != nullptr && t.accelerator_ms > 0;
  if (hw_applies) e.methods.push_back(hw);

  // Counting: 6 operations per active parameter per token (forward and
  // backward pass of a transformer); mixture-of-experts models count the
  // parameters active per token.
  const uint64_t params = facts.declared_active_parameters > 0 ? facts.declared_active_parameters
                                                               : facts.declared_parameters;
  if (params > 0 && t.tokens > 0) {
    const double ops = 6.0 * static_cast<double>(params) * static_cast<double>(t.tokens);
    // Spelled out for the formula and for any finding (findings are rare).
    const bool above_ceiling = ops > ceiling;
    const bool above_nominal = slow != nullptr && ops > nominal;
    const std::string formula =
        explain || above_nominal || above_ceiling
            ? absl::StrCat("6 x ", Num(static_cast<double>(params)), " active parameters x ",
                           Num(static_cast<double>(t.tokens)), " tokens")
            : std::string();
    if (above_ceiling) {
      e.issues.emplace_back(DataIssue::kCountingAboveCeiling,
                            absl::StrCat(formula, " = ", Num(ops), " exceeds the ceiling: ",
                                         Num(seconds), " accelerator-s x ", Num(fast.fastest_peak),
                                         " op/s (", PrecisionName(fast.fastest_precision),
                                         " peak of ", fast.model, ") = ", Num(ceiling)));
    } else {
      if (above_nominal) {
        // Possible only at a faster mode than declared: the precision, the
        // parameters or the tokens are wrong.
        e.issues.emplace_back(
            DataIssue::kCountingAboveNominal,
            absl::StrCat(formula, " = ", Num(ops),
                         " exceeds full utilisation at the declared precision, ", Num(nominal),
                         ": the precision, parameters or tokens are misdeclared"));
      }
      e.methods.push_back({Method::kCounting, {ops, ops, ceiling}, formula});
    }
  }

  // Reported: accepted for the time it covers if the hardware could have done
  // it; the rest of the job keeps the hardware figures, or, with no hardware
  // figures (an unknown accelerator), the reported rate carried over it.
  if (t.reported_accelerator_ms > 0 && t.accelerator_ms > 0) {
    const double share = std::min(1.0, static_cast<double>(t.reported_accelerator_ms) /
                                           static_cast<double>(t.accelerator_ms));
    const double reported_ceiling =
        static_cast<double>(t.reported_accelerator_ms) / 1000.0 * fast.fastest_peak;
    const double measured_low = hw_applies ? hw.ops.lower * share : 0;
    const std::string covered_text = absl::StrCat(Num(t.reported_operations), " reported over ",
                                                  Num(100 * share), "% of the accelerator time");
    if (t.reported_operations > reported_ceiling * (1 + 1e-12)) {
      e.issues.emplace_back(
          DataIssue::kReportedAboveCeiling,
          absl::StrCat(covered_text, " exceed the ceiling for that time, ", Num(reported_ceiling)));
    } else {
      if (t.reported_operations < measured_low * options.underreport_fraction) {
        e.issues.emplace_back(
            DataIssue::kReportedFarBelow,
            absl::StrCat(covered_text, " are below ", Num(options.underreport_fraction),
                         " x the measured lower bound for that time, ", Num(measured_low)));
      }
      if (hw_applies) {
        e.methods.push_back({Method::kReported,
                             {t.reported_operations + hw.ops.lower * (1 - share),
                              t.reported_operations + hw.ops.best * (1 - share), ceiling},
                             absl::StrCat(covered_text, ", hardware estimate for the rest")});
      } else {
        e.methods.push_back({Method::kReported,
                             {t.reported_operations, t.reported_operations / share, ceiling},
                             absl::StrCat(covered_text, ", the same rate for the rest")});
      }
    }
  }

  // Reconcile. Best: the method with the most evidence behind it. Lower: the
  // highest of the lower bounds, and the best never below it. Upper: the
  // measured bound, unless a method's figure exceeds it.
  auto rank = [&](Method m) {
    switch (m) {
      case Method::kHardwareMeasured:
        return covered >= options.measured_share_for_best ? 0 : 3;
      case Method::kCounting:
        return 1;
      case Method::kReported:
        return 2;
      case Method::kHardwarePrior:
        return 4;
    }
    return 5;
  };
  const MethodResult* best = nullptr;
  for (const MethodResult& m : e.methods) {
    if (best == nullptr || rank(m.method) < rank(best->method)) best = &m;
  }
  e.has_best = best != nullptr;
  if (best != nullptr) {
    // The highest lower bound is a floor the best gives way to, except the
    // prior's: an assumption never overrides a measured figure.
    const bool measured = best->method != Method::kHardwarePrior;
    const MethodResult* floor = nullptr;
    double prior_floor = 0;
    for (const MethodResult& m : e.methods) {
      if (measured && m.method == Method::kHardwarePrior) {
        prior_floor = m.ops.lower;
      } else if (floor == nullptr || m.ops.lower > floor->ops.lower) {
        floor = &m;
      }
    }
    const bool floor_wins = floor->ops.lower > best->ops.best;
    e.best_method = floor_wins ? floor->method : best->method;
    e.ops.best = floor_wins ? floor->ops.lower : best->ops.best;
    e.ops.lower = std::max(floor->ops.lower, std::min(prior_floor, e.ops.best));
  }
  if (e.ops.best > e.ops.upper) {
    e.issues.emplace_back(
        DataIssue::kAboveMeasuredBound,
        absl::StrCat("the estimate, ", Num(e.ops.best),
                     ", exceeds what the measured tensor "
                     "activity allows, ",
                     Num(e.ops.upper),
                     ": the activity telemetry or the job's declaration is wrong; the upper "
                     "bound is raised to the estimate"));
    e.ops.upper = e.ops.best;
  }
  for (MethodResult& m : e.methods) m.ops.upper = e.ops.upper;
  return e;
}

}  // namespace redflag::detectors

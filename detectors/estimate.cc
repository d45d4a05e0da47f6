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
  }
  return "unknown";
}

Estimate EstimateJob(const JobFacts& facts, const Catalog& catalog,
                     const EstimatorOptions& options) {
  Estimate e;
  const Totals& t = facts.totals;
  const Accelerator* found = catalog.Find(facts.accelerator_model);
  const Accelerator& acc = found != nullptr ? *found : catalog.MostConservative();
  e.accelerator = acc.model;
  if (found == nullptr) {
    e.issues.emplace_back(
        DataIssue::kUnknownAccelerator,
        absl::StrCat("'", facts.accelerator_model, "' is not in the accelerator catalog; assumed ",
                     acc.model, ", the fastest entry"));
  }

  // The ceiling: every accelerator-second at the fastest mode there is.
  const double seconds = static_cast<double>(t.accelerator_ms) / 1000.0;
  e.ops.upper = seconds * acc.fastest_peak;
  const bool explain = options.explain;

  // Operations at full utilisation of the precision each second ran at. A
  // job that names no precision, or one the accelerator lacks, is assumed to
  // run at the fastest mode.
  double nominal = 0;
  std::string nominal_terms;
  for (int p = 0; p < Totals::kPrecisions; ++p) {
    const uint64_t ms = t.accelerator_ms_by_precision[static_cast<size_t>(p)];
    if (ms == 0) continue;
    double peak = acc.peak[static_cast<size_t>(p)];
    if (p == redflag::v1::PRECISION_UNSPECIFIED || peak == 0) {
      if (p != redflag::v1::PRECISION_UNSPECIFIED) {
        e.issues.emplace_back(
            DataIssue::kPrecisionNotSupported,
            absl::StrCat(acc.model, " has no ", PrecisionName(static_cast<Precision>(p)),
                         " mode (or no published figure); assumed its fastest, ",
                         PrecisionName(acc.fastest_precision)));
      }
      peak = acc.fastest_peak;
    }
    const double s = static_cast<double>(ms) / 1000.0;
    nominal += s * peak;
    if (explain) {
      absl::StrAppend(&nominal_terms, nominal_terms.empty() ? "" : " + ", Num(s), " s x ",
                      Num(peak), " (", PrecisionName(static_cast<Precision>(p)), ")");
    }
  }

  // Hardware: measured activity where there is some, the prior elsewhere.
  MethodResult hw;
  if (t.tensor_measured_accelerator_ms > 0) {
    const double covered = std::min(1.0, static_cast<double>(t.tensor_measured_accelerator_ms) /
                                             static_cast<double>(t.accelerator_ms));
    const double activity =
        t.tensor_active_accelerator_ms / static_cast<double>(t.tensor_measured_accelerator_ms);
    const double best_u = covered * activity + (1 - covered) * options.utilization_prior;
    const double low_u = covered * activity * options.measured_lower_fraction +
                         (1 - covered) * options.utilization_prior_low;
    hw.method = Method::kHardwareMeasured;
    hw.ops = {nominal * low_u, nominal * best_u, e.ops.upper};
    if (explain) {
      hw.formula = absl::StrCat(
          "(", nominal_terms, ") x utilisation ", Num(best_u), " (mean tensor activity ",
          Num(activity), " over ", Num(100 * covered), "% of the time, prior ",
          Num(options.utilization_prior), " elsewhere); lower uses ", Num(low_u));
    }
  } else {
    hw.method = Method::kHardwarePrior;
    hw.ops = {nominal * options.utilization_prior_low, nominal * options.utilization_prior,
              e.ops.upper};
    if (explain) {
      hw.formula =
          absl::StrCat("(", nominal_terms, ") x utilisation prior ", Num(options.utilization_prior),
                       " (lower ", Num(options.utilization_prior_low), "; nothing measured)");
    }
  }
  if (t.accelerator_ms > 0) e.methods.push_back(hw);

  // Counting: 6 operations per active parameter per token (forward and
  // backward pass of a transformer); mixture-of-experts models count the
  // parameters active per token.
  const uint64_t params = facts.declared_active_parameters > 0 ? facts.declared_active_parameters
                                                               : facts.declared_parameters;
  if (params > 0 && t.tokens > 0) {
    const double ops = 6.0 * static_cast<double>(params) * static_cast<double>(t.tokens);
    // Spelled out for the formula and for any finding (findings are rare).
    const bool above_ceiling = ops > e.ops.upper;
    const bool above_nominal = ops > nominal;
    const std::string formula =
        explain || above_nominal
            ? absl::StrCat("6 x ", Num(static_cast<double>(params)), " active parameters x ",
                           Num(static_cast<double>(t.tokens)), " tokens")
            : std::string();
    if (above_ceiling) {
      e.issues.emplace_back(DataIssue::kCountingAboveCeiling,
                            absl::StrCat(formula, " = ", Num(ops), " exceeds the ceiling: ",
                                         Num(seconds), " accelerator-s x ", Num(acc.fastest_peak),
                                         " op/s (", PrecisionName(acc.fastest_precision),
                                         " peak of ", acc.model, ") = ", Num(e.ops.upper)));
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
      e.methods.push_back({Method::kCounting, {ops, ops, e.ops.upper}, formula});
    }
  }

  // Reported: accepted for the time it covers if the hardware could have done
  // it; the rest of the job keeps the hardware figures.
  if (t.reported_accelerator_ms > 0) {
    const double share = std::min(1.0, static_cast<double>(t.reported_accelerator_ms) /
                                           static_cast<double>(t.accelerator_ms));
    const double reported_ceiling =
        static_cast<double>(t.reported_accelerator_ms) / 1000.0 * acc.fastest_peak;
    const double measured_low = hw.ops.lower * share;
    const std::string covered = absl::StrCat(Num(t.reported_operations), " reported over ",
                                             Num(100 * share), "% of the accelerator time");
    if (t.reported_operations > reported_ceiling * (1 + 1e-12)) {
      e.issues.emplace_back(
          DataIssue::kReportedAboveCeiling,
          absl::StrCat(covered, " exceed the ceiling for that time, ", Num(reported_ceiling)));
    } else {
      if (t.reported_operations < measured_low * options.underreport_fraction) {
        e.issues.emplace_back(
            DataIssue::kReportedFarBelow,
            absl::StrCat(covered, " are below ", Num(options.underreport_fraction),
                         " x the measured lower bound for that time, ", Num(measured_low)));
      }
      e.methods.push_back({Method::kReported,
                           {t.reported_operations + hw.ops.lower * (1 - share),
                            t.reported_operations + hw.ops.best * (1 - share), e.ops.upper},
                           absl::StrCat(covered, ", hardware estimate for the rest")});
    }
  }

  // Reconcile: the highest lower and best of the methods used, within the ceiling.
  for (const MethodResult& m : e.methods) {
    e.ops.lower = std::max(e.ops.lower, m.ops.lower);
    if (m.ops.best > e.ops.best) {
      e.ops.best = m.ops.best;
      e.best_method = m.method;
    }
  }
  e.ops.best = std::min(e.ops.best, e.ops.upper);
  e.ops.lower = std::min(e.ops.lower, e.ops.best);
  return e;
}

}  // namespace redflag::detectors

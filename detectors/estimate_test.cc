#include "detectors/estimate.h"

#include <gtest/gtest.h>

namespace redflag::detectors {
namespace {

using namespace redflag::v1;  // NOLINT: Precision values

// Figures as in config/accelerators.csv (H100 SXM and PCIe, A100 80GB, B200);
// no vector_peak column, so the non-tensor allowance is 0.25 x the fastest.
constexpr char kCatalog[] =
    "model,vendor,fp64,fp32,tf32,bf16,fp16,fp8,int8,source_url,aliases\n"
    "NVIDIA H100 SXM5 80GB,NVIDIA,3.345e+13,6.691e+13,4.947e+14,9.894e+14,9.894e+14,1.9789e+15,"
    "1.979e+15,src,NVIDIA H100 80GB HBM3\n"
    "NVIDIA H100 PCIe 80GB,NVIDIA,2.561e+13,5.122e+13,3.78e+14,7.56e+14,7.56e+14,1.513e+15,"
    "1.513e+15,src,NVIDIA H100 PCIe\n"
    "NVIDIA A100 SXM4 80GB,NVIDIA,9.746e+12,1.949e+13,1.56e+14,3.12e+14,3.12e+14,,6.24e+14,src,"
    "NVIDIA A100-SXM4-80GB\n"
    "NVIDIA B200,NVIDIA,3.104e+13,6.208e+13,1.125e+15,2.25e+15,2.25e+15,4.5e+15,4.5e+15,src,\n";

const Catalog& TestCatalog() {
  static const Catalog* c = new Catalog(*Catalog::Parse(kCatalog, "test.csv"));
  return *c;
}

constexpr uint64_t kHourMs = 3'600'000;

// 1000 H100-hours at one precision, `activity` measured over `measured` of it.
JobFacts H100Job(Precision p, double activity = -1, double measured = 1.0) {
  JobFacts f;
  f.accelerator_model = "NVIDIA H100 80GB HBM3";
  f.precision = p;
  f.totals.accelerator_ms = 1000 * kHourMs;
  f.totals.accelerator_ms_by_precision[static_cast<size_t>(p)] = 1000 * kHourMs;
  if (activity >= 0) {
    f.totals.tensor_measured_accelerator_ms = static_cast<uint64_t>(measured * 1000 * kHourMs);
    f.totals.tensor_active_accelerator_ms =
        activity * static_cast<double>(f.totals.tensor_measured_accelerator_ms);
  }
  return f;
}

TEST(EstimateJob, HardwareMeasuredByHand) {
  Estimate e = EstimateJob(H100Job(PRECISION_BF16, 0.4), TestCatalog(), EstimatorOptions());
  // 3.6e6 accelerator-s x 9.894e14 FLOP/s = 3.56184e21 at full utilisation.
  EXPECT_EQ(e.best_method, Method::kHardwareMeasured);
  EXPECT_DOUBLE_EQ(e.ops.best, 3.6e6 * 9.894e14 * 0.4);         // 1.424736e21
  EXPECT_DOUBLE_EQ(e.ops.lower, 3.6e6 * 9.894e14 * 0.4 * 0.5);  // 7.12368e20
  // Upper: the tensor pipe busy 40 % of the time at most at INT8, H100's
  // fastest, with a 10 % margin, plus the non-tensor pipes all the while.
  EXPECT_DOUBLE_EQ(e.ops.upper, 3.6e6 * (0.4 * 1.979e15 * 1.1 + 0.25 * 1.979e15));
  EXPECT_EQ(e.accelerator, "NVIDIA H100 SXM5 80GB");
  EXPECT_TRUE(e.issues.empty());
  ASSERT_EQ(e.methods.size(), 1u);
  EXPECT_NE(e.methods[0].formula.find("mean tensor activity 0.4"), std::string::npos)
      << e.methods[0].formula;
}

TEST(EstimateJob, PriorWhenNothingIsMeasured) {
  Estimate e = EstimateJob(H100Job(PRECISION_BF16), TestCatalog(), EstimatorOptions());
  EXPECT_EQ(e.best_method, Method::kHardwarePrior);
  EXPECT_DOUBLE_EQ(e.ops.best, 3.6e6 * 9.894e14 * 0.375);
  EXPECT_DOUBLE_EQ(e.ops.lower, 3.6e6 * 9.894e14 * 0.1);
  EXPECT_DOUBLE_EQ(e.ops.upper, 3.6e6 * 1.979e15);  // nothing measured: the full ceiling
}

TEST(EstimateJob, PartlyMeasuredTimeUsesThePriorForTheRest) {
  // Activity 0.6 over a quarter of the time: 0.25 x 0.6 + 0.75 x 0.375.
  Estimate e = EstimateJob(H100Job(PRECISION_BF16, 0.6, 0.25), TestCatalog(), EstimatorOptions());
  EXPECT_DOUBLE_EQ(e.ops.best, 3.6e6 * 9.894e14 * (0.25 * 0.6 + 0.75 * 0.375));
  EXPECT_DOUBLE_EQ(e.ops.lower, 3.6e6 * 9.894e14 * (0.25 * 0.6 * 0.5 + 0.75 * 0.1));
  // Measured a quarter of the time: bounded by activity there, the full
  // ceiling for the unmeasured three quarters.
  EXPECT_DOUBLE_EQ(e.ops.upper,
                   0.9e6 * (0.6 * 1.979e15 * 1.1 + 0.25 * 1.979e15) + 2.7e6 * 1.979e15);
  // Below half the time measured, the blend is mostly the prior: still the
  // best estimate here, as nothing else applies.
  EXPECT_EQ(e.best_method, Method::kHardwareMeasured);
}

TEST(EstimateJob, MeasuredUpperBoundNeverExceedsTheCeiling) {
  Estimate e = EstimateJob(H100Job(PRECISION_FP8, 1.0), TestCatalog(), EstimatorOptions());
  EXPECT_DOUBLE_EQ(e.ops.upper, 3.6e6 * 1.979e15);
  EXPECT_DOUBLE_EQ(e.ops.best, 3.6e6 * 1.9789e15);
  EXPECT_TRUE(e.issues.empty());
}

TEST(EstimateJob, EachPrecisionUsesItsPeak) {
  const std::pair<Precision, double> cases[] = {
      {PRECISION_FP64, 3.345e13},
      {PRECISION_FP32, 6.691e13},
      {PRECISION_TF32, 4.947e14},
      {PRECISION_BF16, 9.894e14},
      {PRECISION_FP16, 9.894e14},
      {PRECISION_FP8, 1.9789e15},
      {PRECISION_INT8, 1.979e15},
      // Nothing declared: the fastest mode, so nothing is underestimated.
      {PRECISION_UNSPECIFIED, 1.979e15},
  };
  for (const auto& [p, peak] : cases) {
    Estimate e = EstimateJob(H100Job(p, 1.0), TestCatalog(), EstimatorOptions());
    EXPECT_DOUBLE_EQ(e.ops.best, 3.6e6 * peak) << Precision_Name(p);
    EXPECT_DOUBLE_EQ(e.ops.upper, 3.6e6 * 1.979e15) << Precision_Name(p);  // activity 1
    EXPECT_TRUE(e.issues.empty()) << Precision_Name(p);
  }
}

TEST(EstimateJob, MixedPrecisionsAddUp) {
  JobFacts f = H100Job(PRECISION_BF16, 0.5);
  f.totals.accelerator_ms_by_precision[PRECISION_BF16] = 600 * kHourMs;
  f.totals.accelerator_ms_by_precision[PRECISION_FP8] = 400 * kHourMs;
  Estimate e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  EXPECT_DOUBLE_EQ(e.ops.best, (2.16e6 * 9.894e14 + 1.44e6 * 1.9789e15) * 0.5);
}

TEST(EstimateJob, PrecisionTheAcceleratorLacksIsAFindingAndAssumesItsFastest) {
  JobFacts f = H100Job(PRECISION_FP8, 0.5);
  f.accelerator_model = "NVIDIA-A100-SXM4-80GB";  // Ampere has no FP8
  Estimate e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  EXPECT_DOUBLE_EQ(e.ops.best, 3.6e6 * 6.24e14 * 0.5);  // INT8, A100's fastest
  ASSERT_EQ(e.issues.size(), 1u);
  EXPECT_EQ(e.issues[0].first, DataIssue::kPrecisionNotSupported);
}

TEST(EstimateJob, UnknownAcceleratorBoundsOnlyTheUpperByTheFastestInTheCatalog) {
  JobFacts f = H100Job(PRECISION_BF16);
  f.accelerator_model = "Mystery Accelerator 9000";
  Estimate e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  EXPECT_EQ(e.accelerator, "unknown (upper bound as NVIDIA B200)");
  EXPECT_DOUBLE_EQ(e.ops.upper, 3.6e6 * 4.5e15);
  // No chip, no hardware estimate: no best, no lower, no method.
  EXPECT_FALSE(e.has_best);
  EXPECT_EQ(e.ops.best, 0);
  EXPECT_EQ(e.ops.lower, 0);
  EXPECT_TRUE(e.methods.empty());
  ASSERT_EQ(e.issues.size(), 1u);
  EXPECT_EQ(e.issues[0].first, DataIssue::kUnknownAccelerator);
  EXPECT_NE(e.issues[0].second.find("'Mystery Accelerator 9000'"), std::string::npos);
  // Counting needs no chip: it gives best and lower.
  f.declared_parameters = 70'000'000'000;
  f.totals.tokens = 10'000'000'000;
  e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  EXPECT_TRUE(e.has_best);
  EXPECT_EQ(e.best_method, Method::kCounting);
  EXPECT_DOUBLE_EQ(e.ops.best, 4.2e21);
  EXPECT_DOUBLE_EQ(e.ops.lower, 4.2e21);
  // So do checked reported operations, their rate carried over the time they
  // do not cover.
  f.declared_parameters = 0;
  f.totals.reported_accelerator_ms = f.totals.accelerator_ms / 4;
  f.totals.reported_operations = 1e21;
  e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  EXPECT_EQ(e.best_method, Method::kReported);
  EXPECT_DOUBLE_EQ(e.ops.best, 4e21);
  EXPECT_DOUBLE_EQ(e.ops.lower, 1e21);
}

TEST(EstimateJob, FamilyNameBoundsByItsFastestVariantAndEstimatesByItsSlowest) {
  // A Slurm GRES "h100" could be the SXM or the PCIe part.
  JobFacts f = H100Job(PRECISION_BF16);
  f.accelerator_model = "h100";
  Estimate e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  EXPECT_EQ(e.accelerator, "NVIDIA H100 PCIe 80GB to NVIDIA H100 SXM5 80GB");
  EXPECT_DOUBLE_EQ(e.ops.upper, 3.6e6 * 1.979e15);        // SXM INT8
  EXPECT_DOUBLE_EQ(e.ops.best, 3.6e6 * 7.56e14 * 0.375);  // PCIe BF16, prior
  EXPECT_DOUBLE_EQ(e.ops.lower, 3.6e6 * 7.56e14 * 0.1);
  ASSERT_EQ(e.issues.size(), 1u);
  EXPECT_EQ(e.issues[0].first, DataIssue::kAcceleratorVariantUnknown);
  EXPECT_NE(e.issues[0].second.find("'h100' names the h100 family"), std::string::npos)
      << e.issues[0].second;
  // The full name settles it, without a finding.
  f.accelerator_model = "NVIDIA H100 PCIe";
  e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  EXPECT_EQ(e.accelerator, "NVIDIA H100 PCIe 80GB");
  EXPECT_DOUBLE_EQ(e.ops.upper, 3.6e6 * 1.513e15);
  EXPECT_TRUE(e.issues.empty());
}

// With variants left open, the measured bound allows the non-tensor pipes of
// whichever variant has the most, not only the fastest one's.
TEST(EstimateJob, FamilyNameAllowsTheLargestNonTensorPeakOfItsVariants) {
  auto c = Catalog::Parse(
      "model,vendor,fp64,fp32,tf32,bf16,fp16,fp8,int8,vector_peak,source_url,aliases\n"
      "Acme X1 SXM,Acme,,,,1e15,,2e15,,1e14,src,\n"
      "Acme X1 PCIe,Acme,,,,7.5e14,,1.5e15,,3e14,src,\n",
      "t.csv");
  ASSERT_TRUE(c.ok()) << c.status();
  JobFacts f = H100Job(PRECISION_BF16, 0.5);
  f.accelerator_model = "Acme X1";  // the family: SXM or PCIe
  Estimate e = EstimateJob(f, *c, EstimatorOptions());
  EXPECT_DOUBLE_EQ(e.ops.upper, 3.6e6 * (0.5 * 2e15 * 1.1 + 3e14));
  f.accelerator_model = "Acme X1 SXM";  // named: its own
  e = EstimateJob(f, *c, EstimatorOptions());
  EXPECT_DOUBLE_EQ(e.ops.upper, 3.6e6 * (0.5 * 2e15 * 1.1 + 1e14));
}

TEST(EstimateJob, CountingUsesActiveParametersForMixtureOfExperts) {
  JobFacts f = H100Job(PRECISION_BF16, 0.1);
  f.declared_parameters = 671'000'000'000;        // total
  f.declared_active_parameters = 37'000'000'000;  // per token
  f.totals.tokens = 5'000'000'000;
  Estimate e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  // 6 x 37e9 x 5e9 = 1.11e21, a floor above the hardware's best of
  // 3.6e6 x 9.894e14 x 0.1 = 3.56e20, which gives way to it.
  EXPECT_EQ(e.best_method, Method::kCounting);
  EXPECT_DOUBLE_EQ(e.ops.best, 1.11e21);
  EXPECT_DOUBLE_EQ(e.ops.lower, 1.11e21);
  // A dense model declares only its parameters. 6 x 7e9 x 5e9 = 2.1e20 is
  // below the hardware figure, which then stays the best estimate.
  f.declared_active_parameters = 0;
  f.declared_parameters = 7'000'000'000;
  e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  ASSERT_EQ(e.methods.size(), 2u);
  EXPECT_EQ(e.methods[1].method, Method::kCounting);
  EXPECT_DOUBLE_EQ(e.methods[1].ops.best, 2.1e20);
  EXPECT_EQ(e.best_method, Method::kHardwareMeasured);
  EXPECT_DOUBLE_EQ(e.ops.best, 3.6e6 * 9.894e14 * 0.1);
  EXPECT_DOUBLE_EQ(e.ops.lower, 2.1e20);  // the highest lower bound of the two
}

TEST(EstimateJob, CountingAboveTheCeilingIsAFindingAndNotUsed) {
  JobFacts f = H100Job(PRECISION_BF16, 0.4);
  f.declared_parameters = 1'000'000'000'000;
  f.totals.tokens = 10'000'000'000'000;  // 6e25, far beyond 1000 H100-hours
  Estimate e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  EXPECT_EQ(e.best_method, Method::kHardwareMeasured);
  ASSERT_EQ(e.issues.size(), 1u);
  EXPECT_EQ(e.issues[0].first, DataIssue::kCountingAboveCeiling);
}

TEST(EstimateJob, CountingAboveFullUtilisationOfTheDeclaredPrecisionIsFlaggedButUsed) {
  JobFacts f = H100Job(PRECISION_BF16, 0.3);
  f.declared_parameters = 70'000'000'000;
  f.totals.tokens = 10'000'000'000;  // 4.2e21 > 3.6e6 s x 9.894e14 = 3.56e21 (BF16 nominal)
  Estimate e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  ASSERT_EQ(e.issues.size(), 2u);
  EXPECT_EQ(e.issues[0].first, DataIssue::kCountingAboveNominal);
  EXPECT_EQ(e.best_method, Method::kCounting);  // possible at FP8, so still counted
  EXPECT_DOUBLE_EQ(e.ops.best, 4.2e21);
  // It is also more than activity 0.3 allows (4.13e21): the bound gives way,
  // so no level is crossed unseen, and that is a finding too.
  EXPECT_EQ(e.issues[1].first, DataIssue::kAboveMeasuredBound);
  EXPECT_DOUBLE_EQ(e.ops.upper, 4.2e21);
}

TEST(EstimateJob, ThePriorNeverSetsTheBestWhenAMeasuredMethodExists) {
  // Nothing measured on the hardware, but tokens counted: a mixture-of-
  // experts run whose 6 x N_active x D is far below the prior's figure
  // (3.6e6 s x 1.9789e15 x 0.375 = 2.67e21 at FP8).
  JobFacts f = H100Job(PRECISION_FP8);
  f.declared_parameters = 671'000'000'000;
  f.declared_active_parameters = 37'000'000'000;
  f.totals.tokens = 3'000'000'000;
  Estimate e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  EXPECT_EQ(e.best_method, Method::kCounting);
  EXPECT_DOUBLE_EQ(e.ops.best, 6.0 * 37e9 * 3e9);  // 6.66e20
  // The prior's floor (0.1 x nominal = 7.12e20) is an assumption too: it
  // cannot lift the lower bound above the counted figure.
  EXPECT_DOUBLE_EQ(e.ops.lower, 6.66e20);
  EXPECT_DOUBLE_EQ(e.ops.upper, 3.6e6 * 1.979e15);
  // Likewise checked reported operations.
  f.declared_parameters = f.declared_active_parameters = 0;
  f.totals.reported_accelerator_ms = f.totals.accelerator_ms;
  f.totals.reported_operations = 9e20;
  e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  EXPECT_EQ(e.best_method, Method::kReported);
  EXPECT_DOUBLE_EQ(e.ops.best, 9e20);
}

TEST(EstimateJob, ReportedOperationsAreCheckedAgainstTheHardware) {
  const double measured_best = 3.6e6 * 9.894e14 * 0.4;  // 1.424736e21
  // Plausible: accepted; above the measured best, so it is the floor.
  JobFacts f = H100Job(PRECISION_BF16, 0.4);
  f.totals.reported_accelerator_ms = f.totals.accelerator_ms;
  f.totals.reported_operations = 1.5e21;
  Estimate e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  EXPECT_TRUE(e.issues.empty());
  EXPECT_EQ(e.best_method, Method::kReported);
  EXPECT_DOUBLE_EQ(e.ops.best, 1.5e21);
  // Above the ceiling (3.6e6 x 1.979e15 = 7.1244e21): a finding, not used.
  f.totals.reported_operations = 8e21;
  e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  ASSERT_EQ(e.issues.size(), 1u);
  EXPECT_EQ(e.issues[0].first, DataIssue::kReportedAboveCeiling);
  EXPECT_DOUBLE_EQ(e.ops.best, measured_best);
  // Far below the measured lower bound (7.12e20 x 0.5 = 3.56e20): possible
  // under-reporting; it cannot pull the estimate down.
  f.totals.reported_operations = 1e20;
  e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  ASSERT_EQ(e.issues.size(), 1u);
  EXPECT_EQ(e.issues[0].first, DataIssue::kReportedFarBelow);
  EXPECT_DOUBLE_EQ(e.ops.best, measured_best);
  // Covering half the time: reported for that half plus the hardware's lower
  // bound for the rest is a floor; measured activity over all of the time
  // ranks first for the best estimate.
  f.totals.reported_accelerator_ms = f.totals.accelerator_ms / 2;
  f.totals.reported_operations = 1e21;
  e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  EXPECT_EQ(e.best_method, Method::kHardwareMeasured);
  EXPECT_DOUBLE_EQ(e.ops.best, measured_best);
  EXPECT_DOUBLE_EQ(e.ops.lower, 1e21 + measured_best * 0.5 / 2);
}

TEST(EstimateJob, BulkEvaluationGivesTheSameFiguresWithoutFormulas) {
  EstimatorOptions quiet;
  quiet.explain = false;
  JobFacts f = H100Job(PRECISION_BF16, 0.4);
  f.declared_parameters = 7'000'000'000;
  f.totals.tokens = 5'000'000'000;
  Estimate loud = EstimateJob(f, TestCatalog(), EstimatorOptions());
  Estimate e = EstimateJob(f, TestCatalog(), quiet);
  EXPECT_EQ(e.ops.lower, loud.ops.lower);
  EXPECT_EQ(e.ops.best, loud.ops.best);
  EXPECT_EQ(e.ops.upper, loud.ops.upper);
  ASSERT_EQ(e.methods.size(), 2u);
  EXPECT_TRUE(e.methods[0].formula.empty());
  EXPECT_FALSE(loud.methods[0].formula.empty());
}

TEST(EstimateJob, NoTimeNoOperations) {
  JobFacts f;
  f.accelerator_model = "NVIDIA H100 80GB HBM3";
  Estimate e = EstimateJob(f, TestCatalog(), EstimatorOptions());
  EXPECT_EQ(e.ops.lower, 0);
  EXPECT_EQ(e.ops.best, 0);
  EXPECT_EQ(e.ops.upper, 0);
  EXPECT_TRUE(e.methods.empty());
}

}  // namespace
}  // namespace redflag::detectors

#include "cli/estimate_report.h"

#include <gtest/gtest.h>

namespace redflag::cli {
namespace {

TEST(FormatEstimateReport, ShowsFigureLevelsLineageAndEveryFormula) {
  redflag::v1::EstimateReport r;
  r.set_subject_kind("model");
  r.set_subject_id("chat");
  r.mutable_operations()->set_lower(5.5e25);
  r.mutable_operations()->set_best(1.1e26);
  r.mutable_operations()->set_upper(3.3e26);
  r.add_ancestors("base");
  r.add_customers("acct-b");
  r.add_customers("acct-a");
  auto* c = r.add_crossings();
  c->set_level("4e091");
  c->set_likelihood("likely");
  c->set_severity("critical");
  auto* j = r.add_jobs();
  j->set_job_id("j-ft");
  j->set_customer_id("acct-b");
  j->set_model_id("chat");
  j->set_workload("WORKLOAD_KIND_FINE_TUNING");
  j->set_accelerator("NVIDIA H100 SXM5 80GB");
  j->set_accelerator_seconds(1.8e6);
  j->mutable_operations()->set_best(2e25);
  j->set_best_method("hardware_measured");
  auto* m = j->add_methods();
  m->set_method("hardware_measured");
  m->set_formula("(1.8e+06 s x 9.894e+14 (bf16)) x utilisation 0.5");
  m->mutable_operations()->set_best(8.9e20);
  auto* f = r.add_findings();
  f->set_job_id("j-x");
  f->set_kind("unknown_accelerator");
  f->set_detail("'X' is not in the accelerator catalog");

  const std::string text = FormatEstimateReport(r);
  for (const char* want :
       {"model chat: 1.1e+26 (lower 5.5e+25, upper 3.3e+26) operations\n",
        "levels: 4e091 likely (critical)\n", "lineage: chat <- base\n",
        "accounts: acct-b, acct-a\n",
        "  j-ft (acct-b, model chat, WORKLOAD_KIND_FINE_TUNING) NVIDIA H100 SXM5 80GB, 1.8e+06 "
        "accelerator-s: 2e+25 (lower 0, upper 0) by hardware_measured\n",
        "    hardware_measured: (1.8e+06 s x 9.894e+14 (bf16)) x utilisation 0.5 = 8.9e+20\n",
        "finding: j-x unknown_accelerator: 'X' is not in the accelerator catalog\n",
        "weights: not recorded as published\n"}) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing: " << want << "\nin:\n" << text;
  }
}

TEST(FormatEstimateReport, ShowsWhatIsRecordedAboutPublishedWeights) {
  redflag::v1::EstimateReport r;
  r.set_subject_kind("model");
  r.set_subject_id("open-7b");
  auto* m = r.mutable_model();
  m->set_model_id("open-7b");
  m->set_version(2);
  m->set_updated_unix_ms(1782907200000);  // 2026-07-01T12:00:00Z
  m->mutable_publication()->set_weights_published(true);
  m->mutable_publication()->set_published_unix_ms(1782864000000);  // 2026-07-01
  m->mutable_publication()->set_evidence("https://example.org/open-7b");
  m->mutable_publication()->set_recorded_by("analyst@example.org");
  EXPECT_NE(FormatEstimateReport(r).find(
                "weights: published since 2026-07-01 (https://example.org/open-7b), recorded by "
                "analyst@example.org 2026-07-01T12:00:00Z, version 2\n"),
            std::string::npos)
      << FormatEstimateReport(r);
}

// An unknown accelerator without counting or reported operations has no best
// estimate: shown as such, never as a best of 0.
TEST(FormatEstimateReport, NoBestEstimateIsSaidInWordsWithTheBound) {
  redflag::v1::EstimateReport r;
  r.set_subject_kind("job");
  r.set_subject_id("t/odd");
  r.set_best_method("none");
  r.mutable_operations()->set_upper(1e20);
  auto* j = r.add_jobs();
  j->set_job_id("t/odd");
  j->set_customer_id("acct-u");
  j->set_workload("WORKLOAD_KIND_PRETRAINING");
  j->set_accelerator("unknown (upper bound as AMD Instinct MI355X)");
  j->set_accelerator_seconds(28800);
  j->set_best_method("none");
  j->mutable_operations()->set_upper(1e20);
  const std::string text = FormatEstimateReport(r);
  EXPECT_EQ(text.rfind("job t/odd: no best estimate (upper 1e+20) operations\n", 0), 0u) << text;
  EXPECT_NE(text.find("2.88e+04 accelerator-s: no best estimate (upper 1e+20)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("by none"), std::string::npos) << text;
  EXPECT_EQ(text.find("best from"), std::string::npos) << text;
}

}  // namespace
}  // namespace redflag::cli

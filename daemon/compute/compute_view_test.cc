#include "daemon/compute/compute_view.h"

#include <gtest/gtest.h>

#include "daemon/compute/compute_test_jobs.h"
#include "daemon/storage/memory_store.h"

namespace redflag {
namespace {

using testjobs::kT0;

class ComputeViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.catalog_file = std::string(REDFLAG_SOURCE_DIR) + "/config/accelerators.csv";
    auto catalog = LoadCatalog(config_);
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    auto ledger = Ledger::Open(store_, LedgerOptions());
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    ledger_ = std::move(*ledger);
    view_ = std::make_unique<ComputeView>(*ledger_, *catalog, config_);
  }

  // A job of `gpus` H100s at BF16 that ran `hours` with tensor activity 0.5.
  void Run(const std::string& id, const std::string& customer, const std::string& model,
           const std::string& parent, uint32_t gpus, int hours) {
    ASSERT_TRUE(ledger_->RegisterJob(testjobs::Spec(id, customer, model, parent, gpus)).ok());
    ASSERT_TRUE(ledger_->Ingest(testjobs::Hours(id, gpus, 0, hours, 0.5)).ok());
  }

  v1::EstimateReport Report(v1::GetEstimateRequest r) {
    auto out = view_->Report(r);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : v1::EstimateReport();
  }

  ComputeConfig config_;
  MemoryStore store_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<ComputeView> view_;
};

TEST_F(ComputeViewTest, JobModelAndCustomerFiguresFromTheLedger) {
  Run("j-base", "acct-a", "base", "", 1000, 10);    // 3.6e7 H100-s
  Run("j-ft", "acct-b", "chat", "base", 100, 5);    // 1.8e6 H100-s
  const double base_best = 3.6e7 * 9.894e14 * 0.5;  // 1.78092e22
  const double ft_best = 1.8e6 * 9.894e14 * 0.5;

  v1::GetEstimateRequest r;
  r.set_job_id("j-base");
  v1::EstimateReport job = Report(r);
  EXPECT_EQ(job.subject_kind(), "job");
  EXPECT_DOUBLE_EQ(job.operations().best(), base_best);
  // Activity 0.5 at the fastest peak with the 1.1 margin, plus the non-tensor
  // pipes (1.338e14): 1.22e15 a second.
  EXPECT_DOUBLE_EQ(job.operations().upper(), 3.6e7 * (0.5 * 1.979e15 * 1.1 + 1.338e14));
  EXPECT_EQ(job.best_method(), "hardware_measured");
  ASSERT_EQ(job.jobs_size(), 1);
  EXPECT_EQ(job.jobs(0).accelerator(), "NVIDIA H100 SXM5 80GB");
  EXPECT_DOUBLE_EQ(job.jobs(0).accelerator_seconds(), 3.6e7);
  // 1.78e22 best, 7.1e22 upper: no level likely, none possible (< 1e24).
  EXPECT_EQ(job.crossings_size(), 0);

  r.set_model_id("chat");  // the fine-tune carries its base
  v1::EstimateReport model = Report(r);
  EXPECT_DOUBLE_EQ(model.operations().best(), base_best + ft_best);
  ASSERT_EQ(model.ancestors_size(), 1);
  EXPECT_EQ(model.ancestors(0), "base");
  EXPECT_EQ(model.jobs_size(), 2);
  ASSERT_EQ(model.customers_size(), 2);  // the base is another account's

  r.set_customer_id("acct-b");  // only its own job
  v1::EstimateReport customer = Report(r);
  EXPECT_DOUBLE_EQ(customer.operations().best(), ft_best);
}

TEST_F(ComputeViewTest, UltimateParentSumsEveryAccountItOwns) {
  CustomerRegistry registry(store_, false);
  for (const char* id : {"acct-a", "acct-b"}) {
    v1::CustomerProfile p;
    p.set_customer_id(id);
    p.set_legal_name(id);
    p.set_ultimate_parent_name("Holding Co");
    ASSERT_TRUE(registry.Upsert(p, kT0).ok());
  }
  v1::CustomerProfile other;
  other.set_customer_id("acct-c");
  other.set_legal_name("acct-c");
  ASSERT_TRUE(registry.Upsert(other, kT0).ok());
  view_ = std::make_unique<ComputeView>(*ledger_, *LoadCatalog(config_), config_, &registry);
  Run("j1", "acct-a", "m1", "", 1000, 10);
  Run("j2", "acct-b", "m2", "", 100, 5);
  Run("j3", "acct-c", "m3", "", 100, 5);

  v1::GetEstimateRequest r;
  r.set_ultimate_parent("Holding Co");
  v1::EstimateReport parent = Report(r);
  EXPECT_EQ(parent.subject_kind(), "parent");
  EXPECT_DOUBLE_EQ(parent.operations().best(), (3.6e7 + 1.8e6) * 9.894e14 * 0.5);
  EXPECT_EQ(parent.jobs_size(), 2);
  EXPECT_EQ(parent.customers_size(), 2);

  auto all = view_->EvaluateAll();
  ASSERT_TRUE(all.ok()) << all.status();
  int parents = 0;
  for (const auto& s : all->subjects) {
    if (s.kind != "parent") continue;
    ++parents;
    EXPECT_EQ(s.id, "Holding Co");
    EXPECT_DOUBLE_EQ(s.ops.best, (3.6e7 + 1.8e6) * 9.894e14 * 0.5);
  }
  EXPECT_EQ(parents, 1);  // acct-c names no parent
  r.set_ultimate_parent("Nobody");
  EXPECT_EQ(view_->Report(r).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ComputeViewTest, UnknownSubjectsAreNotFoundAndAMissingOneIsInvalid) {
  v1::GetEstimateRequest r;
  r.set_job_id("nope");
  EXPECT_EQ(view_->Report(r).status().code(), absl::StatusCode::kNotFound);
  r.set_model_id("nope");
  EXPECT_EQ(view_->Report(r).status().code(), absl::StatusCode::kNotFound);
  r.set_customer_id("nope");
  EXPECT_EQ(view_->Report(r).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(view_->Report(v1::GetEstimateRequest()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LoadCatalog, ErrorsNameTheConfigKeyAndTheFileLine) {
  ComputeConfig c;
  c.catalog_file = "/nonexistent/accelerators.csv";
  auto missing = LoadCatalog(c);
  EXPECT_EQ(missing.status().message(),
            "compute.catalog_file: cannot read '/nonexistent/accelerators.csv'");
}

}  // namespace
}  // namespace redflag

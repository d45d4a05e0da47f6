// Every change that could silence a rule is in the audit chain: a model's
// publication, a customer's profile (field by field), a job's end, a list
// reloaded and a policy changed across a restart; and the chain verifies.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "redflag/v1/audit.grpc.pb.h"
#include "redflag/v1/compute.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

class AuditCoverageTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> extra = {}) {
    extra.insert(extra.end(),
                 {"-o", "screening.csl_file=" + csl_, "-o", "screening.reload_check_interval=1s"});
    auto d = DaemonProcess::Start(data_, ports_, extra);
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
  }
  std::vector<v1::AuditRecord> Records() {
    auto audit = v1::AuditService::NewStub(daemon_->channel());
    grpc::ClientContext ctx;
    v1::ListAuditRequest req;
    req.set_limit(10000);
    v1::ListAuditResponse resp;
    EXPECT_TRUE(audit->ListAudit(&ctx, req, &resp).ok());
    return {resp.records().begin(), resp.records().end()};
  }
  std::vector<v1::AuditRecord> Actions(const std::string& action) {
    std::vector<v1::AuditRecord> out;
    for (const auto& r : Records()) {
      if (r.action() == action) out.push_back(r);
    }
    return out;
  }
  static std::string Detail(const v1::AuditRecord& r, const std::string& name) {
    for (const auto& d : r.details()) {
      if (d.name() == name) return d.value();
    }
    return "";
  }
  void CopyList(const std::string& from) {
    std::filesystem::copy_file(std::string(REDFLAG_SOURCE_DIR) + "/tests/data/screening/" + from,
                               csl_ + ".tmp", std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(csl_ + ".tmp", csl_);
  }

  TempDir dir_;
  std::string data_ = dir_.path() + "/data";
  std::string csl_ = dir_.path() + "/consolidated.csv";
  std::pair<int, int> ports_ = FreePorts();
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(AuditCoverageTest, ChangesThatCouldSilenceARuleAreInTheChain) {
  CopyList("csl_sample_2025-06-25/consolidated.csv");
  Start();

  // A customer moves its headquarters out of China.
  v1::CustomerProfile p;
  p.set_customer_id("acct-1");
  p.set_legal_name("Lab One Ltd");
  p.set_headquarters_country("CN");
  ASSERT_TRUE(UpsertCustomer(*daemon_, p).ok());
  p.set_headquarters_country("US");
  p.add_aliases("Lab One");
  ASSERT_TRUE(UpsertCustomer(*daemon_, p).ok());
  ASSERT_TRUE(UpsertCustomer(*daemon_, p).ok());  // the same again: no change, no record
  std::vector<v1::AuditRecord> profile = Actions("customer.profile");
  ASSERT_EQ(profile.size(), 2u);
  EXPECT_EQ(profile[0].subject(), "customer/acct-1");
  EXPECT_EQ(Detail(profile[0], "changes"), "created");
  EXPECT_EQ(Detail(profile[1], "changes"),
            "aliases: 0 -> 1 entries; headquarters_country: \"CN\" -> \"US\"");

  // Its model's weights recorded as published (which silences Red Flag 28).
  CommandResult pub =
      RunCommand({REDFLAGCTL_PATH, "--addr", daemon_->grpc_address(), "models", "publish",
                  "lab-1-70b", "--evidence", "https://example.org/weights", "--by", "alice"});
  ASSERT_EQ(pub.exit_code, 0) << pub.output;
  std::vector<v1::AuditRecord> publication = Actions("model.publication");
  ASSERT_EQ(publication.size(), 1u);
  // The principal (the local administrator, no TLS) acting for the name typed.
  EXPECT_EQ(publication[0].actor(), "local on behalf of alice");
  EXPECT_EQ(publication[0].subject(), "model/lab-1-70b");
  EXPECT_EQ(Detail(publication[0], "weights_published"), "true");
  EXPECT_EQ(Detail(publication[0], "evidence"), "https://example.org/weights");

  // A job ends.
  auto jobs = v1::JobService::NewStub(daemon_->channel());
  const int64_t start = absl::ToUnixMillis(absl::Now()) - 3600'000;
  {
    grpc::ClientContext ctx;
    v1::RegisterJobRequest req;
    req.mutable_job()->set_job_id("job-1");
    req.mutable_job()->set_customer_id("acct-1");
    req.mutable_job()->set_accelerator_model("NVIDIA H100 80GB HBM3");
    req.mutable_job()->set_accelerator_count(8);
    req.mutable_job()->set_start_unix_ms(start);
    v1::RegisterJobResponse resp;
    ASSERT_TRUE(jobs->RegisterJob(&ctx, req, &resp).ok());
  }
  {
    grpc::ClientContext ctx;
    v1::EndJobRequest req;
    req.set_job_id("job-1");
    req.set_end_unix_ms(start + 60'000);
    v1::EndJobResponse resp;
    grpc::Status s = jobs->EndJob(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  std::vector<v1::AuditRecord> ended = Actions("job.ended");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].subject(), "job/job-1");
  EXPECT_EQ(Detail(ended[0], "end_unix_ms"), absl::StrCat(start + 60'000));

  // The list reloaded (a new version on disk, SIGHUP).
  auto lists = [&] {
    int n = 0;
    for (const auto& r : Actions("in_force")) n += r.subject() == "list/csl";
    return n;
  };
  ASSERT_EQ(lists(), 1);
  CopyList("csl_2023-11-30/csl.csv");
  daemon_->Signal(SIGHUP);
  for (int i = 0; i < 100 && lists() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(lists(), 2);

  // The policy changed across a restart.
  auto policies = [&] {
    int n = 0;
    for (const auto& r : Actions("in_force")) n += r.subject() == "policy";
    return n;
  };
  EXPECT_EQ(policies(), 1);
  daemon_->Signal(SIGTERM);
  ASSERT_EQ(daemon_->Wait(), 0);
  Start({"-o", "policy.profile=ai_diffusion_2025"});
  EXPECT_EQ(policies(), 2);

  CommandResult verify =
      RunCommand({REDFLAGCTL_PATH, "--addr", daemon_->grpc_address(), "audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

}  // namespace
}  // namespace redflag::testing

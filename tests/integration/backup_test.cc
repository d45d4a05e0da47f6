// Backups with the real redflagd and redflagctl, and the documented restore:
// stop, put the backup in place of the data dir, start.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "redflag/v1/audit.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

namespace fs = std::filesystem;

class BackupTest : public ::testing::Test {
 protected:
  void Start() {
    auto d = DaemonProcess::Start(data_, ports_, {"-o", "storage.backup_dir=" + backups_});
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
  }
  CommandResult Ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {REDFLAGCTL_PATH, "--addr", daemon_->grpc_address()});
    return RunCommand(args);
  }
  // job id -> samples, of every job.
  std::map<std::string, uint64_t> Totals() {
    auto jobs = v1::JobService::NewStub(daemon_->channel());
    grpc::ClientContext ctx;
    v1::ListJobsRequest req;
    req.set_page_size(1000);
    v1::ListJobsResponse resp;
    EXPECT_TRUE(jobs->ListJobs(&ctx, req, &resp).ok());
    std::map<std::string, uint64_t> out;
    for (const auto& j : resp.jobs()) out[j.spec().job_id()] = j.totals().samples();
    return out;
  }
  uint64_t AuditHead() {
    auto audit = v1::AuditService::NewStub(daemon_->channel());
    grpc::ClientContext ctx;
    v1::ListAuditRequest req;
    req.set_limit(1);
    v1::ListAuditResponse resp;
    EXPECT_TRUE(audit->ListAudit(&ctx, req, &resp).ok());
    return resp.head_seq();
  }

  TempDir dir_;
  std::string data_ = dir_.path() + "/data";
  std::string backups_ = dir_.path() + "/backups";
  std::pair<int, int> ports_ = FreePorts();
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(BackupTest, ABackupTakenWhileServingRestoresToExactlyItsMoment) {
  Start();
  ASSERT_EQ(Ctl({"replay", "examples/scenario.jsonl"}).exit_code, 0);
  const std::map<std::string, uint64_t> at_backup = Totals();
  ASSERT_FALSE(at_backup.empty());
  const uint64_t head_at_backup = AuditHead();

  CommandResult backup = Ctl({"backup"});
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  const std::string path = backup.output.substr(0, backup.output.find('\n'));
  EXPECT_EQ(path.rfind(backups_ + "/redflagd-", 0), 0u) << backup.output;
  EXPECT_TRUE(fs::exists(path + "/CURRENT"));
  std::ifstream description(path + "/BACKUP");
  std::stringstream text;
  text << description.rdbuf();
  EXPECT_NE(text.str().find(absl::StrCat("audit_head_seq ", head_at_backup)), std::string::npos)
      << text.str();
  struct stat st;
  ASSERT_EQ(stat(backups_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // Taking it is in the audit log.
  EXPECT_GT(AuditHead(), head_at_backup);

  // Later: more telemetry (the frontier run), then the data dir is lost.
  ASSERT_EQ(Ctl({"replay", "examples/frontier.jsonl"}).exit_code, 0);
  const std::map<std::string, uint64_t> later = Totals();
  ASSERT_GT(later.size(), at_backup.size());
  daemon_->Signal(SIGTERM);
  ASSERT_EQ(daemon_->Wait(), 0);
  fs::rename(data_, data_ + ".lost");

  // The restore of docs/operations.md#backups.
  CommandResult copy = RunCommand({"/bin/cp", "-a", path, data_});
  ASSERT_EQ(copy.exit_code, 0) << copy.output;
  Start();
  EXPECT_EQ(Totals(), at_backup);
  EXPECT_EQ(AuditHead(), head_at_backup);
  CommandResult verify = Ctl({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  // Agents resend what is younger than the backup: it is counted once, the
  // rest is recognised as seen.
  ASSERT_EQ(Ctl({"replay", "examples/scenario.jsonl"}).exit_code, 0);
  ASSERT_EQ(Ctl({"replay", "examples/frontier.jsonl"}).exit_code, 0);
  EXPECT_EQ(Totals(), later);
}

TEST_F(BackupTest, ABackupDirThatCannotBeMadeIsAClearRefusal) {
  std::ofstream(dir_.path() + "/file") << "x";
  backups_ = dir_.path() + "/file/backups";  // under a regular file
  Start();
  CommandResult backup = Ctl({"backup"});
  EXPECT_EQ(backup.exit_code, 1) << backup.output;
  EXPECT_NE(backup.output.find("storage.backup_dir " + backups_ + ": cannot create"),
            std::string::npos)
      << backup.output;
}

}  // namespace
}  // namespace redflag::testing

// The analyst's workflow end to end: alerts raised by the real daemon are
// acknowledged, assigned, resolved with a disposition and suppressed through
// redflagctl; a step the state does not allow is refused; the states survive
// a restart and re-detection after it changes none of them; the audit log
// verifies, and tampering with a stored audit record (the daemon stopped, the
// RocksDB files edited) is caught by `redflagctl audit verify`.
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "absl/base/internal/endian.h"
#include "daemon/storage/store.h"
#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/audit.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

const std::vector<std::string> kFast = {"-o", "compute.evaluation_interval=200ms"};
const std::string kModel = "compute_level/model/frontier-1/1e24";
const std::string kCustomer = "compute_level/customer/acct-9001/1e24";
const std::string kParent = "compute_level/parent/Frontier Example Holdings/1e24";

TEST(AlertWorkflowEndToEnd, StepsAreRecordedSurviveRestartAndTheAuditLogDetectsTampering) {
  TempDir dir;
  auto ports = FreePorts();
  auto d = DaemonProcess::Start(dir.path() + "/data", ports, kFast);
  ASSERT_TRUE(d.ok()) << d.status();
  auto ctl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {REDFLAGCTL_PATH, "--addr", (*d)->grpc_address()});
    return RunCommand(args);
  };
  ASSERT_EQ(ctl({"replay", REDFLAG_SOURCE_DIR "/examples/frontier.jsonl"}).exit_code, 0);
  for (int i = 0; i < 100 && ListAlertsById(**d).size() < 13; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(ListAlertsById(**d).size(), 13u);

  CommandResult ack =
      ctl({"alerts", "ack", kModel, "--actor", "ana", "--to", "ben", "-m", "on it"});
  ASSERT_EQ(ack.exit_code, 0) << ack.output;
  EXPECT_NE(ack.output.find("\"state\": \"ALERT_STATE_ACKNOWLEDGED\""), std::string::npos)
      << ack.output;
  CommandResult resolve = ctl({"alerts", "resolve", kCustomer, "--actor", "ana", "--disposition",
                               "licence_obtained", "-m", "licence D123456"});
  EXPECT_NE(resolve.output.find("licence.reference: is required to resolve as licence_obtained"),
            std::string::npos)
      << resolve.output;
  CommandResult bad_date =
      ctl({"alerts", "resolve", kCustomer, "--actor", "ana", "--disposition", "licence_obtained",
           "--licence", "D123456", "--licence-expires", "2027-13-01"});
  EXPECT_NE(bad_date.output.find("--licence-expires: '2027-13-01' is neither a date"),
            std::string::npos)
      << bad_date.output;
  resolve = ctl({"alerts", "resolve", kCustomer, "--actor", "ana", "--disposition",
                 "licence_obtained", "--licence", "D123456", "--licence-expires", "2099-06-30",
                 "--licence-max-accelerators", "4096", "-m", "licence D123456"});
  ASSERT_EQ(resolve.exit_code, 0) << resolve.output;
  CommandResult twice =
      ctl({"alerts", "resolve", kCustomer, "--actor", "ana", "--disposition", "duplicate"});
  EXPECT_NE(twice.exit_code, 0);
  EXPECT_NE(twice.output.find(": 9 alert " + kCustomer + " is resolved: it is resolved already"),
            std::string::npos)
      << twice.output;
  // The alert whole for a person: its workflow and its history, step by step.
  CommandResult shown = ctl({"alerts", "show", kCustomer});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  for (const char* line :
       {"  state:       resolved since", "  disposition: licence_obtained: licence D123456",
        "  licence:     D123456, until 2099-06-30 00:00:00 UTC, jobs of up to 4096 accelerators",
        "redflagd  alert.raised", "local on behalf of ana  alert.resolve",
        "        comment: licence D123456"}) {
    EXPECT_NE(shown.output.find(line), std::string::npos) << line << "\n" << shown.output;
  }
  EXPECT_EQ(shown.output.find("alert.acknowledge"), std::string::npos);  // another alert's step
  CommandResult no_disposition = ctl({"alerts", "resolve", kModel, "--actor", "ana"});
  EXPECT_NE(no_disposition.output.find("disposition: is required to resolve"), std::string::npos)
      << no_disposition.output;
  // No name typed: the step is the authenticated principal's, here the local
  // administrator (no TLS); a typed name is kept as "on behalf of".
  CommandResult nobody = ctl({"alerts", "comment", kModel, "--actor", "", "-m", "x"});
  EXPECT_EQ(nobody.exit_code, 0) << nobody.output;
  ASSERT_EQ(ctl({"alerts", "suppress", kParent, "--actor", "ana", "--until", "2099-01-01T00:00:00Z",
                 "-m", "parent reviewed yearly"})
                .exit_code,
            0);
  CommandResult listed = ctl({"alerts", "list"});
  EXPECT_EQ(listed.output.find(kParent), std::string::npos);  // suppressed: hidden by default
  EXPECT_NE(ctl({"alerts", "list", "--all"}).output.find(kParent), std::string::npos);

  CommandResult verified = ctl({"audit", "verify"});
  ASSERT_EQ(verified.exit_code, 0) << verified.output;
  // The policy in force, the customer's profile, 13 raised, then ack, resolve,
  // the comment and suppress.
  EXPECT_NE(verified.output.find("audit log intact: 19 records"), std::string::npos)
      << verified.output;
  EXPECT_NE(HttpGet((*d)->http_port(), "/metrics").body.find("redflag_audit_records 19"),
            std::string::npos);

  // Restart: states kept, and the evaluations after it change nothing.
  const std::map<std::string, v1::Alert> before = ListAlertsById(**d);
  (*d)->Signal(SIGTERM);
  ASSERT_EQ((*d)->Wait(), 0);
  d->reset();
  d = DaemonProcess::Start(dir.path() + "/data", ports, kFast);
  ASSERT_TRUE(d.ok()) << d.status();
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // several evaluations
  const std::map<std::string, v1::Alert> after = ListAlertsById(**d);
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [id, a] : before) {
    EXPECT_EQ(after.at(id).SerializeAsString(), a.SerializeAsString()) << id;
  }
  EXPECT_EQ(after.at(kModel).assignee(), "ben");
  EXPECT_EQ(after.at(kCustomer).disposition(), v1::DISPOSITION_LICENCE_OBTAINED);
  verified = ctl({"audit", "verify"});
  EXPECT_NE(verified.output.find("audit log intact: 19 records"), std::string::npos)
      << verified.output;

  // Tamper: stop the daemon, change record 16 (the acknowledgement) in the
  // RocksDB files, start again.
  (*d)->Signal(SIGTERM);
  ASSERT_EQ((*d)->Wait(), 0);
  d->reset();
  {
    auto store = OpenRocksDbStore(dir.path() + "/data", {});
    ASSERT_TRUE(store.ok()) << store.status();
    char key[8];
    absl::big_endian::Store64(key, 16);
    auto raw = (*store)->Get(Domain::kAudit, std::string(key, 8));
    ASSERT_TRUE(raw.ok() && raw->has_value());
    v1::AuditRecord r;
    ASSERT_TRUE(r.ParseFromString(**raw));
    ASSERT_EQ(r.action(), "alert.acknowledge");
    r.set_actor("someone else");
    auto batch = (*store)->NewBatch();
    batch->Put(Domain::kAudit, std::string(key, 8), r.SerializeAsString());
    ASSERT_TRUE((*store)->Write(*batch, true).ok());
  }
  d = DaemonProcess::Start(dir.path() + "/data", ports, kFast);
  ASSERT_TRUE(d.ok()) << d.status();
  CommandResult broken = ctl({"audit", "verify"});
  EXPECT_EQ(broken.exit_code, 3) << broken.output;
  EXPECT_NE(broken.output.find("BROKEN at record 16: its hash does not match its content"),
            std::string::npos)
      << broken.output;
}

}  // namespace
}  // namespace redflag::testing

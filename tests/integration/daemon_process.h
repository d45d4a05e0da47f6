// Starts the real redflagd binary for integration tests: loopback ports, a
// temporary data dir, and a wait until the gRPC health check says SERVING.
#pragma once

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "redflag/v1/alerts.pb.h"
#include "redflag/v1/audit.pb.h"
#include "redflag/v1/customers.pb.h"
#include "redflag/v1/reports.pb.h"

namespace redflag::testing {

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Two free loopback ports (gRPC, HTTP), so restarts keep their addresses.
std::pair<int, int> FreePorts();

class DaemonProcess {
 public:
  // Starts redflagd with `data_dir`, the given ports and extra arguments, and
  // waits (up to 30 s) until it serves, asking over `credentials` (plaintext
  // when null).
  static absl::StatusOr<std::unique_ptr<DaemonProcess>> Start(
      const std::string& data_dir, std::pair<int, int> ports,
      const std::vector<std::string>& extra_args = {},
      std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);
  ~DaemonProcess();

  void Signal(int sig);
  // Waits for exit; returns the exit code, or 128 + signal.
  int Wait();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Waits up to `timeout` for exit; the exit code, or -1 if still running.
  int WaitFor(std::chrono::milliseconds timeout);

  std::string grpc_address() const;
  std::pair<int, int> ports() const { return ports_; }
  int http_port() const { return ports_.second; }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  const std::string& log_path() const { return log_path_; }

 private:
  absl::Status ExitedDuringStartup();

  pid_t pid_ = -1;
  std::pair<int, int> ports_;
  std::string log_path_;
  std::shared_ptr<grpc::Channel> channel_;
};

// A number from /proc/<pid>/status, e.g. "Threads" or "VmRSS" (kB); -1 if absent.
int64_t ProcStatus(pid_t pid, const std::string& field);

// Runs a command line to completion; returns its exit code and output.
struct CommandResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};
CommandResult RunCommand(const std::vector<std::string>& argv);

// A plain HTTP GET on loopback; returns status code and body (status 0 when
// no answer came within `timeout`: each read waits at most that long).
struct HttpResponse {
  int status = 0;
  std::string body;
};
HttpResponse HttpGet(int port, const std::string& path,
                     absl::Duration timeout = absl::InfiniteDuration());

// `n` connections to a loopback port that never finish what they start, as
// slow or hostile clients would: every other one sends `partial` first, the
// rest nothing. Empty if a connection could not be made.
std::vector<int> StalledConnections(int port, int n, const std::string& partial);
// Whether the server closed the connection within `timeout` (the read ends);
// closes it either way.
bool ClosedByServerWithin(int fd, absl::Duration timeout);

// An HTTPS GET to localhost by curl, trusting `ca`, with the client
// certificate `cert`/`key` when not empty. Status 0 when no answer came (a
// failed handshake): `error` then holds curl's message.
struct HttpsResponse {
  int status = 0;
  std::string body;
  std::string error;
};
HttpsResponse HttpsGet(int port, const std::string& path, const std::string& ca,
                       const std::string& cert = "", const std::string& key = "");

// Every stored alert of `rule` (any rule when empty), suppressed ones too, by
// alert_id, through AlertService.
std::map<std::string, v1::Alert> ListAlertsById(DaemonProcess& d, const std::string& rule = "");

// The audit records about `subject` ("customer/acme") whose action is
// `action` ("decision.job"), oldest first, through AuditService.
std::vector<v1::AuditRecord> AuditRecordsOf(DaemonProcess& d, const std::string& subject,
                                            const std::string& action);

// CustomerService.UpsertCustomer.
grpc::Status UpsertCustomer(DaemonProcess& d, const v1::CustomerProfile& profile);

// `hours` one-hour samples of `job` from `from_unix_ms` (sequence numbers from
// `first_seq`, source "agent/<job>") on `accelerators` at tensor activity 0.5:
// on H100s, 3,600 s x 9.894e14 x 0.5 per accelerator-hour at best.
grpc::Status IngestHours(DaemonProcess& d, const std::string& job, uint64_t first_seq,
                         int64_t from_unix_ms, int hours, uint32_t accelerators = 50000);

// ReportService.GetQuarterlyReport; a failed call fails the test.
v1::QuarterlyReport QuarterlyReportOf(DaemonProcess& d, const std::string& quarter);

}  // namespace redflag::testing

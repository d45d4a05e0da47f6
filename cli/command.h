// What every redflagctl command shares: the connection, a call's deadline,
// and how usage errors, failed calls and messages are printed.
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "redflag/v1/alerts.pb.h"

namespace redflag::cli {

extern const char* const kUsage;

struct Cli {
  std::string addr = "127.0.0.1:50051";
  absl::Duration timeout = absl::Seconds(30);
  std::shared_ptr<grpc::Channel> channel;

  // A context with the per-call deadline.
  std::unique_ptr<grpc::ClientContext> Context() const;
};

// Called when a call fails UNAVAILABLE: a sentence on why (a TLS problem),
// printed after the error, or empty.
void SetUnavailableDiagnosis(std::function<std::string()> diagnose);

// Prints why and the usage; returns exit code 2.
int Usage(const std::string& why);
// Exit code of a call that may succeed if tried again (EX_TEMPFAIL):
// redflagd unreachable, overloaded or out of time.
inline constexpr int kExitRetry = 75;
// Prints the failed call's status; returns kExitRetry for a retryable status,
// else 1.
int Fail(const grpc::Status& s, const std::string& what);
// JSON with the proto field names and every field.
void PrintJson(const google::protobuf::Message& m);
std::string JsonText(const google::protobuf::Message& m);
// A date (the start of that day, UTC) or an RFC 3339 time.
absl::StatusOr<absl::Time> ParseDateOrTime(const std::string& text);
// A file's bytes, or standard input for "-".
bool ReadAll(const std::string& path, std::string& out);
// Every alert matching the request's filter, all pages.
grpc::Status AllAlerts(const Cli& cli, redflag::v1::ListAlertsRequest req,
                       std::vector<redflag::v1::Alert>& out);

// `alerts ...` and `audit verify` (alert_commands.cc).
int Alerts(const Cli& cli, const std::vector<std::string>& args);
int Audit(const Cli& cli, const std::vector<std::string>& args);
// `report ...` (report_commands.cc).
int Report(const Cli& cli, const std::vector<std::string>& args);
// `jobs ...` (job_commands.cc).
int Jobs(const Cli& cli, const std::vector<std::string>& args);
int Decide(const Cli& cli, const std::vector<std::string>& args);
// `inquiries ...` (inquiry_commands.cc).
int Inquiries(const Cli& cli, const std::vector<std::string>& args);
// `clusters ...` (cluster_commands.cc).
int Clusters(const Cli& cli, const std::vector<std::string>& args);
// `records ...` (record_commands.cc).
int Records(const Cli& cli, const std::vector<std::string>& args);

}  // namespace redflag::cli

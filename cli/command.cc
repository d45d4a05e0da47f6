#include "cli/command.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "redflag/v1/alerts.grpc.pb.h"

namespace redflag::cli {

std::unique_ptr<grpc::ClientContext> Cli::Context() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
  return ctx;
}

int Usage(const std::string& why) {
  std::cerr << "redflagctl: " << why << "\n" << kUsage;
  return 2;
}

namespace {
std::function<std::string()>& Diagnosis() {
  static auto* d = new std::function<std::string()>();
  return *d;
}
}  // namespace

void SetUnavailableDiagnosis(std::function<std::string()> diagnose) {
  Diagnosis() = std::move(diagnose);
}

int Fail(const grpc::Status& s, const std::string& what) {
  std::cerr << "redflagctl: " << what << ": " << s.error_code() << " " << s.error_message() << "\n";
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE && Diagnosis()) {
    if (const std::string why = Diagnosis()(); !why.empty()) {
      std::cerr << "redflagctl: " << why << "\n";
    }
  }
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::ABORTED:
      return kExitRetry;
    default:
      return 1;
  }
}

std::string JsonText(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions o;
  o.add_whitespace = true;
  o.preserve_proto_field_names = true;
  o.always_print_primitive_fields = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out, o);
  return out;
}

void PrintJson(const google::protobuf::Message& m) { std::cout << JsonText(m); }

bool ReadAll(const std::string& path, std::string& out) {
  std::stringstream buf;
  if (path == "-") {
    buf << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    buf << in.rdbuf();
  }
  out = buf.str();
  return true;
}

grpc::Status AllAlerts(const Cli& cli, redflag::v1::ListAlertsRequest req,
                       std::vector<redflag::v1::Alert>& out) {
  auto stub = redflag::v1::AlertService::NewStub(cli.channel);
  do {
    redflag::v1::ListAlertsResponse page;
    grpc::Status s = stub->ListAlerts(cli.Context().get(), req, &page);
    if (!s.ok()) return s;
    for (auto& a : *page.mutable_alerts()) out.push_back(std::move(a));
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  return grpc::Status::OK;
}

absl::StatusOr<absl::Time> ParseDateOrTime(const std::string& text) {
  absl::CivilDay day;
  if (absl::ParseCivilTime(text, &day)) return absl::FromCivil(day, absl::UTCTimeZone());
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return t;
  return absl::InvalidArgumentError(
      absl::StrCat("'", text, "' is neither a date (2027-06-30) nor an RFC 3339 time"));
}

}  // namespace redflag::cli

// redflagctl records list|show|file: foreign-person training records (R5).
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/command.h"
#include "cli/record_report.h"
#include "redflag/v1/records.grpc.pb.h"

namespace redflag::cli {

int Records(const Cli& cli, const std::vector<std::string>& args) {
  constexpr const char* kWhat =
      "records needs list [--state draft|filed] [--customer ID] [--json], show RECORD_ID "
      "[--json], or file RECORD_ID --reference REF [-m NOTE] [--actor NAME]";
  if (args.empty()) return Usage(kWhat);
  auto stub = v1::RecordService::NewStub(cli.channel);
  const int64_t now = absl::ToUnixMillis(absl::Now());
  if (args[0] == "list") {
    v1::ListRecordsRequest req;
    bool json = false;
    for (size_t i = 1; i < args.size(); ++i) {
      const bool has_value = i + 1 < args.size();
      if (args[i] == "--state" && has_value) {
        v1::RecordState s;
        if (!v1::RecordState_Parse("RECORD_STATE_" + absl::AsciiStrToUpper(args[++i]), &s)) {
          return Usage("--state: draft or filed");
        }
        req.set_state(s);
      } else if (args[i] == "--customer" && has_value) {
        req.set_customer_id(args[++i]);
      } else if (args[i] == "--json") {
        json = true;
      } else {
        return Usage(absl::StrCat("records list: unknown argument '", args[i], "'"));
      }
    }
    v1::ListRecordsResponse resp;
    grpc::Status st = stub->ListRecords(cli.Context().get(), req, &resp);
    if (!st.ok()) return Fail(st, "records list");
    if (json) {
      PrintJson(resp);
    } else {
      std::cout << FormatRecordList({resp.records().begin(), resp.records().end()}, now);
    }
    return 0;
  }
  if (args.size() < 2) return Usage(kWhat);
  if (args[0] == "show") {
    if (args.size() > 3 || (args.size() == 3 && args[2] != "--json")) return Usage(kWhat);
    v1::GetRecordRequest req;
    req.set_record_id(args[1]);
    v1::ForeignPersonRecord r;
    grpc::Status st = stub->GetRecord(cli.Context().get(), req, &r);
    if (!st.ok()) return Fail(st, "records show");
    if (args.size() == 3) {
      PrintJson(r);
    } else {
      std::cout << FormatRecord(r, now);
    }
    return 0;
  }
  if (args[0] != "file") return Usage(kWhat);
  v1::FileRecordRequest req;
  req.set_record_id(args[1]);
  for (const char* var : {"REDFLAG_ACTOR", "USER"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0' && req.actor().empty()) {
      req.set_actor(v);
    }
  }
  for (size_t i = 2; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--reference" && has_value) {
      req.set_agency_reference(args[++i]);
    } else if ((args[i] == "-m" || args[i] == "--note") && has_value) {
      req.set_note(args[++i]);
    } else if (args[i] == "--actor" && has_value) {
      req.set_actor(args[++i]);
    } else {
      return Usage(absl::StrCat("records file: unknown argument '", args[i], "'"));
    }
  }
  v1::ForeignPersonRecord r;
  grpc::Status st = stub->FileRecord(cli.Context().get(), req, &r);
  if (!st.ok()) return Fail(st, "records file");
  std::cout << FormatRecord(r, now, 0);
  return 0;
}

}  // namespace redflag::cli

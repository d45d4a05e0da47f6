// redflagctl inquiries list|show|ask|answer|close: the export-intent
// inquiries Red Flag 28 alerts open, worked step by step.
#include <cstdlib>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "redflag/v1/inquiries.grpc.pb.h"

namespace redflag::cli {

int Inquiries(const Cli& cli, const std::vector<std::string>& args) {
  constexpr const char* kWhat =
      "inquiries needs list [--state S], show ID, ask ID, answer ID, close ID";
  if (args.empty()) return Usage(kWhat);
  auto stub = v1::InquiryService::NewStub(cli.channel);
  if (args[0] == "list") {
    v1::ListInquiriesRequest req;
    if (args.size() == 3 && args[1] == "--state") {
      v1::InquiryState s;
      if (!v1::InquiryState_Parse("INQUIRY_STATE_" + absl::AsciiStrToUpper(args[2]), &s)) {
        return Usage("--state: open, customer_asked, answered or closed");
      }
      req.set_state(s);
    } else if (args.size() != 1) {
      return Usage(kWhat);
    }
    v1::ListInquiriesResponse resp;
    grpc::Status st = stub->ListInquiries(cli.Context().get(), req, &resp);
    if (!st.ok()) return Fail(st, "inquiries list");
    PrintJson(resp);
    return 0;
  }
  if (args.size() < 2) return Usage(kWhat);
  if (args[0] == "show") {
    v1::GetInquiryRequest req;
    req.set_inquiry_id(args[1]);
    v1::Inquiry q;
    grpc::Status st = stub->GetInquiry(cli.Context().get(), req, &q);
    if (!st.ok()) return Fail(st, "inquiries show");
    PrintJson(q);
    return 0;
  }
  v1::AdvanceInquiryRequest req;
  req.set_inquiry_id(args[1]);
  if (args[0] == "ask") {
    req.set_to_state(v1::INQUIRY_STATE_CUSTOMER_ASKED);
  } else if (args[0] == "answer") {
    req.set_to_state(v1::INQUIRY_STATE_ANSWERED);
  } else if (args[0] == "close") {
    req.set_to_state(v1::INQUIRY_STATE_CLOSED);
  } else {
    return Usage(kWhat);
  }
  for (const char* var : {"REDFLAG_ACTOR", "USER"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0' && req.actor().empty()) {
      req.set_actor(v);
    }
  }
  for (size_t i = 2; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--actor" && has_value) {
      req.set_actor(args[++i]);
    } else if ((args[i] == "-m" || args[i] == "--note") && has_value) {
      req.set_note(args[++i]);
    } else if (args[i] == "--intent" && has_value) {
      v1::ExportIntent e;
      if (!v1::ExportIntent_Parse("EXPORT_INTENT_" + absl::AsciiStrToUpper(args[++i]), &e)) {
        return Usage("--intent: no_export, export_under_licence or provider_applies_for_licence");
      }
      req.set_answer(e);
    } else {
      return Usage(absl::StrCat("inquiries ", args[0], ": unknown argument '", args[i], "'"));
    }
  }
  v1::Inquiry q;
  grpc::Status st = stub->AdvanceInquiry(cli.Context().get(), req, &q);
  if (!st.ok()) return Fail(st, absl::StrCat("inquiries ", args[0]));
  PrintJson(q);
  return 0;
}

}  // namespace redflag::cli

// redflagctl alerts list|show|watch|ack|assign|comment|resolve|reopen|suppress
// and audit verify: the analyst's workflow on the command line.
#include <google/protobuf/util/json_util.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "cli/alert_report.h"
#include "cli/command.h"
#include "daemon/audit/audit_chain.h"
#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/audit.grpc.pb.h"

namespace redflag::cli {
namespace {

// The analyst: --actor, else $REDFLAG_ACTOR, else $USER, else the account
// running redflagctl (cron jobs and containers often have no $USER).
std::string DefaultActor() {
  for (const char* var : {"REDFLAG_ACTOR", "USER"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') return v;
  }
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  return "";
}

int List(const Cli& cli, const std::vector<std::string>& args) {
  v1::ListAlertsRequest req;
  bool json = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--rule" && i + 1 < args.size()) {
      req.mutable_filter()->add_rules(args[++i]);
    } else if (args[i] == "--customer" && i + 1 < args.size()) {
      req.mutable_filter()->set_customer_id(args[++i]);
    } else if (args[i] == "--all") {
      req.mutable_filter()->set_include_suppressed(true);
    } else if (args[i] == "--json") {
      json = true;
    } else {
      return Usage(absl::StrCat("alerts list: unknown argument '", args[i], "'"));
    }
  }
  std::vector<v1::Alert> alerts;
  if (grpc::Status s = AllAlerts(cli, req, alerts); !s.ok()) return Fail(s, "alerts list");
  if (!json) {
    std::cout << FormatAlertList(alerts);
    return 0;
  }
  v1::ListAlertsResponse all;
  for (auto& a : alerts) *all.add_alerts() = std::move(a);
  PrintJson(all);
  return 0;
}

int Watch(const Cli& cli, const std::vector<std::string>& args) {
  v1::WatchAlertsRequest req;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--rule" && i + 1 < args.size()) {
      req.mutable_filter()->add_rules(args[++i]);
    } else {
      return Usage(absl::StrCat("alerts watch: unknown argument '", args[i], "'"));
    }
  }
  grpc::ClientContext ctx;  // no deadline: until interrupted
  auto reader = v1::AlertService::NewStub(cli.channel)->WatchAlerts(&ctx, req);
  v1::AlertEvent event;
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  while (reader->Read(&event)) {
    std::string line;
    (void)google::protobuf::util::MessageToJsonString(event, &line, o);
    std::cout << line << std::endl;
  }
  grpc::Status s = reader->Finish();
  return s.ok() ? 0 : Fail(s, "alerts watch");
}

// show ALERT_ID [--json]: the alert with its history from the audit log.
int Show(const Cli& cli, const std::vector<std::string>& args) {
  const bool json = args.size() == 3 && args[2] == "--json";
  if (args.size() != 2 && !json) return Usage("alerts show needs one ALERT_ID [--json]");
  v1::GetAlertRequest req;
  req.set_alert_id(args[1]);
  v1::Alert alert;
  grpc::Status s =
      v1::AlertService::NewStub(cli.channel)->GetAlert(cli.Context().get(), req, &alert);
  if (!s.ok()) return Fail(s, "alerts show");
  if (json) {
    PrintJson(alert);
    return 0;
  }
  std::vector<v1::AuditRecord> history;
  v1::ListAuditRequest audit;
  audit.set_subject(alert.alert_id());
  v1::ListAuditResponse page;
  do {
    page.Clear();
    s = v1::AuditService::NewStub(cli.channel)->ListAudit(cli.Context().get(), audit, &page);
    if (!s.ok()) return Fail(s, "alerts show (history)");
    for (const v1::AuditRecord& r : page.records()) {
      history.push_back(r);
      audit.set_after_seq(r.seq());
    }
  } while (page.records_size() > 0);
  std::cout << FormatAlert(alert, history);
  return 0;
}

// ack|assign|comment|resolve|reopen|suppress ALERT_ID [options]
int Act(const Cli& cli, const std::vector<std::string>& args) {
  const std::string& verb = args[0];
  v1::AlertActionRequest req;
  if (verb == "ack") {
    req.set_action(v1::ALERT_ACTION_ACKNOWLEDGE);
  } else if (verb == "assign") {
    req.set_action(v1::ALERT_ACTION_ASSIGN);
  } else if (verb == "comment") {
    req.set_action(v1::ALERT_ACTION_COMMENT);
  } else if (verb == "resolve") {
    req.set_action(v1::ALERT_ACTION_RESOLVE);
  } else if (verb == "reopen") {
    req.set_action(v1::ALERT_ACTION_REOPEN);
  } else {
    req.set_action(v1::ALERT_ACTION_SUPPRESS);
  }
  req.set_alert_id(args[1]);
  req.set_actor(DefaultActor());
  for (size_t i = 2; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--actor" && has_value) {
      req.set_actor(args[++i]);
    } else if ((args[i] == "--comment" || args[i] == "-m") && has_value) {
      req.set_comment(args[++i]);
    } else if ((args[i] == "--assignee" || args[i] == "--to") && has_value) {
      req.set_assignee(args[++i]);
    } else if (args[i] == "--disposition" && has_value) {
      v1::Disposition d;
      if (!v1::Disposition_Parse("DISPOSITION_" + absl::AsciiStrToUpper(args[++i]), &d)) {
        return Usage(absl::StrCat("--disposition: unknown '", args[i],
                                  "' (true_positive, false_positive, licence_obtained, "
                                  "no_action_required, duplicate)"));
      }
      req.set_disposition(d);
    } else if (args[i] == "--licence" && has_value) {
      req.mutable_licence()->set_reference(args[++i]);
    } else if (args[i] == "--licence-expires" && has_value) {
      absl::StatusOr<absl::Time> t = ParseDateOrTime(args[++i]);
      if (!t.ok()) return Usage(absl::StrCat("--licence-expires: ", t.status().message()));
      req.mutable_licence()->set_expires_unix_ms(absl::ToUnixMillis(*t));
    } else if (args[i] == "--licence-max-accelerators" && has_value) {
      uint32_t n = 0;
      if (!absl::SimpleAtoi(args[++i], &n) || n == 0) {
        return Usage(absl::StrCat("--licence-max-accelerators: '", args[i],
                                  "' is not a whole number above 0"));
      }
      req.mutable_licence()->set_max_accelerators(n);
    } else if (args[i] == "--until" && has_value) {
      absl::Time t;
      std::string err;
      if (!absl::ParseTime(absl::RFC3339_full, args[++i], &t, &err)) {
        return Usage(absl::StrCat("--until: ", err));
      }
      req.set_suppress_until_unix_ms(absl::ToUnixMillis(t));
    } else {
      return Usage(absl::StrCat("alerts ", verb, ": unknown argument '", args[i], "'"));
    }
  }
  v1::Alert alert;
  grpc::Status s =
      v1::AlertService::NewStub(cli.channel)->ActOnAlert(cli.Context().get(), req, &alert);
  if (!s.ok()) return Fail(s, absl::StrCat("alerts ", verb));
  PrintJson(alert);
  return 0;
}

}  // namespace

int Alerts(const Cli& cli, const std::vector<std::string>& args) {
  constexpr const char* kWhat =
      "alerts needs list, show ID, watch, or ack|assign|comment|resolve|reopen|suppress ID";
  if (args.empty()) return Usage(kWhat);
  if (args[0] == "list") return List(cli, args);
  if (args[0] == "watch") return Watch(cli, args);
  if (args.size() < 2) return Usage(kWhat);
  if (args[0] == "show") return Show(cli, args);
  for (const char* verb : {"ack", "assign", "comment", "resolve", "reopen", "suppress"}) {
    if (args[0] == verb) return Act(cli, args);
  }
  return Usage(kWhat);
}

int Audit(const Cli& cli, const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0] != "verify") return Usage("audit needs verify");
  auto stub = v1::AuditService::NewStub(cli.channel);
  AuditVerifier verifier;
  v1::ListAuditRequest req;
  req.set_limit(10000);
  v1::ListAuditResponse page;
  do {
    page.Clear();
    grpc::Status s = stub->ListAudit(cli.Context().get(), req, &page);
    if (!s.ok()) return Fail(s, "audit verify");
    for (const v1::AuditRecord& r : page.records()) {
      if (!verifier.Add(r)) {
        std::cerr << "redflagctl: audit verify: BROKEN at " << verifier.problem() << "\n";
        return 3;
      }
      req.set_after_seq(r.seq());
    }
  } while (page.records_size() > 0);
  if (!verifier.Finish(page.head_seq(), page.head_hash())) {
    std::cerr << "redflagctl: audit verify: BROKEN: " << verifier.problem() << "\n";
    return 3;
  }
  std::cout << "audit log intact: " << verifier.records() << " records, head " << page.head_seq()
            << " " << page.head_hash() << "\n";
  return 0;
}

}  // namespace redflag::cli

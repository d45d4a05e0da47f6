// redflagctl: the operator's and analyst's command line for redflagd.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cli/client_config.h"
#include "cli/client_credentials.h"
#include "cli/command.h"
#include "cli/estimate_report.h"
#include "cli/scenario.h"
#include "cli/screening_report.h"
#include "cli/terminal_safe.h"
#include "cli/tls_diagnosis.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "redflag/v1/access.grpc.pb.h"
#include "redflag/v1/alerts.grpc.pb.h"
#include "redflag/v1/compute.grpc.pb.h"
#include "redflag/v1/customers.grpc.pb.h"
#include "redflag/v1/jobs.grpc.pb.h"
#include "redflag/v1/screening.grpc.pb.h"
#include "redflag/v1/storage.grpc.pb.h"
#include "redflag/v1/telemetry.grpc.pb.h"

namespace redflag::cli {

const char* const kUsage = R"(usage: redflagctl [--addr HOST:PORT] [--timeout DURATION] COMMAND

commands:
  health [SERVICE]                  standard gRPC health check (exit 0 = SERVING)
  replay FILE.jsonl [--retries N] [--keep-going]
                                    send a recorded scenario, retrying what the
                                    daemon asks to retry (duplicates are safe)
  jobs list [--customer ID] [--limit N]
  jobs get JOB_ID                   a job with its running totals
  jobs register FILE.json|-         register a job (a JobSpec as JSON); the
                                    same spec again is fine (scheduler hooks)
  jobs end JOB_ID [--at TIME]       record its end (RFC 3339; default now)
  decide job --customer ID --model NAME --count N [--dedicated] [--workload KIND]
             [--cluster NAME] [--scheduler NAME --scheduler-job-id ID] [--json|--brief]
                                    what a scheduler would be told: ALLOW, REVIEW
                                    or DENY with every reason (exit 0, 4, 5);
                                    --brief: one line "VERDICT TTL_SECONDS SUMMARY"
  decide egress --model ID --country CC [--region NAME] [--checkpoint NAME]
             [--customer ID] [--principal NAME] [--json|--brief]
                                    may these weights be copied there? (exit 0, 4, 5)
  report --quarter 2026Q3|current [--format json|csv|html] [--out FILE] [--chart N]
                                    the quarter's compliance report, from
                                    point-in-time data (docs/reports.md)
  customers upsert FILE.json|-      create or replace a customer profile
  customers get CUSTOMER_ID [--as-of TIME]
                                    the profile (as it stood at TIME, RFC 3339)
  customers show CUSTOMER_ID        the profile and every finding about the
                                    customer, with its evidence
  screen NAME [--country CC] [--json]
                                    screen a name (any script) against the
                                    restricted-party lists in use; stores nothing
  screening lists [--json]          the lists in use: version, size, bad rows
  access record FILE.jsonl|-        send access events (one AccessEvent JSON
                                    object per line) in batches of 1000
  access summary CUSTOMER_ID        a customer's access over the policy window
  alerts list [--rule RULE] [--customer ID] [--all] [--json]
                                    --all: also those suppressed for now
  alerts show ALERT_ID [--json]     evidence, workflow and audit history
  alerts watch [--rule RULE]        current alerts, then every change (JSON lines)
  alerts ack ALERT_ID [--to NAME] [-m TEXT]
  alerts assign ALERT_ID --to NAME [-m TEXT]
  alerts comment ALERT_ID -m TEXT
  alerts resolve ALERT_ID --disposition true_positive|false_positive|licence_obtained|
                 no_action_required|duplicate [-m TEXT]
                 [--licence NUMBER [--licence-expires DATE|TIME]
                  [--licence-max-accelerators N]]
                                    licence_obtained names its licence; CheckJob
                                    lifts a reason on it only before it expires and
                                    for jobs within its size
  alerts reopen ALERT_ID -m TEXT
  alerts suppress ALERT_ID --until TIME [-m TEXT]
                                    every step is recorded with who (--actor NAME,
                                    else $REDFLAG_ACTOR, $USER or the login) in the audit log
  inquiries list [--state open|customer_asked|answered|closed]
  inquiries show INQUIRY_ID         an export-intent inquiry (its id is the Red
                                    Flag 28 alert's) with every step
  inquiries ask INQUIRY_ID [-m TEXT]
  inquiries answer INQUIRY_ID --intent no_export|export_under_licence|
                   provider_applies_for_licence [-m TEXT]
  inquiries close INQUIRY_ID [-m TEXT]
  clusters list [--as-of DATE|TIME] [--json]
                                    the cluster inventory as it was then, each
                                    cluster's peak arithmetic and whether it is
                                    reportable under the policy profile (R4)
  clusters history CLUSTER_ID       every dated description of one cluster
  clusters upsert --file F          record the clusters of an inventory file
                                    (examples/clusters.yaml)
  records list [--state draft|filed] [--customer ID] [--json]
                                    foreign-person training records (R5), their
                                    due dates (OVERDUE past them)
  records show RECORD_ID [--json]   what the report carries: the profile as of
                                    the day it opened, the access events
  records file RECORD_ID --reference REF [-m NOTE] [--actor NAME]
                                    record the filing with the agency's reference
  backup [--json]                   a consistent copy of the whole store, made by
                                    the daemon under storage.backup_dir; prints
                                    its path (restore: docs/operations.md#backups)
  audit verify                      check the audit log's hash chain end to end
                                    (exit 3 and the first broken record if not intact)
  compute show job|model|customer|parent ID [--json]
                                    estimated training operations with every
                                    method's arithmetic (a model includes its
                                    ancestors; parent = ultimate parent name)
  models publish MODEL_ID --evidence URL|TEXT [--at TIME] [--by NAME]
                                    record that the model's weights are
                                    published (TIME: RFC 3339, e.g. 2026-07-01T00:00:00Z)
  models unpublish MODEL_ID [--evidence TEXT] [--by NAME]
  models get MODEL_ID

options:
  --addr HOST:PORT     daemon address (default 127.0.0.1:50051, or $REDFLAG_ADDR)
  --timeout DURATION   per-call deadline (default 30s)
  --ca FILE            TLS: the CA that signed the daemon's certificate ($REDFLAG_TLS_CA);
                       without it the connection is plaintext (loopback daemons)
  --cert FILE, --key FILE
                       mutual TLS: this client's certificate and key
                       ($REDFLAG_TLS_CERT, $REDFLAG_TLS_KEY); who you are to the daemon
  --server-name NAME   the name the daemon's certificate must carry (default: the
                       host of --addr; $REDFLAG_TLS_SERVER_NAME)
  --config FILE        these settings from a file (addr, ca, cert, key, server_name,
                       timeout; default $REDFLAGCTL_CONFIG or
                       ~/.config/redflagctl/config.yaml when it exists); the
                       environment overrides it, flags override both

exit status: 0 done; 1 refused or failed; 2 usage; 3 audit log broken;
75 try again later (redflagd unreachable, overloaded or out of time)
)";

}  // namespace redflag::cli

namespace {

using redflag::cli::AllAlerts;
using redflag::cli::Cli;
using redflag::cli::Fail;
using redflag::cli::PrintJson;
using redflag::cli::ReadAll;
using redflag::cli::Usage;

bool Retryable(grpc::StatusCode c) {
  return c == grpc::StatusCode::UNAVAILABLE || c == grpc::StatusCode::DEADLINE_EXCEEDED ||
         c == grpc::StatusCode::RESOURCE_EXHAUSTED || c == grpc::StatusCode::ABORTED;
}

int Health(const Cli& cli, const std::vector<std::string>& args) {
  auto stub = grpc::health::v1::Health::NewStub(cli.channel);
  grpc::health::v1::HealthCheckRequest req;
  if (!args.empty()) req.set_service(args[0]);
  grpc::health::v1::HealthCheckResponse resp;
  grpc::Status s = stub->Check(cli.Context().get(), req, &resp);
  if (!s.ok()) return Fail(s, "health check");
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status()) << "\n";
  return resp.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

int Backup(const Cli& cli, const std::vector<std::string>& args) {
  bool json = false;
  for (const std::string& a : args) {
    if (a != "--json") return Usage("backup takes only --json");
    json = true;
  }
  auto stub = redflag::v1::StorageService::NewStub(cli.channel);
  redflag::v1::Backup b;
  grpc::Status s = stub->CreateBackup(cli.Context().get(), {}, &b);
  if (!s.ok()) return Fail(s, "backup");
  if (json) {
    PrintJson(b);
    return 0;
  }
  std::cout << b.path() << "\n"
            << "  " << b.bytes() << " bytes, audit chain to record " << b.audit_head_seq()
            << ", schema " << b.schema_version() << "\n";
  return 0;
}

int Replay(const Cli& cli, const std::vector<std::string>& args) {
  std::string path;
  int retries = 20;
  bool keep_going = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--retries" && i + 1 < args.size()) {
      if (!absl::SimpleAtoi(args[++i], &retries) || retries < 0) {
        return Usage("--retries needs a number");
      }
    } else if (args[i] == "--keep-going") {
      keep_going = true;
    } else if (path.empty()) {
      path = args[i];
    } else {
      return Usage("replay takes one file");
    }
  }
  if (path.empty()) return Usage("replay needs a scenario file");
  std::string text;
  if (!ReadAll(path, text)) {
    std::cerr << "redflagctl: " << path << ": cannot read\n";
    return 1;
  }
  absl::StatusOr<std::vector<redflag::cli::ScenarioEvent>> events =
      redflag::cli::ParseScenario(text);
  if (!events.ok()) {
    std::cerr << "redflagctl: " << path << ": " << events.status().message() << "\n";
    return 1;
  }

  auto jobs = redflag::v1::JobService::NewStub(cli.channel);
  auto telemetry = redflag::v1::TelemetryService::NewStub(cli.channel);
  auto customers = redflag::v1::CustomerService::NewStub(cli.channel);
  uint64_t accepted = 0, duplicate = 0, rejected = 0, registered = 0, upserted = 0, ended = 0,
           retried = 0, failed = 0;
  for (size_t i = 0; i < events->size(); ++i) {
    const auto& e = (*events)[i];
    grpc::Status s;
    for (int attempt = 0;; ++attempt) {
      auto ctx = cli.Context();
      switch (e.event_case()) {
        case redflag::cli::ScenarioEvent::kUpsertCustomer: {
          redflag::v1::UpsertCustomerResponse r;
          s = customers->UpsertCustomer(ctx.get(), e.upsert_customer(), &r);
          if (s.ok()) ++upserted;
          break;
        }
        case redflag::cli::ScenarioEvent::kRegisterJob: {
          redflag::v1::RegisterJobResponse r;
          s = jobs->RegisterJob(ctx.get(), e.register_job(), &r);
          if (s.ok()) ++registered;
          break;
        }
        case redflag::cli::ScenarioEvent::kSamples: {
          redflag::v1::BatchAck ack;
          s = telemetry->Ingest(ctx.get(), e.samples(), &ack);
          if (s.ok()) {
            accepted += ack.accepted();
            duplicate += ack.duplicate();
          }
          break;
        }
        case redflag::cli::ScenarioEvent::kEndJob: {
          redflag::v1::EndJobResponse r;
          s = jobs->EndJob(ctx.get(), e.end_job(), &r);
          if (s.ok()) ++ended;
          break;
        }
        case redflag::cli::ScenarioEvent::EVENT_NOT_SET:
          break;
      }
      if (s.ok() || !Retryable(s.error_code()) || attempt >= retries) break;
      ++retried;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(100 << attempt, 5000)));
    }
    if (!s.ok()) {
      ++failed;
      if (e.event_case() == redflag::cli::ScenarioEvent::kSamples) {
        rejected += static_cast<uint64_t>(e.samples().samples_size());
      }
      std::cerr << "redflagctl: event " << i + 1 << ": " << s.error_code() << " "
                << s.error_message() << "\n";
      if (!keep_going) return 1;
    }
  }
  std::cout << "replayed " << events->size() << " events: " << upserted << " customers upserted, "
            << registered << " jobs registered, " << ended << " jobs ended; samples " << accepted
            << " accepted, " << duplicate << " duplicate, " << rejected << " rejected; " << retried
            << " retries, " << failed << " failed events\n";
  return failed == 0 ? 0 : 1;
}

int Compute(const Cli& cli, const std::vector<std::string>& args) {
  const bool json = args.size() == 4 && args[3] == "--json";
  if (args.size() < 3 || args.size() > 4 || args[0] != "show" || (args.size() == 4 && !json)) {
    return Usage("compute needs show job|model|customer|parent ID [--json]");
  }
  redflag::v1::GetEstimateRequest req;
  if (args[1] == "job") {
    req.set_job_id(args[2]);
  } else if (args[1] == "model") {
    req.set_model_id(args[2]);
  } else if (args[1] == "customer") {
    req.set_customer_id(args[2]);
  } else if (args[1] == "parent") {
    req.set_ultimate_parent(args[2]);
  } else {
    return Usage(
        absl::StrCat("compute show: '", args[1], "' is not job, model, customer or parent"));
  }
  redflag::v1::EstimateReport report;
  grpc::Status s = redflag::v1::ComputeService::NewStub(cli.channel)
                       ->GetEstimate(cli.Context().get(), req, &report);
  if (!s.ok()) return Fail(s, "compute show");
  if (json) {
    PrintJson(report);
  } else {
    std::cout << redflag::cli::FormatEstimateReport(report);
  }
  return 0;
}

int Models(const Cli& cli, const std::vector<std::string>& args) {
  constexpr const char* kWhat =
      "models needs publish MODEL_ID --evidence TEXT [--at TIME] [--by NAME], unpublish MODEL_ID "
      "or get MODEL_ID";
  if (args.size() < 2) return Usage(kWhat);
  auto stub = redflag::v1::ComputeService::NewStub(cli.channel);
  redflag::v1::ModelRecord record;
  if (args[0] == "get") {
    if (args.size() != 2) return Usage(kWhat);
    redflag::v1::GetModelRequest req;
    req.set_model_id(args[1]);
    grpc::Status s = stub->GetModel(cli.Context().get(), req, &record);
    if (!s.ok()) return Fail(s, "models get");
    PrintJson(record);
    return 0;
  }
  if (args[0] != "publish" && args[0] != "unpublish") return Usage(kWhat);
  redflag::v1::SetModelPublicationRequest req;
  req.set_model_id(args[1]);
  auto* p = req.mutable_publication();
  p->set_weights_published(args[0] == "publish");
  for (size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--evidence" && i + 1 < args.size()) {
      p->set_evidence(args[++i]);
    } else if (args[i] == "--by" && i + 1 < args.size()) {
      p->set_recorded_by(args[++i]);
    } else if (args[i] == "--at" && i + 1 < args.size() && args[0] == "publish") {
      absl::Time t;
      std::string err;
      if (!absl::ParseTime(absl::RFC3339_full, args[++i], &t, &err)) {
        return Usage(absl::StrCat("--at: ", err));
      }
      p->set_published_unix_ms(absl::ToUnixMillis(t));
    } else {
      return Usage(absl::StrCat("models ", args[0], ": unknown argument '", args[i], "'"));
    }
  }
  grpc::Status s = stub->SetModelPublication(cli.Context().get(), req, &record);
  if (!s.ok()) return Fail(s, absl::StrCat("models ", args[0]));
  PrintJson(record);
  return 0;
}

int Customers(const Cli& cli, const std::vector<std::string>& args) {
  constexpr const char* kWhat = "customers needs upsert FILE, get ID [--as-of TIME] or show ID";
  if (args.size() < 2) return Usage(kWhat);
  auto stub = redflag::v1::CustomerService::NewStub(cli.channel);
  if (args[0] == "get" || args[0] == "show") {
    redflag::v1::GetCustomerRequest req;
    req.set_customer_id(args[1]);
    for (size_t i = 2; i < args.size(); ++i) {
      absl::Time t;
      std::string err;
      if (args[i] == "--as-of" && i + 1 < args.size() && args[0] == "get") {
        if (!absl::ParseTime(absl::RFC3339_full, args[++i], &t, &err)) {
          return Usage(absl::StrCat("--as-of: ", err));
        }
        req.set_as_of_unix_ms(absl::ToUnixMillis(t));
      } else {
        return Usage(absl::StrCat("customers ", args[0], ": unknown argument '", args[i], "'"));
      }
    }
    redflag::v1::Customer c;
    grpc::Status s = stub->GetCustomer(cli.Context().get(), req, &c);
    if (!s.ok()) return Fail(s, absl::StrCat("customers ", args[0]));
    if (args[0] == "get") {
      PrintJson(c);
      return 0;
    }
    redflag::v1::ListAlertsRequest alerts;
    alerts.mutable_filter()->set_customer_id(args[1]);
    std::vector<redflag::v1::Alert> findings;
    if (grpc::Status as = AllAlerts(cli, alerts, findings); !as.ok()) {
      return Fail(as, "customers show");
    }
    redflag::v1::ListCustomerScreeningsRequest sreq;
    sreq.set_customer_id(args[1]);
    sreq.set_limit(1);
    redflag::v1::ListCustomerScreeningsResponse screenings;
    grpc::Status ss = redflag::v1::ScreeningService::NewStub(cli.channel)
                          ->ListCustomerScreenings(cli.Context().get(), sreq, &screenings);
    if (!ss.ok()) return Fail(ss, "customers show");
    std::cout << redflag::cli::FormatCustomer(
        c, {screenings.records().begin(), screenings.records().end()}, findings);
    return 0;
  }
  if (args[0] != "upsert" || args.size() != 2) return Usage(kWhat);
  std::string text;
  if (!ReadAll(args[1], text)) {
    std::cerr << "redflagctl: " << args[1] << ": cannot read\n";
    return 1;
  }
  redflag::v1::UpsertCustomerRequest req;
  auto st = google::protobuf::util::JsonStringToMessage(text, req.mutable_profile());
  if (!st.ok()) {
    std::cerr << "redflagctl: " << args[1] << ": not a customer profile: " << st.message() << "\n";
    return 1;
  }
  redflag::v1::UpsertCustomerResponse resp;
  grpc::Status s = stub->UpsertCustomer(cli.Context().get(), req, &resp);
  if (!s.ok()) return Fail(s, "customers upsert");
  PrintJson(resp);
  return 0;
}

int Access(const Cli& cli, const std::vector<std::string>& args) {
  constexpr const char* kWhat = "access needs record FILE.jsonl|- or summary CUSTOMER_ID";
  if (args.size() != 2) return Usage(kWhat);
  auto stub = redflag::v1::AccessService::NewStub(cli.channel);
  if (args[0] == "summary") {
    redflag::v1::GetAccessSummaryRequest req;
    req.set_customer_id(args[1]);
    redflag::v1::AccessSummary summary;
    grpc::Status s = stub->GetAccessSummary(cli.Context().get(), req, &summary);
    if (!s.ok()) return Fail(s, "access summary");
    PrintJson(summary);
    return 0;
  }
  if (args[0] != "record") return Usage(kWhat);
  std::string text;
  if (!ReadAll(args[1], text)) {
    std::cerr << "redflagctl: " << args[1] << ": cannot read\n";
    return 1;
  }
  redflag::v1::RecordAccessRequest batch;
  uint64_t recorded = 0;
  auto send = [&]() -> int {
    if (batch.events().empty()) return 0;
    redflag::v1::RecordAccessResponse resp;
    grpc::Status s = stub->RecordAccess(cli.Context().get(), batch, &resp);
    if (!s.ok()) return Fail(s, "access record");
    recorded += resp.recorded();
    batch.clear_events();
    return 0;
  };
  std::istringstream lines(text);
  int line_no = 0;
  for (std::string line; std::getline(lines, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto st = google::protobuf::util::JsonStringToMessage(line, batch.add_events());
    if (!st.ok()) {
      std::cerr << "redflagctl: " << args[1] << ":" << line_no
                << ": not an access event: " << st.message() << "\n";
      return 1;
    }
    if (batch.events_size() == 1000) {
      if (int rc = send(); rc != 0) return rc;
    }
  }
  if (int rc = send(); rc != 0) return rc;
  std::cout << "recorded " << recorded << " access events\n";
  return 0;
}

int Screen(const Cli& cli, const std::vector<std::string>& args) {
  redflag::v1::ScreenRequest req;
  bool json = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--country" && i + 1 < args.size()) {
      req.set_country(args[++i]);
    } else if (args[i] == "--json") {
      json = true;
    } else if (req.name().empty() && !absl::StartsWith(args[i], "--")) {
      req.set_name(args[i]);
    } else {
      return Usage(absl::StrCat("screen: unknown argument '", args[i], "'"));
    }
  }
  if (req.name().empty()) return Usage("screen needs a NAME");
  auto stub = redflag::v1::ScreeningService::NewStub(cli.channel);
  redflag::v1::ScreenResponse resp;
  grpc::Status s = stub->Screen(cli.Context().get(), req, &resp);
  if (!s.ok()) return Fail(s, "screen");
  if (json) {
    PrintJson(resp);
  } else {
    std::cout << redflag::cli::FormatScreenResponse(req.name(), req.country(), resp);
  }
  return 0;
}

int Screening(const Cli& cli, const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "lists" || args.size() > 2 ||
      (args.size() == 2 && args[1] != "--json")) {
    return Usage("screening needs lists [--json]");
  }
  auto stub = redflag::v1::ScreeningService::NewStub(cli.channel);
  redflag::v1::ListListsResponse resp;
  grpc::Status s = stub->ListLists(cli.Context().get(), redflag::v1::ListListsRequest(), &resp);
  if (!s.ok()) return Fail(s, "screening lists");
  if (args.size() == 2) {
    PrintJson(resp);
  } else {
    std::cout << redflag::cli::FormatLists(resp);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Everything printed is made terminal-safe (cli/terminal_safe.h); the
  // original buffers are back before the streams flush at exit.
  redflag::cli::TerminalSafeBuf safe_out(std::cout.rdbuf()), safe_err(std::cerr.rdbuf());
  struct Restore {
    std::streambuf* out = std::cout.rdbuf();
    std::streambuf* err = std::cerr.rdbuf();
    ~Restore() {
      std::cout.flush();
      std::cerr.flush();
      std::cout.rdbuf(out);
      std::cerr.rdbuf(err);
    }
  } restore;
  std::cout.rdbuf(&safe_out);
  std::cerr.rdbuf(&safe_err);
  Cli cli;
  auto env_or = [](const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string() : std::string(v);
  };
  // Settings from the config file, then the environment, then flags.
  std::string config_file = redflag::cli::DefaultClientConfigPath();
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--config") config_file = argv[i + 1];
  }
  redflag::cli::ClientConfig file;
  if (!config_file.empty()) {
    absl::StatusOr<redflag::cli::ClientConfig> read = redflag::cli::ReadClientConfig(config_file);
    if (!read.ok()) return Usage(std::string(read.status().message()));
    file = *read;
  }
  auto setting = [&](const std::string& from_file, const char* env) {
    std::string v = env_or(env);
    return v.empty() ? from_file : v;
  };
  if (!file.addr.empty()) cli.addr = file.addr;
  if (std::string env = env_or("REDFLAG_ADDR"); !env.empty()) cli.addr = env;
  if (file.timeout) cli.timeout = *file.timeout;
  std::string ca = setting(file.ca, "REDFLAG_TLS_CA"),
              cert = setting(file.cert, "REDFLAG_TLS_CERT"),
              key = setting(file.key, "REDFLAG_TLS_KEY"),
              server_name = setting(file.server_name, "REDFLAG_TLS_SERVER_NAME");
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      ++i;  // read above
    } else if (a == "--addr" && i + 1 < argc) {
      cli.addr = argv[++i];
    } else if (a == "--ca" && i + 1 < argc) {
      ca = argv[++i];
    } else if (a == "--cert" && i + 1 < argc) {
      cert = argv[++i];
    } else if (a == "--key" && i + 1 < argc) {
      key = argv[++i];
    } else if (a == "--server-name" && i + 1 < argc) {
      server_name = argv[++i];
    } else if (a == "--timeout" && i + 1 < argc) {
      if (!absl::ParseDuration(argv[++i], &cli.timeout)) return Usage("--timeout needs e.g. 10s");
    } else if (a == "-h" || a == "--help") {
      std::cout << redflag::cli::kUsage;
      return 0;
    } else {
      args.push_back(a);
    }
  }
  if (args.empty()) return Usage("no command");
  grpc::ChannelArguments ch_args;
  ch_args.SetMaxSendMessageSize(64 << 20);
  // A quarter's report over a large fleet runs to many megabytes.
  ch_args.SetMaxReceiveMessageSize(1 << 30);
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      redflag::cli::ClientCredentials(ca, cert, key);
  if (!credentials.ok()) {
    std::cerr << "redflagctl: " << credentials.status().message() << "\n";
    return 2;
  }
  if (!server_name.empty()) ch_args.SetSslTargetNameOverride(server_name);
  cli.channel = grpc::CreateCustomChannel(cli.addr, *credentials, ch_args);
  redflag::cli::SetUnavailableDiagnosis(
      [tls = redflag::cli::TlsSettings{cli.addr, server_name, ca, cert, key}] {
        return redflag::cli::DiagnoseTls(tls);
      });
  std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "health") return Health(cli, args);
  if (cmd == "replay") return Replay(cli, args);
  if (cmd == "jobs") return redflag::cli::Jobs(cli, args);
  if (cmd == "decide") return redflag::cli::Decide(cli, args);
  if (cmd == "report") return redflag::cli::Report(cli, args);
  if (cmd == "customers") return Customers(cli, args);
  if (cmd == "alerts") return redflag::cli::Alerts(cli, args);
  if (cmd == "audit") return redflag::cli::Audit(cli, args);
  if (cmd == "backup") return Backup(cli, args);
  if (cmd == "inquiries") return redflag::cli::Inquiries(cli, args);
  if (cmd == "clusters") return redflag::cli::Clusters(cli, args);
  if (cmd == "records") return redflag::cli::Records(cli, args);
  if (cmd == "compute") return Compute(cli, args);
  if (cmd == "models") return Models(cli, args);
  if (cmd == "screen") return Screen(cli, args);
  if (cmd == "screening") return Screening(cli, args);
  if (cmd == "access") return Access(cli, args);
  return Usage(absl::StrCat("unknown command '", cmd, "'"));
}

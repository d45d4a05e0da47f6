// redflagctl decide job|egress: ask DecisionService.CheckJob what a scheduler
// would be told, or EgressService.CheckEgress whether a copy of weights may
// go, and print the verdict with every reason (or the Decision as JSON).
// The exit code is the verdict, for scripts: 0 ALLOW, 4 REVIEW, 5 DENY.
// --brief prints one line for callers without a JSON parser (the Slurm
// job_submit.lua): "VERDICT SECONDS SUMMARY", SECONDS the answer may be
// cached for, SUMMARY without control characters.
#include <algorithm>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cli/command.h"
#include "redflag/v1/decisions.grpc.pb.h"
#include "redflag/v1/egress.grpc.pb.h"

namespace redflag::cli {
namespace {

// "DENY" of VERDICT_DENY.
std::string Word(v1::Verdict v) { return v1::Verdict_Name(v).substr(sizeof("VERDICT_") - 1); }

// The verdict after `what` was asked, then each reason.
std::string Format(const std::string& what, const v1::Decision& d) {
  std::string out = absl::StrCat(Word(d.verdict()), "  ", what, "\n");
  for (const v1::DecisionReason& r : d.reasons()) {
    absl::StrAppendFormat(&out, "  %-7s %s: %s\n", r.lifted() ? "lifted" : Word(r.verdict()),
                          r.rule(), r.evidence());
    if (!r.alert_id().empty()) absl::StrAppend(&out, "          alert ", r.alert_id(), "\n");
    if (r.lifted()) absl::StrAppend(&out, "          lifted by ", r.lifted_by(), "\n");
  }
  if (d.reasons_size() == 0) absl::StrAppend(&out, "  no reason holds it back\n");
  absl::StrAppend(&out, "policy ", d.policy_profile(), "; the answer holds until ",
                  absl::FormatTime(absl::RFC3339_sec, absl::FromUnixMillis(d.cache_until_unix_ms()),
                                   absl::UTCTimeZone()),
                  "\n");
  return out;
}

std::string Brief(const v1::Decision& d, absl::Time now) {
  const int64_t ttl = std::max<int64_t>(
      0, absl::ToInt64Seconds(absl::FromUnixMillis(d.cache_until_unix_ms()) - now));
  std::string summary = d.summary();
  std::replace_if(
      summary.begin(), summary.end(), [](char c) { return absl::ascii_iscntrl(c); }, ' ');
  return absl::StrCat(Word(d.verdict()), " ", ttl, " ", summary, "\n");
}

// Prints `d` as asked and returns the verdict's exit code.
int Print(const v1::Decision& d, const std::string& what, bool json, bool brief) {
  if (json) {
    PrintJson(d);
  } else if (brief) {
    std::cout << Brief(d, absl::Now());
  } else {
    std::cout << Format(what, d);
  }
  return d.verdict() == v1::VERDICT_DENY ? 5 : d.verdict() == v1::VERDICT_REVIEW ? 4 : 0;
}

int DecideEgress(const Cli& cli, const std::vector<std::string>& args) {
  v1::CheckEgressRequest req;
  bool json = false, brief = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--json") {
      json = true;
    } else if (a == "--brief") {
      brief = true;
    } else if (a == "--model" && has_value) {
      req.set_model_id(args[++i]);
    } else if (a == "--checkpoint" && has_value) {
      req.set_checkpoint(args[++i]);
    } else if (a == "--country" && has_value) {
      req.set_destination_country(args[++i]);
    } else if (a == "--region" && has_value) {
      req.set_destination_region(args[++i]);
    } else if (a == "--customer" && has_value) {
      req.set_customer_id(args[++i]);
    } else if (a == "--principal" && has_value) {
      req.set_principal(args[++i]);
    } else {
      return Usage(absl::StrCat("decide egress: unknown argument '", a, "'"));
    }
  }
  v1::Decision d;
  grpc::Status s =
      v1::EgressService::NewStub(cli.channel)->CheckEgress(cli.Context().get(), req, &d);
  if (!s.ok()) return Fail(s, "decide egress");
  return Print(
      d,
      absl::StrCat("model ", req.model_id(),
                   req.checkpoint().empty() ? "" : absl::StrCat(" (", req.checkpoint(), ")"),
                   " to ", req.destination_country(), req.destination_region().empty() ? "" : " ",
                   req.destination_region()),
      json, brief);
}

}  // namespace

int Decide(const Cli& cli, const std::vector<std::string>& args) {
  constexpr const char* kWhat =
      "decide job --customer ID --model NAME --count N [--dedicated] [--workload KIND] "
      "[--cluster NAME] [--scheduler NAME --scheduler-job-id ID] [--json|--brief], or "
      "decide egress --model ID --country CC [--region NAME] [--checkpoint NAME] "
      "[--customer ID] [--principal NAME] [--json|--brief]";
  if (!args.empty() && args[0] == "egress") return DecideEgress(cli, args);
  if (args.empty() || args[0] != "job") return Usage(kWhat);
  v1::CheckJobRequest req;
  bool json = false, brief = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--dedicated") {
      req.set_dedicated(true);
    } else if (a == "--json") {
      json = true;
    } else if (a == "--brief") {
      brief = true;
    } else if (a == "--customer" && has_value) {
      req.set_customer_id(args[++i]);
    } else if (a == "--model" && has_value) {
      req.set_accelerator_model(args[++i]);
    } else if (a == "--count" && has_value) {
      uint32_t n = 0;
      if (!absl::SimpleAtoi(args[++i], &n)) return Usage("--count needs a number");
      req.set_accelerator_count(n);
    } else if (a == "--workload" && has_value) {
      v1::WorkloadKind kind;
      if (!v1::WorkloadKind_Parse(absl::StrCat("WORKLOAD_KIND_", absl::AsciiStrToUpper(args[++i])),
                                  &kind)) {
        return Usage(absl::StrCat("--workload: unknown kind '", args[i], "'"));
      }
      req.set_workload(kind);
    } else if (a == "--cluster" && has_value) {
      req.set_cluster(args[++i]);
    } else if (a == "--scheduler" && has_value) {
      req.set_scheduler(args[++i]);
    } else if (a == "--scheduler-job-id" && has_value) {
      req.set_scheduler_job_id(args[++i]);
    } else {
      return Usage(absl::StrCat("decide job: unknown argument '", a, "'"));
    }
  }
  v1::Decision d;
  grpc::Status s =
      v1::DecisionService::NewStub(cli.channel)->CheckJob(cli.Context().get(), req, &d);
  if (!s.ok()) return Fail(s, "decide job");
  return Print(d,
               absl::StrFormat("customer %s: %u x %s%s", req.customer_id(), req.accelerator_count(),
                               req.accelerator_model(), req.dedicated() ? ", dedicated" : ""),
               json, brief);
}

}  // namespace redflag::cli

// redflagctl jobs list|get|register|end: what scheduler hooks (the Slurm
// prolog and epilog in deploy/slurm) and operators do with jobs.
#include <google/protobuf/util/json_util.h>

#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/command.h"
#include "redflag/v1/jobs.grpc.pb.h"

namespace redflag::cli {
namespace {

int List(const Cli& cli, const std::vector<std::string>& args) {
  auto stub = v1::JobService::NewStub(cli.channel);
  v1::ListJobsRequest req;
  uint64_t limit = UINT64_MAX;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--customer" && i + 1 < args.size()) {
      req.set_customer_id(args[++i]);
    } else if (args[i] == "--limit" && i + 1 < args.size()) {
      if (!absl::SimpleAtoi(args[++i], &limit)) return Usage("--limit needs a number");
    } else {
      return Usage(absl::StrCat("jobs list: unknown argument '", args[i], "'"));
    }
  }
  v1::ListJobsResponse all;
  do {
    v1::ListJobsResponse page;
    grpc::Status s = stub->ListJobs(cli.Context().get(), req, &page);
    if (!s.ok()) return Fail(s, "jobs list");
    for (auto& j : *page.mutable_jobs()) {
      if (static_cast<uint64_t>(all.jobs_size()) < limit) *all.add_jobs() = std::move(j);
    }
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty() && static_cast<uint64_t>(all.jobs_size()) < limit);
  PrintJson(all);
  return 0;
}

int Register(const Cli& cli, const std::string& path) {
  std::string text;
  if (!ReadAll(path, text)) {
    std::cerr << "redflagctl: " << path << ": cannot read\n";
    return 1;
  }
  v1::RegisterJobRequest req;
  auto st = google::protobuf::util::JsonStringToMessage(text, req.mutable_job());
  if (!st.ok()) {
    std::cerr << "redflagctl: " << path << ": not a job spec: " << st.message() << "\n";
    return 1;
  }
  v1::RegisterJobResponse resp;
  grpc::Status s =
      v1::JobService::NewStub(cli.channel)->RegisterJob(cli.Context().get(), req, &resp);
  if (!s.ok()) return Fail(s, "jobs register");
  PrintJson(resp);
  return 0;
}

int End(const Cli& cli, const std::vector<std::string>& args) {
  v1::EndJobRequest req;
  req.set_job_id(args[1]);
  req.set_end_unix_ms(absl::ToUnixMillis(absl::Now()));
  for (size_t i = 2; i < args.size(); ++i) {
    absl::Time t;
    std::string err;
    if (args[i] == "--at" && i + 1 < args.size()) {
      if (!absl::ParseTime(absl::RFC3339_full, args[++i], &t, &err)) {
        return Usage(absl::StrCat("--at: ", err));
      }
      req.set_end_unix_ms(absl::ToUnixMillis(t));
    } else {
      return Usage(absl::StrCat("jobs end: unknown argument '", args[i], "'"));
    }
  }
  v1::EndJobResponse resp;
  grpc::Status s = v1::JobService::NewStub(cli.channel)->EndJob(cli.Context().get(), req, &resp);
  if (!s.ok()) return Fail(s, "jobs end");
  PrintJson(resp);
  return 0;
}

}  // namespace

int Jobs(const Cli& cli, const std::vector<std::string>& args) {
  constexpr const char* kWhat =
      "jobs needs list, get JOB_ID, register FILE.json|- or end JOB_ID [--at TIME]";
  if (args.empty()) return Usage(kWhat);
  if (args[0] == "list") return List(cli, args);
  if (args[0] == "get" && args.size() == 2) {
    v1::GetJobRequest req;
    req.set_job_id(args[1]);
    v1::Job job;
    grpc::Status s = v1::JobService::NewStub(cli.channel)->GetJob(cli.Context().get(), req, &job);
    if (!s.ok()) return Fail(s, "jobs get");
    PrintJson(job);
    return 0;
  }
  if (args[0] == "register" && args.size() == 2) return Register(cli, args[1]);
  if (args[0] == "end" && args.size() >= 2) return End(cli, args);
  return Usage(kWhat);
}

}  // namespace redflag::cli

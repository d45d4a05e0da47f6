#include "absl/strings/str_cat.h"
#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status JobServiceImpl::RegisterJob(grpc::ServerContext* context,
                                         const v1::RegisterJobRequest* req,
                                         v1::RegisterJobResponse* resp) {
  return Counted(ctx_, context, "/redflag.v1.JobService/RegisterJob", *req, [&]() -> absl::Status {
    if (absl::Status s = ValidateJobSpec(req->job(), *ctx_.limits, ctx_.now()); !s.ok()) return s;
    absl::StatusOr<RegisterOutcome> out = ctx_.ledger->RegisterJob(req->job());
    if (!out.ok()) return out.status();
    resp->set_created(out->created);
    *resp->mutable_job() = std::move(out->job);
    return absl::OkStatus();
  });
}

grpc::Status JobServiceImpl::EndJob(grpc::ServerContext* context, const v1::EndJobRequest* req,
                                    v1::EndJobResponse* resp) {
  return Counted(ctx_, context, "/redflag.v1.JobService/EndJob", *req, [&]() -> absl::Status {
    if (absl::Status s = ValidateEndJob(*req, *ctx_.limits, ctx_.now()); !s.ok()) return s;
    absl::StatusOr<v1::Job> job = ctx_.ledger->EndJob(req->job_id(), req->end_unix_ms());
    if (!job.ok()) return job.status();
    // On record once the end is durable (the ledger writes it in its own
    // group). Should this fail, the caller's retry is a no-op for the ledger
    // and records it then.
    std::unique_ptr<WriteBatch> wb = ctx_.audit_store->NewBatch();
    absl::StatusOr<v1::AuditRecord> r =
        ctx_.audit->Write(*wb,
                          {AuditActor(ctx_, *context, ""),
                           "job.ended",
                           absl::StrCat("job/", req->job_id()),
                           {{"end_unix_ms", absl::StrCat(req->end_unix_ms())},
                            {"customer_id", job->spec().customer_id()},
                            {"accelerator_ms", absl::StrCat(job->totals().accelerator_ms())}}},
                          ctx_.now());
    if (!r.ok()) {
      return absl::UnavailableError(
          absl::StrCat("the job's end is stored but not yet in the audit log (",
                       r.status().message(), "); retry"));
    }
    *resp->mutable_job() = std::move(*job);
    return absl::OkStatus();
  });
}

grpc::Status JobServiceImpl::GetJob(grpc::ServerContext* context, const v1::GetJobRequest* req,
                                    v1::Job* resp) {
  return Counted(ctx_, context, "/redflag.v1.JobService/GetJob", *req, [&]() -> absl::Status {
    if (absl::Status s = ValidateId("job_id", req->job_id()); !s.ok()) return s;
    absl::StatusOr<v1::Job> job = ctx_.ledger->GetJob(req->job_id());
    if (!job.ok()) return job.status();
    *resp = std::move(*job);
    return absl::OkStatus();
  });
}

grpc::Status JobServiceImpl::ListJobs(grpc::ServerContext* context, const v1::ListJobsRequest* req,
                                      v1::ListJobsResponse* resp) {
  return Counted(ctx_, context, "/redflag.v1.JobService/ListJobs", *req, [&]() -> absl::Status {
    if (req->page_size() > 1000) {
      return absl::InvalidArgumentError(
          absl::StrCat("page_size: must be at most 1000, got ", req->page_size()));
    }
    const size_t page = req->page_size() == 0 ? 100 : req->page_size();
    std::vector<v1::Job> jobs =
        ctx_.ledger->ListJobs(req->customer_id(), req->page_token(), page + 1);
    // A page ends at its count or at kMaxPageBytes, whichever comes first.
    size_t bytes = 0, i = 0;
    for (; i < jobs.size() && i < page; ++i) {
      bytes += jobs[i].ByteSizeLong() + 8;
      if (i > 0 && bytes > kMaxPageBytes) break;
      *resp->add_jobs() = std::move(jobs[i]);
    }
    if (i < jobs.size()) {
      resp->set_next_page_token(resp->jobs(resp->jobs_size() - 1).spec().job_id());
    }
    return absl::OkStatus();
  });
}

}  // namespace redflag

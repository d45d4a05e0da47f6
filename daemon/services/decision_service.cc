#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status DecisionServiceImpl::CheckJob(grpc::ServerContext* context,
                                           const v1::CheckJobRequest* req, v1::Decision* resp) {
  return Counted(
      ctx_, context, "/redflag.v1.DecisionService/CheckJob", *req, [&]() -> absl::Status {
        if (absl::Status s = ValidateCheckJob(*req, *ctx_.limits); !s.ok()) return s;
        absl::StatusOr<v1::Decision> d = ctx_.decisions->Check(*req, ctx_.now());
        if (!d.ok()) return d.status();
        if (d->verdict() != v1::VERDICT_ALLOW) {
          // On record with who asked, before the answer goes out.
          std::vector<std::string> rules;
          for (const v1::DecisionReason& r : d->reasons()) {
            if (!r.lifted()) rules.push_back(r.rule());
          }
          std::unique_ptr<WriteBatch> wb = ctx_.audit_store->NewBatch();
          absl::StatusOr<v1::AuditRecord> rec = ctx_.audit->Write(
              *wb,
              {AuditActor(ctx_, *context, ""),
               "decision.job",
               absl::StrCat("customer/", req->customer_id()),
               {{"verdict", v1::Verdict_Name(d->verdict())},
                {"reasons", absl::StrJoin(rules, ",")},
                {"scheduler", req->scheduler()},
                {"scheduler_job_id", req->scheduler_job_id()},
                {"cluster", req->cluster()},
                {"accelerators",
                 absl::StrCat(req->accelerator_count(), " x ", req->accelerator_model())},
                {"dedicated", req->dedicated() ? "yes" : "no"}}},
              ctx_.now());
          if (!rec.ok()) {
            return absl::UnavailableError(absl::StrCat("the decision could not be put on record (",
                                                       rec.status().message(), "); retry"));
          }
        }
        *resp = std::move(*d);
        return absl::OkStatus();
      });
}

}  // namespace redflag

#include "absl/strings/str_cat.h"
#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status RecordServiceImpl::ListRecords(grpc::ServerContext* context,
                                            const v1::ListRecordsRequest* req,
                                            v1::ListRecordsResponse* resp) {
  return Counted(
      ctx_, context, "/redflag.v1.RecordService/ListRecords", *req, [&]() -> absl::Status {
        if (!v1::RecordState_IsValid(req->state())) {
          return absl::InvalidArgumentError(absl::StrCat("state: unknown value ", req->state()));
        }
        absl::StatusOr<std::vector<v1::ForeignPersonRecord>> records =
            ctx_.records->List(req->state(), req->customer_id(), /*brief=*/true);
        if (!records.ok()) return records.status();
        for (v1::ForeignPersonRecord& r : *records) *resp->add_records() = std::move(r);
        return absl::OkStatus();
      });
}

grpc::Status RecordServiceImpl::GetRecord(grpc::ServerContext* context,
                                          const v1::GetRecordRequest* req,
                                          v1::ForeignPersonRecord* resp) {
  return Counted(ctx_, context, "/redflag.v1.RecordService/GetRecord", *req, [&]() -> absl::Status {
    if (req->record_id().empty()) {
      return absl::InvalidArgumentError("record_id: is required");
    }
    absl::StatusOr<std::optional<v1::ForeignPersonRecord>> r = ctx_.records->Get(req->record_id());
    if (!r.ok()) return r.status();
    if (!r->has_value()) {
      return absl::NotFoundError(absl::StrCat("record_id: no record '", req->record_id(), "'"));
    }
    *resp = std::move(**r);
    return absl::OkStatus();
  });
}

grpc::Status RecordServiceImpl::FileRecord(grpc::ServerContext* context,
                                           const v1::FileRecordRequest* req,
                                           v1::ForeignPersonRecord* resp) {
  return Counted(
      ctx_, context, "/redflag.v1.RecordService/FileRecord", *req, [&]() -> absl::Status {
        if (absl::Status s = ValidateFileRecord(*req); !s.ok()) return s;
        absl::StatusOr<v1::ForeignPersonRecord> r =
            ctx_.records->File(*req, AuditActor(ctx_, *context, req->actor()), ctx_.now());
        if (!r.ok()) return r.status();
        *resp = std::move(*r);
        return absl::OkStatus();
      });
}

}  // namespace redflag

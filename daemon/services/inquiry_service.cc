#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status InquiryServiceImpl::GetInquiry(grpc::ServerContext* context,
                                            const v1::GetInquiryRequest* req, v1::Inquiry* resp) {
  return Counted(ctx_, context, "/redflag.v1.InquiryService/GetInquiry", *req,
                 [&]() -> absl::Status {
                   if (req->inquiry_id().empty())
                     return absl::InvalidArgumentError("inquiry_id: is required");
                   absl::StatusOr<v1::Inquiry> q = ctx_.inquiries->Get(req->inquiry_id());
                   if (!q.ok()) return q.status();
                   *resp = std::move(*q);
                   return absl::OkStatus();
                 });
}

grpc::Status InquiryServiceImpl::ListInquiries(grpc::ServerContext* context,
                                               const v1::ListInquiriesRequest* req,
                                               v1::ListInquiriesResponse* resp) {
  return Counted(
      ctx_, context, "/redflag.v1.InquiryService/ListInquiries", *req, [&]() -> absl::Status {
        absl::StatusOr<std::vector<v1::Inquiry>> all = ctx_.inquiries->List(req->state());
        if (!all.ok()) return all.status();
        for (v1::Inquiry& q : *all) *resp->add_inquiries() = std::move(q);
        return absl::OkStatus();
      });
}

grpc::Status InquiryServiceImpl::AdvanceInquiry(grpc::ServerContext* context,
                                                const v1::AdvanceInquiryRequest* req,
                                                v1::Inquiry* resp) {
  return Counted(ctx_, context, "/redflag.v1.InquiryService/AdvanceInquiry", *req,
                 [&]() -> absl::Status {
                   v1::AdvanceInquiryRequest step = *req;
                   step.set_actor(AuditActor(ctx_, *context, req->actor()));
                   if (absl::Status s = ValidateAdvanceInquiry(step); !s.ok()) return s;
                   absl::StatusOr<v1::Inquiry> q = ctx_.inquiries->Advance(step, ctx_.now());
                   if (!q.ok()) return q.status();
                   *resp = std::move(*q);
                   return absl::OkStatus();
                 });
}

}  // namespace redflag

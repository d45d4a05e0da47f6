#include "daemon/screening/screening_proto.h"
#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status ScreeningServiceImpl::Screen(grpc::ServerContext* context,
                                          const v1::ScreenRequest* req, v1::ScreenResponse* resp) {
  return Counted(ctx_, context, "/redflag.v1.ScreeningService/Screen", *req, [&]() -> absl::Status {
    if (absl::Status s = ValidateScreenRequest(*req); !s.ok()) return s;
    for (const ListStatus& l : ctx_.lists->Status()) {
      if (l.in_use) resp->add_lists(l.name);
    }
    for (const ListHit& h : ctx_.lists->Screen(req->name(), req->country())) {
      *resp->add_hits() = ToProto(h);
    }
    return absl::OkStatus();
  });
}

grpc::Status ScreeningServiceImpl::ListLists(grpc::ServerContext* context,
                                             const v1::ListListsRequest*,
                                             v1::ListListsResponse* resp) {
  return Counted(ctx_, context, "/redflag.v1.ScreeningService/ListLists", [&]() -> absl::Status {
    for (const ListStatus& l : ctx_.lists->Status()) *resp->add_lists() = ToProto(l);
    return absl::OkStatus();
  });
}

grpc::Status ScreeningServiceImpl::ListCustomerScreenings(
    grpc::ServerContext* context, const v1::ListCustomerScreeningsRequest* req,
    v1::ListCustomerScreeningsResponse* resp) {
  return Counted(ctx_, context, "/redflag.v1.ScreeningService/ListCustomerScreenings", *req,
                 [&]() -> absl::Status {
                   if (absl::Status s = ValidateId("customer_id", req->customer_id()); !s.ok())
                     return s;
                   const size_t limit =
                       req->limit() == 0 ? 20 : std::min<uint32_t>(req->limit(), 1000);
                   absl::StatusOr<std::vector<v1::ScreeningRecord>> records =
                       ctx_.screening->Records(req->customer_id(), limit);
                   if (!records.ok()) return records.status();
                   for (v1::ScreeningRecord& r : *records) *resp->add_records() = std::move(r);
                   return absl::OkStatus();
                 });
}

}  // namespace redflag

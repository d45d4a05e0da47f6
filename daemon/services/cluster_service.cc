#include "absl/strings/str_cat.h"
#include "daemon/services/services.h"
#include "daemon/validation/validation.h"

namespace redflag {

grpc::Status ClusterServiceImpl::UpsertCluster(grpc::ServerContext* context,
                                               const v1::UpsertClusterRequest* req,
                                               v1::UpsertClusterResponse* resp) {
  return Counted(
      ctx_, context, "/redflag.v1.ClusterService/UpsertCluster", *req, [&]() -> absl::Status {
        if (absl::Status s = ValidateCluster(req->cluster()); !s.ok()) return s;
        absl::StatusOr<ClusterInventory::Upserted> up =
            ctx_.clusters->Upsert(req->cluster(), AuditActor(ctx_, *context, ""), ctx_.now());
        if (!up.ok()) return up.status();
        *resp->mutable_version() = std::move(up->version);
        resp->set_changed(up->changed);
        return absl::OkStatus();
      });
}

grpc::Status ClusterServiceImpl::ListClusters(grpc::ServerContext* context,
                                              const v1::ListClustersRequest* req,
                                              v1::ListClustersResponse* resp) {
  return Counted(
      ctx_, context, "/redflag.v1.ClusterService/ListClusters", *req, [&]() -> absl::Status {
        if (req->as_of_unix_ms() < 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("as_of_unix_ms: must not be negative, got ", req->as_of_unix_ms()));
        }
        absl::StatusOr<v1::ListClustersResponse> out = ctx_.clusters->Assess(
            req->as_of_unix_ms() == 0 ? ctx_.now() : absl::FromUnixMillis(req->as_of_unix_ms()));
        if (!out.ok()) return out.status();
        *resp = std::move(*out);
        return absl::OkStatus();
      });
}

grpc::Status ClusterServiceImpl::GetClusterHistory(grpc::ServerContext* context,
                                                   const v1::GetClusterHistoryRequest* req,
                                                   v1::ClusterHistory* resp) {
  return Counted(ctx_, context, "/redflag.v1.ClusterService/GetClusterHistory", *req,
                 [&]() -> absl::Status {
                   if (absl::Status s = ValidateId("cluster_id", req->cluster_id()); !s.ok()) {
                     return s;
                   }
                   absl::StatusOr<std::vector<v1::ClusterVersion>> versions =
                       ctx_.clusters->History(req->cluster_id());
                   if (!versions.ok()) return versions.status();
                   if (versions->empty()) {
                     return absl::NotFoundError(
                         absl::StrCat("cluster ", req->cluster_id(), " is not in the inventory"));
                   }
                   for (v1::ClusterVersion& v : *versions) *resp->add_versions() = std::move(v);
                   return absl::OkStatus();
                 });
}

}  // namespace redflag

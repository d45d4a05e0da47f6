// redflagctl clusters list|history|upsert: the cluster inventory of rule R4.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cluster_report.h"
#include "cli/command.h"
#include "daemon/clusters/inventory_file.h"
#include "redflag/v1/clusters.grpc.pb.h"

namespace redflag::cli {

int Clusters(const Cli& cli, const std::vector<std::string>& args) {
  constexpr const char* kWhat =
      "clusters needs list [--as-of DATE|TIME] [--json], history CLUSTER_ID, or upsert --file F";
  if (args.empty()) return Usage(kWhat);
  auto stub = v1::ClusterService::NewStub(cli.channel);
  if (args[0] == "list") {
    v1::ListClustersRequest req;
    bool json = false;
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--as-of" && i + 1 < args.size()) {
        absl::StatusOr<absl::Time> t = ParseDateOrTime(args[++i]);
        if (!t.ok()) return Usage(absl::StrCat("--as-of: ", t.status().message()));
        req.set_as_of_unix_ms(absl::ToUnixMillis(*t));
      } else if (args[i] == "--json") {
        json = true;
      } else {
        return Usage(absl::StrCat("clusters list: unknown argument '", args[i], "'"));
      }
    }
    v1::ListClustersResponse resp;
    grpc::Status st = stub->ListClusters(cli.Context().get(), req, &resp);
    if (!st.ok()) return Fail(st, "clusters list");
    if (json) {
      PrintJson(resp);
    } else {
      std::cout << FormatClusters(resp);
    }
    return 0;
  }
  if (args[0] == "history" && args.size() == 2) {
    v1::GetClusterHistoryRequest req;
    req.set_cluster_id(args[1]);
    v1::ClusterHistory resp;
    grpc::Status st = stub->GetClusterHistory(cli.Context().get(), req, &resp);
    if (!st.ok()) return Fail(st, "clusters history");
    PrintJson(resp);
    return 0;
  }
  if (args[0] == "upsert" && args.size() == 3 && args[1] == "--file") {
    std::string text;
    if (!ReadAll(args[2], text)) return Usage(absl::StrCat("--file: ", args[2], " cannot be read"));
    absl::StatusOr<std::vector<v1::Cluster>> clusters = ParseInventoryFile(text, args[2]);
    if (!clusters.ok()) {
      std::cerr << "redflagctl: " << clusters.status().message() << "\n";
      return 1;
    }
    for (const v1::Cluster& c : *clusters) {
      v1::UpsertClusterRequest req;
      *req.mutable_cluster() = c;
      v1::UpsertClusterResponse resp;
      grpc::Status st = stub->UpsertCluster(cli.Context().get(), req, &resp);
      if (!st.ok()) return Fail(st, absl::StrCat("clusters upsert ", c.cluster_id()));
      std::cout << c.cluster_id() << " from " << resp.version().cluster().effective_date() << ": "
                << (resp.changed() ? "recorded" : "unchanged") << "\n";
    }
    return 0;
  }
  return Usage(kWhat);
}

}  // namespace redflag::cli

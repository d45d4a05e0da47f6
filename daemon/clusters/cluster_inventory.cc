#include "daemon/clusters/cluster_inventory.h"

#include <fstream>
#include <map>
#include <sstream>

#include "absl/base/internal/endian.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "daemon/clusters/inventory_file.h"
#include "detectors/cluster_peak.h"
#include "google/protobuf/util/message_differencer.h"

namespace redflag {
namespace {

const absl::TimeZone kUtc = absl::UTCTimeZone();

std::string Prefix(absl::string_view cluster_id) {
  std::string key(cluster_id);
  key.push_back('\0');
  return key;
}

std::string Key(absl::string_view cluster_id, int64_t effective_ms) {
  std::string key = Prefix(cluster_id);
  char be[8];
  absl::big_endian::Store64(be, static_cast<uint64_t>(effective_ms));
  key.append(be, sizeof(be));
  return key;
}

std::string AcceleratorsText(const v1::Cluster& c) {
  std::vector<std::string> parts;
  for (const v1::ClusterAccelerators& a : c.accelerators()) {
    parts.push_back(absl::StrCat(a.count(), " x ", a.model()));
  }
  return parts.empty() ? "none" : absl::StrJoin(parts, ", ");
}

}  // namespace

const v1::ClusterVersion* InEffectAt(const std::vector<v1::ClusterVersion>& versions,
                                     int64_t unix_ms) {
  const v1::ClusterVersion* found = nullptr;
  for (const v1::ClusterVersion& v : versions) {
    if (v.effective_unix_ms() > unix_ms) break;
    found = &v;
  }
  return found != nullptr && !found->cluster().retired() ? found : nullptr;
}

absl::StatusOr<ClusterInventory::Upserted> ClusterInventory::Upsert(v1::Cluster cluster,
                                                                    const std::string& actor,
                                                                    absl::Time now) {
  if (cluster.effective_date().empty()) {
    cluster.set_effective_date(absl::FormatTime("%Y-%m-%d", now, kUtc));
  }
  absl::Time day;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d", cluster.effective_date(), kUtc, &day, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cluster.effective_date: '", cluster.effective_date(), "': ", err));
  }
  const int64_t effective_ms = absl::ToUnixMillis(day);
  const std::string key = Key(cluster.cluster_id(), effective_ms);
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<std::optional<v1::ClusterVersion>> same_day =
      GetMessage<v1::ClusterVersion>(store_, Domain::kClusters, key);
  if (!same_day.ok()) return same_day.status();
  if (same_day->has_value() &&
      google::protobuf::util::MessageDifferencer::Equals((*same_day)->cluster(), cluster)) {
    return Upserted{**same_day, false};
  }
  absl::StatusOr<std::optional<v1::ClusterVersion>> before = Find(cluster.cluster_id(), day);
  if (!before.ok()) return before.status();

  v1::ClusterVersion v;
  *v.mutable_cluster() = cluster;
  v.set_effective_unix_ms(effective_ms);
  v.set_recorded_unix_ms(absl::ToUnixMillis(now));
  v.set_recorded_by(actor);
  std::unique_ptr<WriteBatch> batch = store_.NewBatch();
  batch->Put(Domain::kClusters, key, v.SerializeAsString());
  std::vector<std::pair<std::string, std::string>> details = {
      {"effective_date", cluster.effective_date()},
      {"accelerators", AcceleratorsText(cluster)},
      {"interconnect_gbit_s", absl::StrFormat("%g", cluster.interconnect_gbit_s())},
      {"region", cluster.region()},
      {"datacenter", cluster.datacenter()}};
  if (cluster.retired()) details.emplace_back("retired", "yes");
  if (same_day->has_value()) {
    details.emplace_back("replaces", "the description recorded for the same day");
  } else if (before->has_value()) {
    details.emplace_back("previous", absl::StrCat((*before)->cluster().effective_date(), ": ",
                                                  AcceleratorsText((*before)->cluster())));
  }
  if (day < now - absl::Hours(24)) details.emplace_back("back_dated", "yes");
  absl::StatusOr<v1::AuditRecord> rec = audit_.Write(
      *batch, {actor, "cluster.upsert", absl::StrCat("cluster/", cluster.cluster_id()), details},
      now);
  if (!rec.ok()) return rec.status();
  return Upserted{std::move(v), true};
}

absl::StatusOr<int> ClusterInventory::RecordFile(const std::string& path, absl::Time now) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  std::string text(kMaxInventoryBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  absl::StatusOr<std::vector<v1::Cluster>> clusters = ParseInventoryFile(text, path);
  if (!clusters.ok()) return clusters.status();
  int changed = 0;
  for (const v1::Cluster& c : *clusters) {
    absl::StatusOr<Upserted> up = Upsert(c, absl::StrCat("config ", path), now);
    if (!up.ok()) return up.status();
    changed += up->changed ? 1 : 0;
  }
  return changed;
}

absl::StatusOr<std::vector<v1::ClusterVersion>> ClusterInventory::AsOf(absl::Time as_of) {
  absl::StatusOr<std::map<std::string, std::vector<v1::ClusterVersion>>> all = All();
  if (!all.ok()) return all.status();
  std::vector<v1::ClusterVersion> out;
  for (const auto& [id, versions] : *all) {
    if (const v1::ClusterVersion* v = InEffectAt(versions, absl::ToUnixMillis(as_of))) {
      out.push_back(*v);
    }
  }
  return out;
}

absl::StatusOr<std::optional<v1::ClusterVersion>> ClusterInventory::Find(
    const std::string& cluster_id, absl::Time as_of) {
  absl::StatusOr<std::vector<v1::ClusterVersion>> versions = History(cluster_id);
  if (!versions.ok()) return versions.status();
  const v1::ClusterVersion* v = InEffectAt(*versions, absl::ToUnixMillis(as_of));
  if (v == nullptr) return std::nullopt;
  return *v;
}

absl::StatusOr<std::vector<v1::ClusterVersion>> ClusterInventory::History(
    const std::string& cluster_id) {
  std::vector<v1::ClusterVersion> out;
  absl::Status s =
      ScanMessages<v1::ClusterVersion>(store_, Domain::kClusters, Prefix(cluster_id), "",
                                       [&](absl::string_view, const v1::ClusterVersion& v) {
                                         out.push_back(v);
                                         return true;
                                       });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::map<std::string, std::vector<v1::ClusterVersion>>> ClusterInventory::All() {
  std::map<std::string, std::vector<v1::ClusterVersion>> out;
  absl::Status s = ScanMessages<v1::ClusterVersion>(
      store_, Domain::kClusters, "", "", [&](absl::string_view, const v1::ClusterVersion& v) {
        out[v.cluster().cluster_id()].push_back(v);
        return true;
      });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::ListClustersResponse> ClusterInventory::Assess(absl::Time as_of) {
  absl::StatusOr<std::vector<v1::ClusterVersion>> clusters = AsOf(as_of);
  if (!clusters.ok()) return clusters.status();
  v1::ListClustersResponse out;
  out.set_as_of_unix_ms(absl::ToUnixMillis(as_of));
  out.set_duty(detectors::ClusterDutyText(duty_));
  for (v1::ClusterVersion& v : *clusters) {
    v1::ClusterAssessment* a = out.add_clusters();
    *a = detectors::AssessCluster(v.cluster(), *catalog_, duty_);
    *a->mutable_version() = std::move(v);
  }
  return out;
}

}  // namespace redflag

#include "daemon/clusters/inventory_file.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/validation/validation.h"

namespace redflag {
namespace {

// A located complaint, thrown inside the parse and returned as its status.
struct Bad {
  std::string message;
};

std::string Where(absl::string_view file, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return m.is_null() ? std::string(file) : absl::StrCat(file, ":", m.line + 1);
}

std::string Scalar(const YAML::Node& n, absl::string_view file, absl::string_view field) {
  if (!n.IsScalar())
    throw Bad{absl::StrCat(Where(file, n), ": ", field, ": must be a single value")};
  return n.Scalar();
}

// A mapping whose keys are all among `known`, each once.
void CheckKeys(const YAML::Node& n, absl::string_view file, absl::string_view field,
               const std::set<std::string>& known) {
  if (!n.IsMap()) throw Bad{absl::StrCat(Where(file, n), ": ", field, ": must be a mapping")};
  std::set<std::string> seen;
  for (const auto& kv : n) {
    const std::string key = Scalar(kv.first, file, field);
    if (!known.contains(key)) {
      throw Bad{absl::StrCat(Where(file, kv.first), ": ", field, ".", key, ": unknown key (",
                             absl::StrJoin(known, ", "), ")")};
    }
    if (!seen.insert(key).second) {
      throw Bad{absl::StrCat(Where(file, kv.first), ": ", field, ".", key, ": given twice")};
    }
  }
}

v1::Cluster ReadCluster(const YAML::Node& n, absl::string_view file, const std::string& field) {
  CheckKeys(n, file, field,
            {"cluster_id", "region", "datacenter", "interconnect_gbit_s", "effective_date",
             "retired", "accelerators"});
  v1::Cluster c;
  auto text = [&](const char* key) {
    return n[key] ? Scalar(n[key], file, absl::StrCat(field, ".", key)) : std::string();
  };
  c.set_cluster_id(text("cluster_id"));
  c.set_region(text("region"));
  c.set_datacenter(text("datacenter"));
  c.set_effective_date(text("effective_date"));
  if (n["interconnect_gbit_s"]) {
    double gbit = 0;
    if (!absl::SimpleAtod(text("interconnect_gbit_s"), &gbit)) {
      throw Bad{absl::StrCat(Where(file, n["interconnect_gbit_s"]), ": ", field,
                             ".interconnect_gbit_s: must be a number")};
    }
    c.set_interconnect_gbit_s(gbit);
  }
  if (n["retired"]) {
    const std::string r = text("retired");
    if (r != "true" && r != "false") {
      throw Bad{
          absl::StrCat(Where(file, n["retired"]), ": ", field, ".retired: must be true or false")};
    }
    c.set_retired(r == "true");
  }
  if (const YAML::Node list = n["accelerators"]; list) {
    if (!list.IsSequence()) {
      throw Bad{absl::StrCat(Where(file, list), ": ", field, ".accelerators: must be a list")};
    }
    if (list.size() > 100) {
      throw Bad{
          absl::StrCat(Where(file, list), ": ", field, ".accelerators: has more than 100 entries")};
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string at = absl::StrCat(field, ".accelerators[", i, "]");
      const YAML::Node a = list[i];
      CheckKeys(a, file, at, {"model", "count"});
      v1::ClusterAccelerators* out = c.add_accelerators();
      if (a["model"]) out->set_model(Scalar(a["model"], file, at + ".model"));
      uint64_t count = 0;
      if (a["count"] && !absl::SimpleAtoi(Scalar(a["count"], file, at + ".count"), &count)) {
        throw Bad{
            absl::StrCat(Where(file, a["count"]), ": ", at, ".count: must be a whole number")};
      }
      out->set_count(count);
    }
  }
  if (absl::Status s = ValidateCluster(c); !s.ok()) {
    throw Bad{absl::StrCat(Where(file, n), ": ", field, ": ", s.message())};
  }
  return c;
}

}  // namespace

absl::StatusOr<std::vector<v1::Cluster>> ParseInventoryFile(absl::string_view text,
                                                            absl::string_view file) {
  if (text.size() > kMaxInventoryBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": larger than ", kMaxInventoryBytes >> 20, " MiB"));
  }
  std::vector<v1::Cluster> out;
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (root.IsNull()) return out;
    CheckKeys(root, file, "the file", {"clusters"});
    const YAML::Node list = root["clusters"];
    if (!list) throw Bad{absl::StrCat(file, ": clusters: is required (a list)")};
    if (!list.IsSequence()) {
      throw Bad{absl::StrCat(Where(file, list), ": clusters: must be a list")};
    }
    if (list.size() > kMaxInventoryClusters) {
      throw Bad{absl::StrCat(file, ": clusters: more than ", kMaxInventoryClusters, " entries")};
    }
    std::map<std::pair<std::string, std::string>, std::string> seen;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string field = absl::StrCat("clusters[", i, "]");
      v1::Cluster c = ReadCluster(list[i], file, field);
      auto [it, fresh] =
          seen.emplace(std::pair{c.cluster_id(), c.effective_date()}, Where(file, list[i]));
      if (!fresh) {
        throw Bad{absl::StrCat(Where(file, list[i]), ": ", field, ": cluster ", c.cluster_id(),
                               " with effective date '", c.effective_date(),
                               "' is given twice (first at ", it->second, ")")};
      }
      out.push_back(std::move(c));
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, e.mark.is_null() ? "" : absl::StrCat(":", e.mark.line + 1),
                     ": not valid YAML: ", e.msg));
  } catch (const Bad& b) {
    return absl::InvalidArgumentError(b.message);
  }
  return out;
}

}  // namespace redflag

#include "daemon/admission/admission_review.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace redflag {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

const Value* Field(const Struct& s, const char* name) {
  auto it = s.fields().find(name);
  return it == s.fields().end() ? nullptr : &it->second;
}

const Struct* Object(const Struct& s, const char* name) {
  const Value* v = Field(s, name);
  return v != nullptr && v->has_struct_value() ? &v->struct_value() : nullptr;
}

std::string Text(const Struct& s, const char* name) {
  const Value* v = Field(s, name);
  return v != nullptr && v->kind_case() == Value::kStringValue ? v->string_value() : "";
}

bool IsGpu(const std::string& resource, const std::vector<std::string>& gpu_resources) {
  for (const std::string& g : gpu_resources) {
    if (resource == g || (!g.empty() && g.back() == '-' && resource.rfind(g, 0) == 0)) return true;
  }
  return false;
}

// A quantity of whole devices: "2" or 2 (extended resources have no units).
absl::StatusOr<uint32_t> Count(const Value& v, const std::string& where) {
  double n = -1;
  if (v.kind_case() == Value::kNumberValue) n = v.number_value();
  if (v.kind_case() == Value::kStringValue) {
    uint32_t parsed = 0;
    if (absl::SimpleAtoi(v.string_value(), &parsed)) n = parsed;
  }
  if (!(n >= 0 && n <= 1 << 16 && n == std::floor(n))) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": not a whole number of devices"));
  }
  return static_cast<uint32_t>(n);
}

// The GPUs one container asks for: the larger of its requests and limits.
absl::StatusOr<uint32_t> ContainerGpus(const Struct& c, const std::string& where,
                                       const std::vector<std::string>& gpu_resources) {
  const Struct* resources = Object(c, "resources");
  if (resources == nullptr) return 0;
  uint32_t most = 0;
  for (const char* part : {"requests", "limits"}) {
    const Struct* r = Object(*resources, part);
    if (r == nullptr) continue;
    uint32_t sum = 0;
    for (const auto& [name, value] : r->fields()) {
      if (!IsGpu(name, gpu_resources)) continue;
      absl::StatusOr<uint32_t> n =
          Count(value, absl::StrCat(where, ".resources.", part, "[", name, "]"));
      if (!n.ok()) return n.status();
      sum += *n;
    }
    most = std::max(most, sum);
  }
  return most;
}

absl::StatusOr<uint32_t> Containers(const Struct& spec, const char* list, const std::string& where,
                                    const std::vector<std::string>& gpu_resources, bool sum) {
  const Value* v = Field(spec, list);
  if (v == nullptr) return 0;
  if (!v->has_list_value()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ".", list, ": not a list"));
  }
  uint32_t total = 0;
  for (int i = 0; i < v->list_value().values_size(); ++i) {
    const Value& c = v->list_value().values(i);
    const std::string at = absl::StrCat(where, ".", list, "[", i, "]");
    if (!c.has_struct_value())
      return absl::InvalidArgumentError(absl::StrCat(at, ": not an object"));
    absl::StatusOr<uint32_t> n = ContainerGpus(c.struct_value(), at, gpu_resources);
    if (!n.ok()) return n.status();
    total = sum ? total + *n : std::max(total, *n);
  }
  return total;
}

std::map<std::string, std::string> Strings(const Struct* s) {
  std::map<std::string, std::string> out;
  if (s == nullptr) return out;
  for (const auto& [k, v] : s->fields()) {
    if (v.kind_case() == Value::kStringValue) out[k] = v.string_value();
  }
  return out;
}

}  // namespace

absl::StatusOr<PodAdmission> ParseAdmissionReview(absl::string_view json,
                                                  const std::vector<std::string>& gpu_resources) {
  Struct review;
  google::protobuf::util::JsonParseOptions options;
  if (!google::protobuf::util::JsonStringToMessage(std::string(json), &review, options).ok()) {
    return absl::InvalidArgumentError("body: not JSON");
  }
  if (Text(review, "apiVersion") != "admission.k8s.io/v1" ||
      Text(review, "kind") != "AdmissionReview") {
    return absl::InvalidArgumentError(
        "body: not an AdmissionReview of admission.k8s.io/v1 (set admissionReviewVersions: [v1])");
  }
  const Struct* request = Object(review, "request");
  if (request == nullptr) return absl::InvalidArgumentError("request: missing");
  PodAdmission out;
  out.uid = Text(*request, "uid");
  if (out.uid.empty()) return absl::InvalidArgumentError("request.uid: missing");
  out.k8s_namespace = Text(*request, "namespace");
  out.name = Text(*request, "name");
  out.operation = Text(*request, "operation");
  if (const Value* dry = Field(*request, "dryRun"); dry != nullptr && dry->bool_value()) {
    out.dry_run = true;
  }
  const Struct* kind = Object(*request, "kind");
  out.is_pod = kind != nullptr && Text(*kind, "kind") == "Pod" && Text(*kind, "group").empty();
  if (!out.is_pod) return out;
  const Struct* object = Object(*request, "object");
  if (object == nullptr) return absl::InvalidArgumentError("request.object: missing");
  if (const Struct* meta = Object(*object, "metadata")) {
    if (out.name.empty()) out.name = Text(*meta, "name");
    out.labels = Strings(Object(*meta, "labels"));
  }
  const Struct* spec = Object(*object, "spec");
  if (spec == nullptr) return absl::InvalidArgumentError("request.object.spec: missing");
  out.node_selector = Strings(Object(*spec, "nodeSelector"));
  absl::StatusOr<uint32_t> running =
      Containers(*spec, "containers", "request.object.spec", gpu_resources, true);
  if (!running.ok()) return running.status();
  absl::StatusOr<uint32_t> init =
      Containers(*spec, "initContainers", "request.object.spec", gpu_resources, false);
  if (!init.ok()) return init.status();
  out.gpus = std::max(*running, *init);
  return out;
}

std::string AdmissionResponse(const std::string& uid, bool allowed, int code,
                              const std::string& message,
                              const std::vector<std::string>& warnings) {
  Struct review;
  (*review.mutable_fields())["apiVersion"].set_string_value("admission.k8s.io/v1");
  (*review.mutable_fields())["kind"].set_string_value("AdmissionReview");
  Struct* response = (*review.mutable_fields())["response"].mutable_struct_value();
  (*response->mutable_fields())["uid"].set_string_value(uid);
  (*response->mutable_fields())["allowed"].set_bool_value(allowed);
  if (!allowed) {
    Struct* status = (*response->mutable_fields())["status"].mutable_struct_value();
    (*status->mutable_fields())["code"].set_number_value(code);
    (*status->mutable_fields())["message"].set_string_value(message);
  }
  if (!warnings.empty()) {
    auto* list = (*response->mutable_fields())["warnings"].mutable_list_value();
    for (const std::string& w : warnings) list->add_values()->set_string_value(w);
  }
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(review, &out);
  return out;
}

}  // namespace redflag

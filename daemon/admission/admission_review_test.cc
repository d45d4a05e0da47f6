#include "daemon/admission/admission_review.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

namespace redflag {
namespace {

const std::vector<std::string> kGpus = {"nvidia.com/gpu", "nvidia.com/mig-"};

// A pod CREATE as the API server sends it (trimmed of fields not read).
std::string Review(const std::string& containers, const std::string& extra = "") {
  return R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
    "request": {"uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
      "kind": {"group": "", "version": "v1", "kind": "Pod"},
      "resource": {"group": "", "version": "v1", "resource": "pods"},
      "namespace": "team-a", "operation": "CREATE",
      "userInfo": {"username": "alice", "groups": ["system:authenticated"]},
      "object": {"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "train-0", "namespace": "team-a"},
        "spec": {)" +
         extra + R"("containers": )" + containers + R"(}},
      "dryRun": false}})";
}

TEST(AdmissionReview, ReadsAGpuPodsRequestsAcrossContainers) {
  auto a = ParseAdmissionReview(
      Review(R"([{"name": "trainer", "resources": {"limits": {"nvidia.com/gpu": "4", "cpu": "8"}}},
                 {"name": "helper", "resources": {"requests": {"nvidia.com/gpu": 2},
                                                  "limits": {"nvidia.com/gpu": 2}}},
                 {"name": "sidecar"}])"),
      kGpus);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(a->k8s_namespace, "team-a");
  EXPECT_EQ(a->name, "train-0");
  EXPECT_EQ(a->operation, "CREATE");
  EXPECT_TRUE(a->is_pod);
  EXPECT_FALSE(a->dry_run);
  EXPECT_EQ(a->gpus, 6u);
}

TEST(AdmissionReview, ReadsThePodsLabelsAndNodeSelector) {
  auto a = ParseAdmissionReview(
      R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
          "request": {"uid": "u1", "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "namespace": "team-a", "operation": "CREATE",
            "object": {"metadata": {"generateName": "train-",
                                    "labels": {"redflag.io/workload": "fine_tuning", "n": 3}},
              "spec": {"nodeSelector": {"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"},
                       "containers": [{"name": "c"}]}}}})",
      kGpus);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->labels,
            (std::map<std::string, std::string>{{"redflag.io/workload", "fine_tuning"}}));
  EXPECT_EQ(a->node_selector.at("nvidia.com/gpu.product"), "NVIDIA-H100-80GB-HBM3");
  EXPECT_EQ(a->name, "");  // generateName: the API server names it after admission
}

TEST(AdmissionReview, MigInstancesAndInitContainersCount) {
  auto a = ParseAdmissionReview(
      Review(
          R"([{"name": "t", "resources": {"limits": {"nvidia.com/mig-3g.40gb": "1"}}}])",
          R"("initContainers": [{"name": "warm", "resources": {"limits": {"nvidia.com/gpu": "8"}}}], )"),
      kGpus);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->gpus, 8u);  // the init container's 8 run before the one slice
}

TEST(AdmissionReview, APodWithoutGpusAndAnotherKindAreRead) {
  auto cpu = ParseAdmissionReview(
      Review(R"([{"name": "web", "resources": {"requests": {"cpu": "1"}}}])"), kGpus);
  ASSERT_TRUE(cpu.ok());
  EXPECT_EQ(cpu->gpus, 0u);
  auto deployment = ParseAdmissionReview(
      R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
          "request": {"uid": "u-2", "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
                      "namespace": "team-a", "operation": "CREATE", "object": {}}})",
      kGpus);
  ASSERT_TRUE(deployment.ok());
  EXPECT_FALSE(deployment->is_pod);
  EXPECT_EQ(deployment->uid, "u-2");
}

TEST(AdmissionReview, AMalformedReviewIsRefusedNamingWhatIsWrong) {
  const std::pair<std::string, std::string> cases[] = {
      {"{not json", "body: not JSON"},
      {R"({"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": {}})",
       "admissionReviewVersions: [v1]"},
      {R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"})", "request: missing"},
      {R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {}})",
       "request.uid: missing"},
      {Review(R"([{"name": "t", "resources": {"limits": {"nvidia.com/gpu": "1.5"}}}])"),
       "request.object.spec.containers[0].resources.limits[nvidia.com/gpu]: not a whole number"},
      {Review(R"([{"name": "t", "resources": {"limits": {"nvidia.com/gpu": -1}}}])"),
       "not a whole number"},
      {Review(R"({"name": "t"})"), "request.object.spec.containers: not a list"},
      {Review(R"(["t"])"), "request.object.spec.containers[0]: not an object"},
  };
  for (const auto& [json, says] : cases) {
    auto a = ParseAdmissionReview(json, kGpus);
    ASSERT_FALSE(a.ok()) << json;
    EXPECT_NE(a.status().message().find(says), std::string::npos) << a.status();
  }
}

// The response as the API server reads it (JSON key order is not fixed).
google::protobuf::Struct Parsed(const std::string& json) {
  google::protobuf::Struct s;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &s).ok()) << json;
  return s;
}

TEST(AdmissionReview, TheResponseEchoesTheUidAndSaysWhy) {
  google::protobuf::Struct ok = Parsed(AdmissionResponse("u-1", true, 0, ""));
  EXPECT_EQ(ok.fields().at("apiVersion").string_value(), "admission.k8s.io/v1");
  EXPECT_EQ(ok.fields().at("kind").string_value(), "AdmissionReview");
  const google::protobuf::Struct& allowed = ok.fields().at("response").struct_value();
  EXPECT_EQ(allowed.fields().at("uid").string_value(), "u-1");
  EXPECT_TRUE(allowed.fields().at("allowed").bool_value());
  EXPECT_FALSE(allowed.fields().contains("status"));

  const std::string message = "DENY (restricted_party): \"Rosoboroneksport\"";
  google::protobuf::Struct no = Parsed(AdmissionResponse("u-\"2", false, 403, message));
  const google::protobuf::Struct& denied = no.fields().at("response").struct_value();
  EXPECT_EQ(denied.fields().at("uid").string_value(), "u-\"2");
  EXPECT_FALSE(denied.fields().at("allowed").bool_value());
  const google::protobuf::Struct& status = denied.fields().at("status").struct_value();
  EXPECT_EQ(status.fields().at("code").number_value(), 403);
  EXPECT_EQ(status.fields().at("message").string_value(), message);
}

}  // namespace
}  // namespace redflag

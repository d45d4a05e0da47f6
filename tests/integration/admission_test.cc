// The Kubernetes validating admission webhook over TLS, through the real
// daemon: kube-state-metrics' namespace labels arrive by remote_write (the
// customer of each namespace), then AdmissionReview v1 documents as the API
// server sends them (GPU and non-GPU pods, allowed and denied namespaces, a
// dry run, malformed reviews) are posted with the API server's client
// certificate. Each answer echoes the uid, says allowed or not and why; each
// refusal outside a dry run is on record with who asked.
#include <gtest/gtest.h>
#include <httplib.h>
#include <snappy.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "redflag/v1/audit.grpc.pb.h"
#include "remote_write/remote_write.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kPolicy[] = R"({
  "name": "test",
  "allow_rules": [
    {"name": "apiserver", "source": {"principals": ["kube-apiserver.redflag.test"]},
     "roles": ["telemetry"]},
    {"name": "agents", "source": {"principals": ["spiffe://redflag.test/telemetry"]},
     "roles": ["telemetry"]},
    {"name": "analysts", "source": {"principals": ["*.analysts.redflag.test"]},
     "roles": ["analyst"]},
    {"name": "ops", "source": {"principals": ["ops-admin"]}, "roles": ["admin"]}]})";

std::string Read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Answer {
  int status = 0;
  std::string body;
  bool allowed = false;
  std::string uid, message;
  std::vector<std::string> warnings;
};

class AdmissionEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The daemon closes a connection it refuses before the body (404, 403);
    // the client's TLS shutdown may then write to a closed socket.
    signal(SIGPIPE, SIG_IGN);
    certs_ = new TempDir();
    made_ = new CommandResult(RunCommand(
        {"/bin/bash", REDFLAG_SOURCE_DIR "/tests/integration/make_test_certs.sh", certs_->path()}));
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete made_;
  }
  static std::string Cert(const std::string& name) { return certs_->path() + "/" + name; }

  void SetUp() override {
    ASSERT_EQ(made_->exit_code, 0)
        << "openssl could not make the test certificates: " << made_->output;
    std::ofstream(dir_.path() + "/policy.json") << kPolicy;
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = Read(Cert("ca.crt"));
    o.pem_private_key = Read(Cert("admin.key"));
    o.pem_cert_chain = Read(Cert("admin.crt"));
    auto d = DaemonProcess::Start(
        dir_.path() + "/data", FreePorts(),
        {"-o", "tls.cert_file=" + Cert("server.crt"), "-o", "tls.key_file=" + Cert("server.key"),
         "-o", "tls.client_ca_file=" + Cert("ca.crt"), "-o",
         "security.policy_file=" + dir_.path() + "/policy.json", "-o",
         "admission.dedicated_clusters=gpu-reserved"},
        grpc::SslCredentials(o));
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
    for (const auto& [id, name, hq] : std::vector<std::array<std::string, 3>>{
             {"acme", "Acme Research Labs Ltd", "SG"}, {"dragon", "Dragon Compute Co", "CN"}}) {
      v1::CustomerProfile p;
      p.set_customer_id(id);
      p.set_legal_name(name);
      p.set_headquarters_country(hq);
      grpc::Status s = UpsertCustomer(*daemon_, p);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
    // kube-state-metrics of clusters gpu-east and gpu-reserved, through remote_write.
    remote_write::WriteRequest r;
    const int64_t now = absl::ToUnixMillis(absl::Now());
    for (const auto& [cluster, ns, customer] :
         std::vector<std::array<std::string, 3>>{{"gpu-east", "team-a", "acme"},
                                                 {"gpu-east", "team-cn", "dragon"},
                                                 {"gpu-east", "team-new", "newco"},
                                                 {"gpu-east", "sandbox", ""},
                                                 {"gpu-reserved", "team-a", "acme"},
                                                 {"gpu-reserved", "team-cn", "dragon"}}) {
      remote_write::TimeSeries* ts = r.add_timeseries();
      std::vector<std::pair<std::string, std::string>> labels = {
          {"__name__", "kube_namespace_labels"}, {"cluster", cluster}, {"namespace", ns}};
      if (!customer.empty()) labels.emplace_back("label_redflag_io_customer", customer);
      std::sort(labels.begin(), labels.end());
      for (const auto& [n, v] : labels) {
        remote_write::Label* l = ts->add_labels();
        l->set_name(n);
        l->set_value(v);
      }
      remote_write::Sample* s = ts->add_samples();
      s->set_timestamp(now);
      s->set_value(1);
    }
    std::string raw = r.SerializeAsString(), body;
    snappy::Compress(raw.data(), raw.size(), &body);
    httplib::Result res =
        Client("telemetry")
            ->Post("/api/v1/write",
                   {{"Content-Encoding", "snappy"}, {"X-Prometheus-Remote-Write-Version", "0.1.0"}},
                   body, "application/x-protobuf");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    ASSERT_EQ(res->status, 204) << res->body;
  }

  std::unique_ptr<httplib::SSLClient> Client(const std::string& cert) {
    auto c = cert.empty()
                 ? std::make_unique<httplib::SSLClient>("localhost", daemon_->http_port())
                 : std::make_unique<httplib::SSLClient>("localhost", daemon_->http_port(),
                                                        Cert(cert + ".crt"), Cert(cert + ".key"));
    c->set_ca_cert_path(Cert("ca.crt").c_str());
    c->enable_server_certificate_verification(true);
    c->set_read_timeout(10, 0);
    return c;
  }

  // A detail of an audit record by name.
  static std::string Detail(const v1::AuditRecord& r, const std::string& name) {
    for (const v1::AuditDetail& d : r.details()) {
      if (d.name() == name) return d.value();
    }
    return "";
  }

  Answer Post(const std::string& review, const std::string& path = "/admission/v1/pods/gpu-east",
              const std::string& cert = "apiserver") {
    Answer a;
    httplib::Result res = Client(cert)->Post(path, review, "application/json");
    if (!res) {
      a.body = httplib::to_string(res.error());
      return a;
    }
    a.status = res->status;
    a.body = res->body;
    google::protobuf::Struct doc;
    if (a.status != 200 || !google::protobuf::util::JsonStringToMessage(a.body, &doc).ok()) {
      return a;
    }
    const google::protobuf::Struct& resp = doc.fields().at("response").struct_value();
    a.uid = resp.fields().at("uid").string_value();
    a.allowed = resp.fields().at("allowed").bool_value();
    if (auto it = resp.fields().find("status"); it != resp.fields().end()) {
      a.message = it->second.struct_value().fields().at("message").string_value();
    }
    if (auto it = resp.fields().find("warnings"); it != resp.fields().end()) {
      for (const auto& w : it->second.list_value().values()) a.warnings.push_back(w.string_value());
    }
    return a;
  }

  // A pod CREATE as the API server sends it.
  static std::string Review(const std::string& uid, const std::string& ns,
                            const std::string& resources, bool dry_run = false) {
    return absl::StrReplaceAll(
        R"({"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1",
  "request": {"uid": "UID", "kind": {"group": "", "version": "v1", "kind": "Pod"},
    "resource": {"group": "", "version": "v1", "resource": "pods"},
    "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
    "requestResource": {"group": "", "version": "v1", "resource": "pods"},
    "name": "train-0", "namespace": "NS", "operation": "CREATE",
    "userInfo": {"username": "system:serviceaccount:kube-system:job-controller",
                 "uid": "6f1c", "groups": ["system:serviceaccounts", "system:authenticated"]},
    "object": {"kind": "Pod", "apiVersion": "v1",
      "metadata": {"name": "train-0", "namespace": "NS",
                   "labels": {"job-name": "train", "redflag.io/workload": "pretraining"}},
      "spec": {"nodeSelector": {"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"},
               "containers": [{"name": "trainer", "image": "registry.example/trainer:1",
                               "resources": RESOURCES}],
               "restartPolicy": "Never"},
      "status": {}},
    "oldObject": null, "dryRun": DRY,
    "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"}}})",
        {{"UID", uid}, {"NS", ns}, {"RESOURCES", resources}, {"DRY", dry_run ? "true" : "false"}});
  }
  static constexpr char kGpus[] = R"({"limits": {"nvidia.com/gpu": "8"}})";
  static constexpr char kCpu[] = R"({"requests": {"cpu": "2", "memory": "4Gi"}})";

  std::vector<v1::AuditRecord> Decisions(const std::string& customer) {
    return AuditRecordsOf(*daemon_, "customer/" + customer, "decision.job");
  }

  static TempDir* certs_;
  static CommandResult* made_;
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};
TempDir* AdmissionEndToEnd::certs_ = nullptr;
CommandResult* AdmissionEndToEnd::made_ = nullptr;

TEST_F(AdmissionEndToEnd, AGpuPodOfAClearCustomerIsAdmitted) {
  Answer a = Post(Review("uid-allow-1", "team-a", kGpus));
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.uid, "uid-allow-1");
  EXPECT_TRUE(a.allowed) << a.body;
  EXPECT_EQ(a.message, "");
  EXPECT_TRUE(Decisions("acme").empty());  // an ALLOW is not recorded
}

TEST_F(AdmissionEndToEnd, AD5HeadquarteredCustomersGpuPodIsRefusedWithTheReason) {
  Answer a = Post(Review("uid-deny-1", "team-cn", kGpus));
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.uid, "uid-deny-1");
  EXPECT_FALSE(a.allowed);
  EXPECT_NE(a.message.find("redflagd refused this pod for customer dragon (DENY): "
                           "adversary_linked_training: headquarters CN (Dragon Compute Co)"),
            std::string::npos)
      << a.message;
  EXPECT_NE(a.body.find(R"("code":403)"), std::string::npos) << a.body;
  // On record, with the API server's principal and the pod.
  std::vector<v1::AuditRecord> recs = Decisions("dragon");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].actor(), "kube-apiserver.redflag.test (kubernetes admission)");
  EXPECT_EQ(Detail(recs[0], "scheduler_job_id"), "team-cn/train-0");
  EXPECT_EQ(Detail(recs[0], "accelerators"), "8 x NVIDIA-H100-80GB-HBM3");
  EXPECT_EQ(Detail(recs[0], "dedicated"), "no");
  // The same customer's pod without GPUs is not judged.
  Answer cpu = Post(Review("uid-cpu-1", "team-cn", kCpu));
  EXPECT_EQ(cpu.uid, "uid-cpu-1");
  EXPECT_TRUE(cpu.allowed) << cpu.body;
  // A dry run gets the same answer, and nothing is recorded.
  Answer dry = Post(Review("uid-dry-1", "team-cn", kGpus, true));
  EXPECT_FALSE(dry.allowed);
  EXPECT_EQ(Decisions("dragon").size(), 1u);
}

TEST_F(AdmissionEndToEnd, AReservedClustersPodIsDedicatedCapacity) {
  Answer a = Post(Review("uid-r1", "team-a", kGpus), "/admission/v1/pods/gpu-reserved");
  EXPECT_TRUE(a.allowed) << a.body;  // a clear customer: dedicated is no reason
  // R3: a D:5-headquartered party on dedicated 3A090-class capacity needs a licence.
  Answer r3 = Post(Review("uid-r3", "team-cn", kGpus), "/admission/v1/pods/gpu-reserved");
  EXPECT_FALSE(r3.allowed);
  EXPECT_NE(r3.message.find("dedicated_capacity_licence"), std::string::npos) << r3.message;
  ASSERT_EQ(Decisions("dragon").size(), 1u);
  EXPECT_EQ(Detail(Decisions("dragon")[0], "dedicated"), "yes");
  EXPECT_EQ(Detail(Decisions("dragon")[0], "cluster"), "gpu-reserved");
  // A namespace is a cluster's own: team-new of gpu-east is unknown on gpu-reserved.
  Answer other = Post(Review("uid-x", "team-new", kGpus), "/admission/v1/pods/gpu-reserved");
  EXPECT_FALSE(other.allowed);
  EXPECT_NE(other.message.find("namespace team-new of cluster gpu-reserved is not known"),
            std::string::npos)
      << other.message;
}

TEST_F(AdmissionEndToEnd, NamespacesWithoutACustomerAndUnprofiledCustomersAreRefused) {
  Answer unlabelled = Post(Review("uid-s", "sandbox", kGpus));
  EXPECT_EQ(unlabelled.uid, "uid-s");
  EXPECT_FALSE(unlabelled.allowed);
  EXPECT_NE(unlabelled.message.find(
                "namespace sandbox of cluster gpu-east has no redflag.io/customer label"),
            std::string::npos)
      << unlabelled.message;
  Answer unknown = Post(Review("uid-u", "nowhere", kGpus));
  EXPECT_FALSE(unknown.allowed);
  EXPECT_NE(unknown.message.find("is not known to redflagd yet"), std::string::npos);
  // A customer nobody profiled: REVIEW, which Kubernetes cannot hold: refused.
  Answer review = Post(Review("uid-n", "team-new", kGpus));
  EXPECT_FALSE(review.allowed);
  EXPECT_NE(review.message.find("redflagd holds customer newco for review (REVIEW): "
                                "no_customer_profile"),
            std::string::npos)
      << review.message;
  ASSERT_EQ(Decisions("newco").size(), 1u);
  EXPECT_EQ(Detail(Decisions("newco")[0], "verdict"), "VERDICT_REVIEW");
}

TEST_F(AdmissionEndToEnd, MalformedReviewsAreRefusedNamingWhatIsWrong) {
  Answer a = Post("{not json");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body, "body: not JSON\n");
  a = Post(absl::StrReplaceAll(Review("u", "team-a", kGpus),
                               {{"admission.k8s.io/v1", "admission.k8s.io/v1beta1"}}));
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.body.find("set admissionReviewVersions: [v1]"), std::string::npos) << a.body;
  a = Post(Review("u", "team-a", R"({"limits": {"nvidia.com/gpu": "lots"}})"));
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.body.find("request.object.spec.containers[0].resources.limits[nvidia.com/gpu]"),
            std::string::npos)
      << a.body;
  a = Post(absl::StrReplaceAll(Review("", "team-a", kGpus), {{R"("uid": "",)", ""}}));
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body, "request.uid: missing\n");
  // Deeply nested JSON is refused by the parser, not followed down.
  a = Post(std::string(100000, '[') + std::string(100000, ']'));
  EXPECT_EQ(a.status, 400);
  // No cluster, or one that is not a name: no such route.
  EXPECT_EQ(Post(Review("u", "team-a", kGpus), "/admission/v1/pods/").status, 404);
  EXPECT_EQ(Post(Review("u", "team-a", kGpus), "/admission/v1/pods/a/b").status, 404);
  EXPECT_EQ(Post(Review("u", "team-a", kGpus), "/admission/v1/pods/..").status, 404);
  // The daemon serves on.
  EXPECT_TRUE(Post(Review("uid-after", "team-a", kGpus)).allowed);
}

TEST_F(AdmissionEndToEnd, OnlyACallerWithTheRoleMayAsk) {
  Answer nobody = Post(Review("u", "team-cn", kGpus), "/admission/v1/pods/gpu-east", "");
  EXPECT_EQ(nobody.status, 403);
  EXPECT_NE(nobody.body.find("may not call POST /admission/v1/pods/*: it needs role telemetry"),
            std::string::npos)
      << nobody.body;
  EXPECT_EQ(Post(Review("u", "team-cn", kGpus), "/admission/v1/pods/gpu-east", "analyst").status,
            403);
  EXPECT_TRUE(Decisions("dragon").empty());
  // Counted by outcome on /metrics.
  Post(Review("uid-m", "team-cn", kGpus));
  httplib::Result m = Client("admin")->Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find(R"(redflag_admission_reviews_total{outcome="denied"} 1)"),
            std::string::npos);
}

}  // namespace
}  // namespace redflag::testing

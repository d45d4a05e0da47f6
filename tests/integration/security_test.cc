// Every call is someone: the real daemon with mutual TLS and an
// authorization policy, certificates made at test time with openssl
// (tests/integration/make_test_certs.sh). Every role calls every RPC of the
// API and is refused exactly where the role table says; clients without a
// certificate, with an expired one or one from another CA fail the
// handshake; the server certificate rotates without a restart; a broken
// policy on SIGHUP keeps the one in force; a remote address without TLS is
// refused at start.
#include <arpa/inet.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <snappy.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "detectors/authorization.h"
#include "redflag/v1/audit.grpc.pb.h"
#include "redflag/v1/compute.grpc.pb.h"
#include "redflag/v1/customers.grpc.pb.h"
#include "remote_write/remote_write.pb.h"
#include "tests/integration/daemon_process.h"

namespace redflag::testing {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

constexpr char kPolicy[] = R"({
  "name": "test",
  "allow_rules": [
    {"name": "agents", "source": {"principals": ["spiffe://redflag.test/telemetry"]},
     "roles": ["telemetry"]},
    {"name": "billing", "source": {"principals": ["spiffe://redflag.test/inventory"]},
     "roles": ["inventory"]},
    {"name": "analysts", "source": {"principals": ["*.analysts.redflag.test"]},
     "roles": ["analyst"]},
    {"name": "officers", "source": {"principals": ["*.compliance.redflag.test"]},
     "roles": ["compliance"]},
    {"name": "scrapers", "source": {"principals": ["prometheus.redflag.test"]},
     "roles": ["monitoring"]},
    {"name": "ops", "source": {"principals": ["ops-admin"]}, "roles": ["admin"]}
  ]})";

class SecurityEndToEnd : public ::testing::Test {
 protected:
  // GET over HTTPS as `client` ("" for no certificate).
  HttpsResponse Https(const std::string& path, const std::string& client = "admin") {
    return HttpsGet(daemon_->http_port(), path, Cert("ca.crt"),
                    client.empty() ? "" : Cert(client + ".crt"),
                    client.empty() ? "" : Cert(client + ".key"));
  }
  static void SetUpTestSuite() {
    certs_ = new TempDir();
    made_ = new CommandResult(RunCommand(
        {"/bin/bash", REDFLAG_SOURCE_DIR "/tests/integration/make_test_certs.sh", certs_->path()}));
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete made_;
  }

  void SetUp() override {
    // Fails (never skips) without openssl: every test needs the certificates.
    ASSERT_EQ(made_->exit_code, 0)
        << "openssl could not make the test certificates: " << made_->output;
    tls_ = fs::path(dir_.path()) / "tls";
    fs::create_directories(tls_);
    fs::copy_file(Cert("server.crt"), tls_ / "server.crt");
    fs::copy_file(Cert("server.key"), tls_ / "server.key");
    std::ofstream(tls_ / "policy.json") << kPolicy;
    auto d = DaemonProcess::Start(
        dir_.path() + "/data", FreePorts(),
        {"-o", "tls.cert_file=" + (tls_ / "server.crt").string(), "-o",
         "tls.key_file=" + (tls_ / "server.key").string(), "-o",
         "tls.client_ca_file=" + Cert("ca.crt"), "-o", "tls.refresh_interval=1s", "-o",
         "security.policy_file=" + (tls_ / "policy.json").string(), "-o",
         absl::StrCat("http.health_listen=127.0.0.1:", health_port_)},
        Credentials("admin"));
    ASSERT_TRUE(d.ok()) << d.status();
    daemon_ = std::move(*d);
  }

  static std::string Cert(const std::string& name) { return certs_->path() + "/" + name; }
  // Client credentials with `client`'s certificate ("" for none), trusting `ca`.
  static std::shared_ptr<grpc::ChannelCredentials> Credentials(const std::string& client,
                                                               const std::string& ca = "ca") {
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = Read(Cert(ca + ".crt"));
    if (!client.empty()) {
      o.pem_private_key = Read(Cert(client + ".key"));
      o.pem_cert_chain = Read(Cert(client + ".crt"));
    }
    return grpc::SslCredentials(o);
  }
  std::shared_ptr<grpc::Channel> Channel(const std::string& client) {
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel(daemon_->grpc_address(), Credentials(client), args);
  }
  // Calls `method` with an empty request (every field at its default).
  static grpc::Status Call(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                           grpc::ClientContext* ctx = nullptr) {
    grpc::ClientContext own;
    if (ctx == nullptr) ctx = &own;
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(1500));
    grpc::GenericStub stub(channel);
    grpc::CompletionQueue cq;
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), response;
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
        stub.PrepareUnaryCall(ctx, method, request, &cq);
    call->StartCall();
    grpc::Status status;
    call->Finish(&response, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    cq.Next(&tag, &ok);
    return status;
  }

  static TempDir* certs_;
  static CommandResult* made_;
  TempDir dir_;
  fs::path tls_;
  const int health_port_ = FreePorts().second;
  std::unique_ptr<DaemonProcess> daemon_;
};
TempDir* SecurityEndToEnd::certs_ = nullptr;
CommandResult* SecurityEndToEnd::made_ = nullptr;

// Every role x every RPC: the role table's answer, through the real daemon.
TEST_F(SecurityEndToEnd, EveryRoleCallsExactlyWhatTheRoleTableAllows) {
  const std::pair<const char*, detectors::Role> roles[] = {
      {"telemetry", detectors::Role::kTelemetry},   {"inventory", detectors::Role::kInventory},
      {"analyst", detectors::Role::kAnalyst},       {"compliance", detectors::Role::kCompliance},
      {"monitoring", detectors::Role::kMonitoring}, {"admin", detectors::Role::kAdmin}};
  size_t calls = 0;
  for (const auto& [cert, role] : roles) {
    std::shared_ptr<grpc::Channel> channel = Channel(cert);
    for (const std::string& method : detectors::KnownMethods()) {
      if (!absl::StartsWith(method, "/redflag.v1.")) continue;  // gRPC's own services
      const std::vector<detectors::Role>& allowed = *detectors::RolesFor(method);
      const bool may = std::find(allowed.begin(), allowed.end(), role) != allowed.end();
      const grpc::Status s = Call(channel, method);
      ++calls;
      if (may) {
        EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << cert << " " << method << ": " << s.error_message();
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNAVAILABLE) << cert << " " << method;
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << cert << " " << method << ": " << s.error_message();
      }
    }
  }
  EXPECT_EQ(calls, 6u * 36u);
  // A refusal names the principal, the method and the role that would allow it.
  grpc::Status s = Call(Channel("telemetry"), "/redflag.v1.ComputeService/SetModelPublication");
  EXPECT_EQ(s.error_message(),
            "principal 'spiffe://redflag.test/telemetry' may not call "
            "/redflag.v1.ComputeService/SetModelPublication: it needs role compliance or admin; "
            "it has telemetry");
  // Counted on /metrics by method and role only.
  HttpsResponse m = Https("/metrics");
  EXPECT_NE(m.body.find("redflag_security_denied_total{method=\"/redflag.v1.ComputeService/"
                        "SetModelPublication\",role=\"compliance\"}"),
            std::string::npos);
}

// The HTTP endpoints under the same table, with the same principals, over
// HTTPS: /metrics for monitoring and admin; liveness and readiness for anyone
// who completes the handshake, certificate or not.
TEST_F(SecurityEndToEnd, HttpEndpointsFollowTheRoleTableOverHttps) {
  for (const char* client :
       {"telemetry", "inventory", "analyst", "compliance", "monitoring", "admin", "nobody", ""}) {
    const std::string who = *client ? client : "no certificate";
    const bool may = std::string(client) == "monitoring" || std::string(client) == "admin";
    HttpsResponse m = Https("/metrics", client);
    EXPECT_EQ(m.status, may ? 200 : 403) << who << ": " << m.error << m.body;
    if (may) {
      EXPECT_NE(m.body.find("redflag_build_info"), std::string::npos) << who;
    } else {
      EXPECT_NE(m.body.find("may not call GET /metrics: it needs role monitoring or admin"),
                std::string::npos)
          << who << ": " << m.body;
    }
    EXPECT_EQ(Https("/healthz", client).status, 200) << who;
    EXPECT_EQ(Https("/readyz", client).status, 200) << who;
  }
  // The principal is read as gRPC reads it: SPIFFE ID, DNS SAN, CN.
  EXPECT_EQ(Https("/metrics", "telemetry").body,
            "principal 'spiffe://redflag.test/telemetry' may not call GET /metrics: it needs role "
            "monitoring or admin; it has telemetry\n");
  EXPECT_NE(Https("/metrics", "analyst").body.find("principal 'alice.analysts.redflag.test'"),
            std::string::npos);
  EXPECT_EQ(Https("/metrics", "").body,
            "a caller without a client certificate may not call GET /metrics: it needs role "
            "monitoring or admin; it has no principal\n");
  // A certificate that is presented must verify: expired or foreign ones fail the handshake.
  for (const char* client : {"expired", "foreign"}) {
    HttpsResponse r = Https("/healthz", client);
    EXPECT_EQ(r.status, 0) << client << ": " << r.body;
    EXPECT_NE(r.error, "") << client;
  }
  // Plaintext to the TLS port is no request at all.
  EXPECT_NE(HttpGet(daemon_->http_port(), "/healthz", absl::Seconds(5)).status, 200);
  const std::string body = Https("/metrics", "monitoring").body;
  EXPECT_NE(body.find("redflag_security_denied_total{method=\"GET /metrics\",role=\"monitoring\"}"),
            std::string::npos);
  EXPECT_NE(body.find("redflag_security_certificate_reads_total{outcome=\"loaded\"} 1"),
            std::string::npos);
  EXPECT_NE(body.find("redflag_security_certificate_expiry_timestamp_seconds"), std::string::npos);
}

// Probes that carry no certificate (a kubelet's) have a plaintext listener of
// their own, which serves liveness and readiness and nothing else.
TEST_F(SecurityEndToEnd, TheHealthListenerServesProbesInPlaintextAndNothingElse) {
  EXPECT_EQ(HttpGet(health_port_, "/healthz").status, 200);
  HttpResponse ready = HttpGet(health_port_, "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ready\n");
  for (const char* path : {"/metrics", "/", "/healthz/x"}) {
    EXPECT_EQ(HttpGet(health_port_, path).status, 404) << path;
  }
}

// Clients that connect and never finish the TLS handshake hold a thread no
// longer than http.read_timeout; probes are answered meanwhile.
TEST_F(SecurityEndToEnd, StalledHandshakesDoNotStarveTheHttpsListener) {
  // Every other one sends the start of a ClientHello record, then nothing.
  const std::vector<int> stalled =
      StalledConnections(daemon_->http_port(), 12, std::string("\x16\x03\x01\x02\x00\x01", 6));
  ASSERT_EQ(stalled.size(), 12u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Https("/readyz", "").status, 200) << "probe " << i;
    EXPECT_EQ(Https("/metrics", "monitoring").status, 200) << "scrape " << i;
  }
  for (int fd : stalled) {
    EXPECT_TRUE(ClosedByServerWithin(fd, absl::Seconds(10))) << "still open 10 s later";
  }
}

// Remote-write is telemetry: the node agents' role, over mutual TLS; the
// refusal comes before the body is read.
TEST_F(SecurityEndToEnd, RemoteWriteIsForTheTelemetryRoleOnly) {
  remote_write::WriteRequest r;
  remote_write::TimeSeries* ts = r.add_timeseries();
  for (const auto& [n, v] : std::vector<std::pair<std::string, std::string>>{
           {"UUID", "GPU-1"}, {"__name__", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE"}}) {
    remote_write::Label* l = ts->add_labels();
    l->set_name(n);
    l->set_value(v);
  }
  remote_write::Sample* s = ts->add_samples();
  s->set_timestamp(absl::ToUnixMillis(absl::Now()) - 60'000);
  s->set_value(0.5);
  std::string raw = r.SerializeAsString(), body;
  snappy::Compress(raw.data(), raw.size(), &body);
  const std::string file = dir_.path() + "/write.bin";
  std::ofstream(file, std::ios::binary) << body;
  auto post = [&](const std::string& client) {
    std::vector<std::string> argv = {"/usr/bin/curl",
                                     "-sS",
                                     "--max-time",
                                     "5",
                                     "--cacert",
                                     Cert("ca.crt"),
                                     "-o",
                                     "/dev/null",
                                     "-w",
                                     "%{http_code}",
                                     "-H",
                                     "Content-Encoding: snappy",
                                     "-H",
                                     "Content-Type: application/x-protobuf",
                                     "-H",
                                     "X-Prometheus-Remote-Write-Version: 0.1.0",
                                     "--data-binary",
                                     "@" + file};
    if (!client.empty()) {
      argv.insert(argv.end(), {"--cert", Cert(client + ".crt"), "--key", Cert(client + ".key")});
    }
    argv.push_back(absl::StrCat("https://localhost:", daemon_->http_port(), "/api/v1/write"));
    return RunCommand(argv).output;
  };
  EXPECT_EQ(post("telemetry"), "204");
  for (const char* client : {"analyst", "monitoring", "compliance", ""}) {
    EXPECT_EQ(post(client), "403") << (*client ? client : "no certificate");
  }
}

TEST_F(SecurityEndToEnd, APrincipalNoRuleNamesIsRefusedEverything) {
  std::shared_ptr<grpc::Channel> channel = Channel("nobody");
  for (const std::string& method : detectors::KnownMethods()) {
    if (!absl::StartsWith(method, "/redflag.v1.")) continue;
    const grpc::Status s = Call(channel, method);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method;
    EXPECT_NE(s.error_message().find("no rule of the policy names it"), std::string::npos)
        << s.error_message();
  }
}

TEST_F(SecurityEndToEnd, NoExpiredOrForeignCertificateGetsThroughTheHandshake) {
  const std::string health = "/grpc.health.v1.Health/Check";
  EXPECT_TRUE(Call(Channel("telemetry"), health).ok());
  for (const char* client : {"", "expired", "foreign"}) {
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    auto channel =
        grpc::CreateCustomChannel(daemon_->grpc_address(), Credentials(client, "ca"), args);
    const grpc::Status s = Call(channel, health);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE)
        << (*client ? client : "no certificate") << ": " << s.error_message();
  }
  // Nor does a plaintext client.
  auto plain = grpc::CreateChannel(daemon_->grpc_address(), grpc::InsecureChannelCredentials());
  EXPECT_EQ(Call(plain, health).error_code(), grpc::StatusCode::UNAVAILABLE);
}

// The server certificate files are replaced while the daemon runs: new
// connections see the new certificate, with no restart.
TEST_F(SecurityEndToEnd, TheServerCertificateRotatesWithoutARestart) {
  auto common_name = [&] {
    grpc::ClientContext ctx;
    EXPECT_TRUE(Call(Channel("analyst"), "/grpc.health.v1.Health/Check", &ctx).ok());
    std::vector<grpc::string_ref> cn = ctx.auth_context()->FindPropertyValues("x509_common_name");
    return cn.empty() ? std::string() : std::string(cn[0].data(), cn[0].size());
  };
  EXPECT_EQ(common_name(), "server-1");
  fs::copy_file(Cert("server-2.key"), tls_ / "server.key", fs::copy_options::overwrite_existing);
  fs::copy_file(Cert("server-2.crt"), tls_ / "server.crt", fs::copy_options::overwrite_existing);
  std::string seen;
  for (int i = 0; i < 100 && (seen = common_name()) != "server-2"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(seen, "server-2");
  // The HTTPS listener reads the same files.
  auto https_subject = [&] {
    return RunCommand({"/bin/sh", "-c",
                       absl::StrCat("openssl s_client -connect 127.0.0.1:", daemon_->http_port(),
                                    " -CAfile ", Cert("ca.crt"), " </dev/null 2>/dev/null | ",
                                    "openssl x509 -noout -subject")})
        .output;
  };
  std::string subject;
  for (int i = 0; i < 100 && !absl::StrContains(subject = https_subject(), "server-2"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(subject.find("CN = server-2"), std::string::npos) << subject;
  EXPECT_EQ(Https("/readyz").status, 200);
  // A half-written rotation (a key that is not the certificate's) is refused;
  // the certificate in force stays.
  fs::copy_file(Cert("server.key"), tls_ / "server.key", fs::copy_options::overwrite_existing);
  std::string metrics;
  for (int i = 0; i < 100; ++i) {
    metrics = Https("/metrics").body;
    if (absl::StrContains(metrics, "redflag_security_certificate_reads_total{outcome=\"refused\"}"))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(metrics.find("redflag_security_certificate_reads_total{outcome=\"refused\"} 1"),
            std::string::npos);
  EXPECT_NE(https_subject().find("CN = server-2"), std::string::npos);
  EXPECT_NE(Read(daemon_->log_path()).find("is not the key of tls.cert_file"), std::string::npos);
  EXPECT_EQ(daemon_->WaitFor(std::chrono::milliseconds(0)), -1);  // still the same process
}

// A broken policy on SIGHUP keeps the policy in force; a good one takes over.
TEST_F(SecurityEndToEnd, ABrokenPolicyOnReloadKeepsThePolicyInForce) {
  const std::string method = "/redflag.v1.JobService/GetJob";
  EXPECT_EQ(Call(Channel("analyst"), method).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::ofstream(tls_ / "policy.json") << R"({"allow_rules": [{"name": "x", "roles": ["root"]}]})";
  daemon_->Signal(SIGHUP);  // (the file watch may refuse it first: either way, refused)
  auto refusals = [&] {
    const std::string body = Https("/metrics").body;
    const std::string key = "redflag_security_policy_reloads_total{outcome=\"refused\"} ";
    const size_t at = body.find(key);
    return at == std::string::npos ? 0.0 : std::stod(body.substr(at + key.size()));
  };
  for (int i = 0; i < 100 && refusals() < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GE(refusals(), 1);
  EXPECT_EQ(Call(Channel("analyst"), method).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(Read(daemon_->log_path()).find("authorization policy refused"), std::string::npos);
  // A good policy without the analysts: from now on they are refused.
  std::string without_analysts = kPolicy;
  const size_t at = without_analysts.find("    {\"name\": \"analysts\"");
  without_analysts.erase(at, without_analysts.find("    {\"name\": \"officers\"") - at);
  std::ofstream(tls_ / "policy.json") << without_analysts;
  daemon_->Signal(SIGHUP);
  grpc::Status s;
  for (int i = 0; i < 100; ++i) {
    s = Call(Channel("analyst"), method);
    if (s.error_code() == grpc::StatusCode::PERMISSION_DENIED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
}

// The audit log names the certificate's principal; a typed name appears only
// as "on behalf of", and only for a principal that may delegate (admin).
TEST_F(SecurityEndToEnd, TheAuditLogNamesTheCertificatesPrincipal) {
  {
    grpc::ClientContext ctx;
    v1::SetModelPublicationRequest req;
    req.set_model_id("m-open");
    req.mutable_publication()->set_weights_published(true);
    req.mutable_publication()->set_evidence("https://example.org/m-open");
    req.mutable_publication()->set_recorded_by("somebody-else");  // typed: ignored
    v1::ModelRecord resp;
    grpc::Status s =
        v1::ComputeService::NewStub(Channel("compliance"))->SetModelPublication(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  {
    grpc::ClientContext ctx;
    v1::UpsertCustomerRequest req;
    req.mutable_profile()->set_customer_id("acct-sec");
    req.mutable_profile()->set_legal_name("Secure Example Ltd");
    v1::UpsertCustomerResponse resp;
    grpc::Status s =
        v1::CustomerService::NewStub(Channel("inventory"))->UpsertCustomer(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  {
    grpc::ClientContext ctx;
    v1::SetModelPublicationRequest req;
    req.set_model_id("m-open");
    req.mutable_publication()->set_weights_published(false);
    req.mutable_publication()->set_recorded_by("carol");  // the admin may act for carol
    v1::ModelRecord resp;
    grpc::Status s =
        v1::ComputeService::NewStub(Channel("admin"))->SetModelPublication(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  grpc::ClientContext ctx;
  v1::ListAuditRequest req;
  v1::ListAuditResponse resp;
  ASSERT_TRUE(v1::AuditService::NewStub(Channel("compliance"))->ListAudit(&ctx, req, &resp).ok());
  std::vector<std::string> actors;
  for (const v1::AuditRecord& r : resp.records()) {
    if (r.action() == "model.publication" || r.action() == "customer.profile") {
      actors.push_back(r.action() + " " + r.actor());
    }
  }
  EXPECT_EQ(actors, (std::vector<std::string>{"model.publication jo.compliance.redflag.test",
                                              "customer.profile spiffe://redflag.test/inventory",
                                              "model.publication ops-admin on behalf of carol"}));
  // The chain over records with principals is intact, checked over mutual TLS.
  CommandResult verified =
      RunCommand({REDFLAGCTL_PATH, "--addr", daemon_->grpc_address(), "--ca", Cert("ca.crt"),
                  "--server-name", "localhost", "--cert", Cert("compliance.crt"), "--key",
                  Cert("compliance.key"), "audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("audit log intact"), std::string::npos) << verified.output;
}

// redflagctl speaks mutual TLS with --ca/--cert/--key or $REDFLAG_TLS_*.
TEST_F(SecurityEndToEnd, RedflagctlSpeaksMutualTls) {
  auto ctl = [&](const std::string& client, std::vector<std::string> args) {
    std::vector<std::string> argv = {REDFLAGCTL_PATH, "--addr",       daemon_->grpc_address(),
                                     "--ca",          Cert("ca.crt"), "--server-name",
                                     "localhost"};
    if (!client.empty()) {
      argv.insert(argv.end(), {"--cert", Cert(client + ".crt"), "--key", Cert(client + ".key")});
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  };
  CommandResult r = ctl("analyst", {"alerts", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = ctl("telemetry", {"models", "publish", "m-x", "--evidence", "https://example.org/x"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("principal 'spiffe://redflag.test/telemetry' may not call "
                          "/redflag.v1.ComputeService/SetModelPublication"),
            std::string::npos)
      << r.output;
  r = ctl("", {"alerts", "list"});  // no client certificate: no handshake
  EXPECT_NE(r.exit_code, 0) << r.output;
  r = RunCommand({REDFLAGCTL_PATH, "--addr", daemon_->grpc_address(), "--cert", Cert("admin.crt"),
                  "--key", Cert("admin.key"), "alerts", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--cert/--key need --ca"), std::string::npos) << r.output;
}

// A failed handshake is explained: which certificate, and what to do.
TEST_F(SecurityEndToEnd, RedflagctlSaysWhyAHandshakeFailed) {
  auto ctl = [&](std::vector<std::string> tls) {
    std::vector<std::string> argv = {REDFLAGCTL_PATH, "--addr", daemon_->grpc_address(),
                                     "--timeout", "3s"};
    argv.insert(argv.end(), tls.begin(), tls.end());
    argv.insert(argv.end(), {"alerts", "list"});
    return RunCommand(argv);
  };
  const std::vector<std::string> analyst = {"--cert", Cert("analyst.crt"), "--key",
                                            Cert("analyst.key")};
  auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  const std::vector<std::string> ca = {"--ca", Cert("ca.crt"), "--server-name", "localhost"};
  const struct {
    std::vector<std::string> tls;
    std::string says;
  } cases[] = {
      {{}, "speaks TLS: pass --ca"},
      {with({"--ca", Cert("other-ca.crt")}, analyst),
       "the daemon's certificate (/CN=server-1, issued by /CN=ca) is not signed by a CA in --ca"},
      {with({"--ca", Cert("ca.crt"), "--server-name", "redflagd.elsewhere"}, analyst),
       "the daemon's certificate is not for 'redflagd.elsewhere' (it names DNS:localhost, "
       "IP:127.0.0.1): pass --server-name"},
      {ca, "the daemon requires a client certificate: pass --cert and --key"},
      {with(ca, {"--cert", Cert("expired.crt"), "--key", Cert("expired.key")}),
       "this client's certificate (--cert " + Cert("expired.crt") + ") expired at "},
      {with(ca, {"--cert", Cert("foreign.crt"), "--key", Cert("foreign.key")}),
       "the daemon does not trust this client's certificate"},
      {with(ca, {"--cert", Cert("analyst.crt"), "--key", Cert("telemetry.key")}),
       "is not the key of --cert"},
  };
  for (const auto& c : cases) {
    CommandResult r = ctl(c.tls);
    EXPECT_EQ(r.exit_code, 75) << r.output;  // try again later: the daemon may be fixed
    EXPECT_NE(r.output.find(c.says), std::string::npos) << r.output;
  }
  // TLS spoken to a plaintext daemon.
  TempDir plain;
  auto p = DaemonProcess::Start(plain.path() + "/data", FreePorts());
  ASSERT_TRUE(p.ok()) << p.status();
  CommandResult r = RunCommand({REDFLAGCTL_PATH, "--addr", (*p)->grpc_address(), "--timeout", "3s",
                                "--ca", Cert("ca.crt"), "alerts", "list"});
  EXPECT_NE(r.output.find("does not answer TLS: it may listen without TLS"), std::string::npos)
      << r.output;
  // And when all is well, nothing is diagnosed.
  r = ctl(with(ca, analyst));
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

// The settings may come from a config file; the environment and flags
// override it.
TEST_F(SecurityEndToEnd, RedflagctlReadsItsSettingsFromAConfigFile) {
  const std::string dir = dir_.path() + "/ctl";
  fs::create_directories(dir);
  fs::copy_file(Cert("analyst.crt"), dir + "/me.crt");
  fs::copy_file(Cert("analyst.key"), dir + "/me.key");
  std::ofstream(dir + "/config.yaml")
      << "addr: " << daemon_->grpc_address() << "\nca: " << Cert("ca.crt")
      << "\ncert: me.crt\nkey: me.key\nserver_name: localhost\n"
      << "timeout: 5s\n";
  CommandResult r =
      RunCommand({REDFLAGCTL_PATH, "--config", dir + "/config.yaml", "alerts", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = RunCommand({"/usr/bin/env", "REDFLAGCTL_CONFIG=" + dir + "/config.yaml", REDFLAGCTL_PATH,
                  "alerts", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // The environment wins over the file: another certificate, another principal.
  r = RunCommand({"/usr/bin/env", "REDFLAGCTL_CONFIG=" + dir + "/config.yaml",
                  "REDFLAG_TLS_CERT=" + Cert("telemetry.crt"),
                  "REDFLAG_TLS_KEY=" + Cert("telemetry.key"), REDFLAGCTL_PATH, "alerts", "list"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("principal 'spiffe://redflag.test/telemetry' may not call"),
            std::string::npos)
      << r.output;
  std::ofstream(dir + "/bad.yaml") << "addr: x:1\ncertificate: me.crt\n";
  r = RunCommand({REDFLAGCTL_PATH, "--config", dir + "/bad.yaml", "alerts", "list"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(dir + "/bad.yaml: unknown key 'certificate'"), std::string::npos)
      << r.output;
  r = RunCommand({REDFLAGCTL_PATH, "--config", dir + "/missing.yaml", "alerts", "list"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("missing.yaml: cannot be read"), std::string::npos) << r.output;
}

// An edit of the policy file takes effect without a signal.
TEST_F(SecurityEndToEnd, AnEditedPolicyTakesEffectWithoutASignal) {
  const std::string method = "/redflag.v1.ReportService/GetQuarterlyReport";
  EXPECT_EQ(Call(Channel("analyst"), method).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  std::string analysts_report = kPolicy;
  const std::string from = R"("roles": ["analyst"])";
  analysts_report.replace(analysts_report.find(from), from.size(),
                          R"("roles": ["analyst", "compliance"])");
  std::ofstream(tls_ / "policy.json") << analysts_report;
  grpc::Status s;
  for (int i = 0; i < 100; ++i) {
    s = Call(Channel("analyst"), method);
    if (s.error_code() != grpc::StatusCode::PERMISSION_DENIED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
}

TEST(SecurityStart, ARemoteAddressWithoutTlsIsRefusedNamingTheWayOut) {
  TempDir dir;
  CommandResult r = RunCommand({REDFLAGD_PATH, "--data-dir", dir.path() + "/data", "--grpc-listen",
                                "0.0.0.0:0", "--http-listen", "127.0.0.1:0"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("grpc.listen: 0.0.0.0:0 is not a loopback address and tls.cert_file "
                          "is empty"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("grpc.allow_insecure_remote: true"), std::string::npos) << r.output;
  // The same for HTTP: /metrics unauthenticated on the network is asked for explicitly.
  r = RunCommand({REDFLAGD_PATH, "--data-dir", dir.path() + "/data", "--grpc-listen", "127.0.0.1:0",
                  "--http-listen", "0.0.0.0:0"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("http.listen: 0.0.0.0:0 is not a loopback address and tls.cert_file "
                          "is empty"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("http.allow_insecure_remote: true"), std::string::npos) << r.output;
  // --check-config says the same, before anything is opened.
  r = RunCommand({REDFLAGD_PATH, "--check-config", "-o", "grpc.listen=0.0.0.0:50051"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("grpc.listen: 0.0.0.0:50051 is not a loopback address"),
            std::string::npos)
      << r.output;
}

// Allowed on purpose: it starts, says so in the log at every start, and
// shows it on /metrics (RedflagPlaintextRemoteListener).
TEST(SecurityStart, APlaintextRemoteListenerIsLoggedAndExposed) {
  TempDir dir;
  const std::pair<int, int> ports = FreePorts();
  auto d = DaemonProcess::Start(dir.path() + "/data", ports,
                                {"--grpc-listen", absl::StrCat("0.0.0.0:", ports.first), "-o",
                                 "grpc.allow_insecure_remote=true"});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_NE(Read((*d)->log_path()).find("mode=\"plaintext (remote, allowed)\""), std::string::npos)
      << Read((*d)->log_path());
  EXPECT_NE(HttpGet((*d)->http_port(), "/metrics")
                .body.find("redflag_security_plaintext_remote{listener=\"grpc\"} 1"),
            std::string::npos);
  // And the default, loopback, is no such thing.
  TempDir other;
  auto local = DaemonProcess::Start(other.path() + "/data", FreePorts());
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_NE(HttpGet((*local)->http_port(), "/metrics")
                .body.find("redflag_security_plaintext_remote{listener=\"grpc\"} 0"),
            std::string::npos);
}

}  // namespace
}  // namespace redflag::testing

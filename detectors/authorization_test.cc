#include "detectors/authorization.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "google/protobuf/descriptor.h"
#include "redflag/v1/access.pb.h"
#include "redflag/v1/alerts.pb.h"
#include "redflag/v1/audit.pb.h"
#include "redflag/v1/compute.pb.h"
#include "redflag/v1/customers.pb.h"
#include "redflag/v1/decisions.pb.h"
#include "redflag/v1/egress.pb.h"
#include "redflag/v1/inquiries.pb.h"
#include "redflag/v1/jobs.pb.h"
#include "redflag/v1/reports.pb.h"
#include "redflag/v1/screening.pb.h"
#include "redflag/v1/storage.pb.h"
#include "redflag/v1/telemetry.pb.h"

namespace redflag::detectors {
namespace {

constexpr char kPolicy[] = R"({
  "name": "redflagd",
  "deny_rules": [{"name": "revoked", "source": {"principals": ["spiffe://x/ns/gpu/sa/old-*"]}}],
  "allow_rules": [
    {"name": "gpu-agents", "source": {"principals": ["spiffe://x/ns/gpu/sa/*"]},
     "roles": ["telemetry"]},
    {"name": "officers", "source": {"principals": ["*.compliance.example.org"]},
     "roles": ["compliance", "analyst"]},
    {"name": "ops", "source": {"principals": ["ops-admin"]}, "roles": ["admin"]}
  ]})";

v1::AuthorizationPolicy Policy() {
  absl::StatusOr<v1::AuthorizationPolicy> p = ParseAuthorizationPolicy(kPolicy, "policy.json");
  EXPECT_TRUE(p.ok()) << p.status();
  return *p;
}

// Every RPC of redflag.v1 has an entry: a new RPC without one fails here
// (and is refused by the daemon until it gets one).
TEST(Authorization, EveryRpcOfTheApiHasAnEntryInTheRoleTable) {
  const google::protobuf::FileDescriptor* files[] = {
      v1::AccessEvent::descriptor()->file(),      v1::Alert::descriptor()->file(),
      v1::ListAuditRequest::descriptor()->file(), v1::EstimateReport::descriptor()->file(),
      v1::Customer::descriptor()->file(),         v1::Decision::descriptor()->file(),
      v1::EgressEvent::descriptor()->file(),      v1::Inquiry::descriptor()->file(),
      v1::JobSpec::descriptor()->file(),          v1::QuarterlyReport::descriptor()->file(),
      v1::ListInfo::descriptor()->file(),         v1::CreateBackupRequest::descriptor()->file(),
      v1::SampleBatch::descriptor()->file()};
  size_t methods = 0;
  for (const google::protobuf::FileDescriptor* f : files) {
    for (int s = 0; s < f->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = f->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        const std::string method = "/" + service->full_name() + "/" + service->method(m)->name();
        ++methods;
        const std::vector<Role>* roles = RolesFor(method);
        ASSERT_NE(roles, nullptr) << method << " has no entry in the role table";
        EXPECT_NE(std::find(roles->begin(), roles->end(), Role::kAdmin), roles->end()) << method;
      }
    }
  }
  EXPECT_EQ(methods, 30u);
  EXPECT_EQ(RolesFor("/redflag.v1.JobService/DropAll"), nullptr);
}

TEST(Authorization, PatternsAreExactPrefixSuffixOrAny) {
  EXPECT_TRUE(PrincipalMatches("spiffe://x/ns/gpu/*", "spiffe://x/ns/gpu/sa/agent"));
  EXPECT_FALSE(PrincipalMatches("spiffe://x/ns/gpu/*", "spiffe://x/ns/cpu/sa/agent"));
  EXPECT_TRUE(PrincipalMatches("*.example.org", "a.example.org"));
  EXPECT_FALSE(PrincipalMatches("*.example.org", "a.example.org.evil"));
  EXPECT_TRUE(PrincipalMatches("ops-admin", "ops-admin"));
  EXPECT_FALSE(PrincipalMatches("ops-admin", "ops-admin2"));
  EXPECT_TRUE(PrincipalMatches("*", "anyone"));
  EXPECT_FALSE(PrincipalMatches("*", ""));
}

TEST(Authorization, DenyRulesComeFirstAndNoRuleMeansNoRole) {
  const v1::AuthorizationPolicy p = Policy();
  Grant agent = GrantOf(p, "spiffe://x/ns/gpu/sa/agent-7");
  EXPECT_EQ(agent.roles, std::vector<Role>{Role::kTelemetry});
  EXPECT_EQ(agent.rule, "gpu-agents");
  Grant revoked = GrantOf(p, "spiffe://x/ns/gpu/sa/old-agent");  // matches both: deny wins
  EXPECT_TRUE(revoked.roles.empty());
  EXPECT_TRUE(revoked.denied_by_rule);
  EXPECT_EQ(revoked.rule, "revoked");
  Grant stranger = GrantOf(p, "spiffe://y/ns/gpu/sa/agent");
  EXPECT_TRUE(stranger.roles.empty());
  EXPECT_FALSE(stranger.denied_by_rule);
  Grant officer = GrantOf(p, "jane.compliance.example.org");
  EXPECT_EQ(officer.roles, (std::vector<Role>{Role::kCompliance, Role::kAnalyst}));
}

TEST(Authorization, EachRoleCallsWhatItNeedsAndARefusalSaysWhatWouldAllow) {
  const v1::AuthorizationPolicy p = Policy();
  const Grant agent = GrantOf(p, "spiffe://x/ns/gpu/sa/agent-7");
  EXPECT_TRUE(Authorize(agent, "a", "/redflag.v1.TelemetryService/Ingest").allowed);
  EXPECT_TRUE(Authorize(agent, "a", "/redflag.v1.JobService/RegisterJob").allowed);
  // Publishing weights silences Red Flag 28: compliance only.
  Decision d = Authorize(agent, "spiffe://x/ns/gpu/sa/agent-7",
                         "/redflag.v1.ComputeService/SetModelPublication");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason,
            "principal 'spiffe://x/ns/gpu/sa/agent-7' may not call "
            "/redflag.v1.ComputeService/SetModelPublication: it needs role compliance or admin; "
            "it has telemetry");
  const Grant officer = GrantOf(p, "jane.compliance.example.org");
  EXPECT_TRUE(Authorize(officer, "j", "/redflag.v1.ComputeService/SetModelPublication").allowed);
  EXPECT_TRUE(Authorize(officer, "j", "/redflag.v1.AlertService/ActOnAlert").allowed);
  EXPECT_FALSE(Authorize(officer, "j", "/redflag.v1.TelemetryService/Ingest").allowed);
  EXPECT_FALSE(Authorize(officer, "j", "/redflag.v1.StorageService/CreateBackup").allowed);
  const Grant admin = GrantOf(p, "ops-admin");
  for (const std::string& m : KnownMethods()) EXPECT_TRUE(Authorize(admin, "o", m).allowed) << m;
  d = Authorize(GrantOf(p, "spiffe://x/ns/gpu/sa/old-1"), "spiffe://x/ns/gpu/sa/old-1",
                "/redflag.v1.TelemetryService/Ingest");
  EXPECT_NE(d.reason.find("it is denied by rule 'revoked'"), std::string::npos) << d.reason;
  d = Authorize(GrantOf(p, "nobody"), "nobody", "/grpc.health.v1.Health/Check");
  EXPECT_NE(d.reason.find("no rule of the policy names it"), std::string::npos) << d.reason;
  d = Authorize(admin, "ops-admin", "/redflag.v1.JobService/DropAll");
  EXPECT_FALSE(d.allowed);  // not even admin: unknown methods are refused
  EXPECT_NE(d.reason.find("no entry in the role table"), std::string::npos);
}

// Prometheus' certificate reads /metrics and nothing else; liveness and
// readiness need no certificate at all, everything else needs one.
TEST(Authorization, HttpEndpointsMonitoringAndTheOpenProbes) {
  v1::AuthorizationPolicy p = Policy();
  v1::AuthorizationRule* scraper = p.add_allow_rules();
  scraper->set_name("prometheus");
  scraper->mutable_source()->add_principals("prometheus.monitoring");
  scraper->add_roles("monitoring");
  const Grant prometheus = GrantOf(p, "prometheus.monitoring");
  EXPECT_TRUE(Authorize(prometheus, "prometheus.monitoring", "GET /metrics").allowed);
  EXPECT_FALSE(Authorize(prometheus, "prometheus.monitoring", "/redflag.v1.AlertService/ListAlerts")
                   .allowed);
  EXPECT_TRUE(
      Authorize(prometheus, "prometheus.monitoring", "/grpc.health.v1.Health/Check").allowed);
  const Grant officer = GrantOf(p, "jane.compliance.example.org");
  EXPECT_FALSE(Authorize(officer, "j", "GET /metrics").allowed);
  const Grant nobody = GrantOf(p, "");
  EXPECT_TRUE(Authorize(nobody, "", "GET /healthz").allowed);
  EXPECT_TRUE(Authorize(nobody, "", "GET /readyz").allowed);
  const Decision d = Authorize(nobody, "", "GET /metrics");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason,
            "a caller without a client certificate may not call GET /metrics: it needs role "
            "monitoring or admin; it has no principal");
  EXPECT_FALSE(Authorize(nobody, "", "POST /metrics").allowed);  // not in the table
  EXPECT_TRUE(OpenToAnyone("GET /healthz"));
  EXPECT_FALSE(OpenToAnyone("GET /metrics"));
}

TEST(Authorization, ABrokenPolicyIsRefusedNamingTheRule) {
  struct Case {
    const char* json;
    const char* want;
  } cases[] = {
      {"not json", "p.json: not an authorization policy"},
      {R"({"allow_rules": [{"name": "a", "source": {"principals": ["x"]}, "roles": ["root"]}]})",
       "p.json: allow_rules[0] (a): unknown role \"root\""},
      {R"({"allow_rules": [{"source": {"principals": ["x"]}, "roles": ["admin"]}]})",
       "p.json: allow_rules[0]: no name"},
      {R"({"allow_rules": [{"name": "a", "source": {"principals": ["a*b"]}, "roles": ["admin"]}]})",
       "must be exact, \"prefix*\", \"*suffix\" or \"*\""},
      {R"({"allow_rules": [{"name": "a", "source": {}, "roles": ["admin"]}]})",
       "source.principals is empty"},
      {R"({"deny_rules": [{"name": "d", "source": {"principals": ["x"]}}]})", "no allow_rules"},
      {R"({"allow_rules": [], "paths": []})", "not an authorization policy"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<v1::AuthorizationPolicy> p = ParseAuthorizationPolicy(c.json, "p.json");
    ASSERT_FALSE(p.ok()) << c.json;
    EXPECT_NE(p.status().message().find(c.want), std::string::npos) << p.status();
  }
}

}  // namespace
}  // namespace redflag::detectors

namespace redflag::detectors {
namespace {

// The example shipped for operators parses and grants what it says.
TEST(Authorization, TheShippedExamplePolicyParses) {
  std::ifstream in(std::string(REDFLAG_SOURCE_DIR) + "/deploy/security/policy.json");
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<v1::AuthorizationPolicy> p = ParseAuthorizationPolicy(text.str(), "policy.json");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(GrantOf(*p, "spiffe://gpu.example.internal/ns/gpu/sa/dcgm").roles,
            std::vector<Role>{Role::kTelemetry});
  EXPECT_TRUE(GrantOf(*p, "spiffe://gpu.example.internal/ns/retired/sa/dcgm").denied_by_rule);
  EXPECT_TRUE(GrantOf(*p, "someone.else.example.internal").roles.empty());
}

}  // namespace
}  // namespace redflag::detectors

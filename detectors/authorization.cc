#include "detectors/authorization.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"

namespace redflag::detectors {
namespace {

constexpr const char* kRoleNames[] = {"telemetry",  "inventory",  "analyst",
                                      "compliance", "monitoring", "admin"};

using R = Role;

// Each RPC and the roles that may call it besides admin: each role the least
// it needs. Publishing weights silences a rule: compliance only.
const std::map<std::string, std::vector<Role>, std::less<>>& Table() {
  static const auto* t = [] {
    auto* m = new std::map<std::string, std::vector<Role>, std::less<>>{
        // Telemetry: collectors and scheduler hooks.
        {"/redflag.v1.TelemetryService/Ingest", {R::kTelemetry}},
        {"/redflag.v1.TelemetryService/IngestStream", {R::kTelemetry}},
        {"/redflag.v1.JobService/RegisterJob", {R::kTelemetry}},
        {"/redflag.v1.JobService/EndJob", {R::kTelemetry}},
        {"POST /api/v1/write", {R::kTelemetry}},                    // Prometheus remote-write
        {"/redflag.v1.DecisionService/CheckJob", {R::kTelemetry}},  // scheduler admission
        {"POST /admission/v1/pods/*", {R::kTelemetry}},             // the Kubernetes API server
        // Inventory: the provider's customer and access systems.
        {"/redflag.v1.CustomerService/UpsertCustomer", {R::kInventory}},
        {"/redflag.v1.AccessService/RecordAccess", {R::kInventory}},
        {"/redflag.v1.EgressService/RecordEgress", {R::kInventory}},
        {"/redflag.v1.EgressService/CheckEgress", {R::kInventory}},  // copy tools, before a copy
        {"/redflag.v1.ClusterService/UpsertCluster", {R::kInventory}},
        // Analysts read and work alerts and inquiries.
        {"/redflag.v1.AlertService/ListAlerts", {R::kAnalyst}},
        {"/redflag.v1.AlertService/WatchAlerts", {R::kAnalyst}},
        {"/redflag.v1.AlertService/GetAlert", {R::kAnalyst}},
        {"/redflag.v1.AlertService/ActOnAlert", {R::kAnalyst}},
        {"/redflag.v1.ComputeService/GetEstimate", {R::kAnalyst}},
        {"/redflag.v1.ComputeService/GetModel", {R::kAnalyst}},
        {"/redflag.v1.CustomerService/GetCustomer", {R::kAnalyst}},
        {"/redflag.v1.CustomerService/ListCustomerVersions", {R::kAnalyst}},
        {"/redflag.v1.ScreeningService/Screen", {R::kAnalyst}},
        {"/redflag.v1.ScreeningService/ListCustomerScreenings", {R::kAnalyst}},
        {"/redflag.v1.InquiryService/GetInquiry", {R::kAnalyst}},
        {"/redflag.v1.InquiryService/ListInquiries", {R::kAnalyst}},
        {"/redflag.v1.InquiryService/AdvanceInquiry", {R::kAnalyst}},
        {"/redflag.v1.JobService/GetJob", {R::kAnalyst}},
        {"/redflag.v1.JobService/ListJobs", {R::kAnalyst}},
        {"/redflag.v1.AccessService/GetAccessSummary", {R::kAnalyst}},
        {"/redflag.v1.ClusterService/ListClusters", {R::kAnalyst, R::kCompliance}},
        {"/redflag.v1.ClusterService/GetClusterHistory", {R::kAnalyst, R::kCompliance}},
        {"/redflag.v1.RecordService/ListRecords", {R::kAnalyst, R::kCompliance}},
        {"/redflag.v1.RecordService/GetRecord", {R::kAnalyst, R::kCompliance}},
        // Compliance: what an officer signs, and what silences a rule.
        {"/redflag.v1.ReportService/GetQuarterlyReport", {R::kCompliance}},
        {"/redflag.v1.AuditService/ListAudit", {R::kCompliance}},
        {"/redflag.v1.ComputeService/SetModelPublication", {R::kCompliance}},
        {"/redflag.v1.ScreeningService/ListLists", {R::kCompliance}},
        {"/redflag.v1.RecordService/FileRecord", {R::kCompliance}},
        // Monitoring: Prometheus scraping.
        {"GET /metrics", {R::kMonitoring}},
        // Admin only.
        {"/redflag.v1.StorageService/CreateBackup", {}},
        {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", {}},
        // Anyone with a role may ask whether the daemon serves.
        {"/grpc.health.v1.Health/Check",
         {R::kTelemetry, R::kInventory, R::kAnalyst, R::kCompliance, R::kMonitoring}},
        {"/grpc.health.v1.Health/Watch",
         {R::kTelemetry, R::kInventory, R::kAnalyst, R::kCompliance, R::kMonitoring}},
    };
    for (auto& [method, roles] : *m) roles.push_back(R::kAdmin);
    return m;
  }();
  return *t;
}

absl::Status CheckRule(const v1::AuthorizationRule& r, absl::string_view file, bool allow,
                       size_t index) {
  const std::string where =
      absl::StrCat(file, ": ", allow ? "allow_rules" : "deny_rules", "[", index, "]");
  if (r.name().empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": no name"));
  if (r.source().principals().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " (", r.name(), "): source.principals is empty"));
  }
  for (const std::string& p : r.source().principals()) {
    const size_t stars = std::count(p.begin(), p.end(), '*');
    const bool ok = !p.empty() && (stars == 0 || p == "*" ||
                                   (stars == 1 && (p.back() == '*' || p.front() == '*')));
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " (", r.name(), "): principal \"", p,
                       "\" must be exact, \"prefix*\", \"*suffix\" or \"*\""));
    }
  }
  if (!allow) {
    if (!r.roles().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " (", r.name(), "): a deny rule grants no roles"));
    }
    return absl::OkStatus();
  }
  if (r.roles().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where, " (", r.name(), "): no roles"));
  }
  for (const std::string& role : r.roles()) {
    Role unused;
    if (!ParseRole(role, &unused)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " (", r.name(), "): unknown role \"", role,
                       "\" (roles: ", absl::StrJoin(kRoleNames, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

std::string Who(absl::string_view principal) {
  return principal.empty() ? std::string("a caller without a client certificate")
                           : absl::StrCat("principal '", principal, "'");
}

}  // namespace

const char* RoleName(Role r) { return kRoleNames[static_cast<size_t>(r)]; }

bool ParseRole(absl::string_view name, Role* out) {
  for (size_t i = 0; i < std::size(kRoleNames); ++i) {
    if (name == kRoleNames[i]) {
      *out = static_cast<Role>(i);
      return true;
    }
  }
  return false;
}

absl::StatusOr<v1::AuthorizationPolicy> ParseAuthorizationPolicy(absl::string_view json,
                                                                 absl::string_view file) {
  v1::AuthorizationPolicy policy;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &policy, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": not an authorization policy: ", status.message().as_string()));
  }
  for (int i = 0; i < policy.deny_rules_size(); ++i) {
    if (absl::Status s = CheckRule(policy.deny_rules(i), file, false, i); !s.ok()) return s;
  }
  for (int i = 0; i < policy.allow_rules_size(); ++i) {
    if (absl::Status s = CheckRule(policy.allow_rules(i), file, true, i); !s.ok()) return s;
  }
  if (policy.allow_rules().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": no allow_rules: every call would be denied"));
  }
  return policy;
}

bool PrincipalMatches(absl::string_view pattern, absl::string_view principal) {
  if (pattern == "*") return !principal.empty();
  if (!pattern.empty() && pattern.back() == '*') {
    return absl::StartsWith(principal, pattern.substr(0, pattern.size() - 1));
  }
  if (!pattern.empty() && pattern.front() == '*') {
    return absl::EndsWith(principal, pattern.substr(1));
  }
  return pattern == principal;
}

Grant GrantOf(const v1::AuthorizationPolicy& policy, absl::string_view principal) {
  Grant g;
  auto matches = [&](const v1::AuthorizationRule& r) {
    return std::any_of(r.source().principals().begin(), r.source().principals().end(),
                       [&](const std::string& p) { return PrincipalMatches(p, principal); });
  };
  for (const v1::AuthorizationRule& r : policy.deny_rules()) {
    if (!matches(r)) continue;
    g.rule = r.name();
    g.denied_by_rule = true;
    return g;
  }
  std::vector<std::string> rules;
  for (const v1::AuthorizationRule& r : policy.allow_rules()) {
    if (!matches(r)) continue;
    rules.push_back(r.name());
    for (const std::string& name : r.roles()) {
      Role role;
      if (ParseRole(name, &role) &&
          std::find(g.roles.begin(), g.roles.end(), role) == g.roles.end()) {
        g.roles.push_back(role);
      }
    }
  }
  g.rule = absl::StrJoin(rules, ", ");
  return g;
}

const std::vector<Role>* RolesFor(absl::string_view method) {
  auto it = Table().find(method);
  return it == Table().end() ? nullptr : &it->second;
}

constexpr const char* kOpenToAnyone[] = {"GET /healthz", "GET /readyz"};

bool OpenToAnyone(absl::string_view method) {
  return std::find(std::begin(kOpenToAnyone), std::end(kOpenToAnyone), method) !=
         std::end(kOpenToAnyone);
}

std::vector<std::string> KnownMethods() {
  std::vector<std::string> out;
  for (const auto& [method, roles] : Table()) out.push_back(method);
  out.insert(out.end(), std::begin(kOpenToAnyone), std::end(kOpenToAnyone));
  return out;
}

Decision Authorize(const Grant& grant, absl::string_view principal, absl::string_view method) {
  Decision d;
  if (OpenToAnyone(method)) {
    d.allowed = true;
    return d;
  }
  const std::vector<Role>* needed = RolesFor(method);
  if (needed == nullptr) {
    d.reason = absl::StrCat(Who(principal), " may not call ", method,
                            ": the method has no entry in the role table");
    return d;
  }
  for (Role r : grant.roles) {
    if (std::find(needed->begin(), needed->end(), r) != needed->end()) {
      d.allowed = true;
      return d;
    }
  }
  std::vector<std::string> names;
  for (Role r : *needed) names.push_back(RoleName(r));
  std::string has;
  if (grant.denied_by_rule) {
    has = absl::StrCat("it is denied by rule '", grant.rule, "'");
  } else if (principal.empty()) {
    has = "it has no principal";
  } else if (grant.roles.empty()) {
    has = "no rule of the policy names it";
  } else {
    std::vector<std::string> held;
    for (Role r : grant.roles) held.push_back(RoleName(r));
    has = absl::StrCat("it has ", absl::StrJoin(held, ", "));
  }
  d.reason = absl::StrCat(Who(principal), " may not call ", method, ": it needs role ",
                          absl::StrJoin(names, " or "), "; ", has);
  return d;
}

}  // namespace redflag::detectors

#include "daemon/net/authorizer.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/auth_context.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"

namespace redflag {
namespace {

std::string FirstProperty(const grpc::AuthContext& auth, const char* name) {
  std::vector<grpc::string_ref> values = auth.FindPropertyValues(name);
  if (values.empty()) return "";
  return std::string(values.front().data(), values.front().size());
}

std::string FileSignature(const std::string& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return "";
  const auto time = std::filesystem::last_write_time(file, ec);
  if (ec) return "";
  return absl::StrCat(size, "/", time.time_since_epoch().count());
}

absl::StatusOr<v1::AuthorizationPolicy> ReadPolicy(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(file, ": cannot be read"));
  std::stringstream text;
  text << in.rdbuf();
  return detectors::ParseAuthorizationPolicy(text.str(), file);
}

}  // namespace

std::string PrincipalOf(const grpc::ServerContextBase& call) {
  std::shared_ptr<const grpc::AuthContext> auth = call.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return "";
  for (const char* name : {GRPC_PEER_SPIFFE_ID_PROPERTY_NAME, GRPC_PEER_URI_PROPERTY_NAME,
                           GRPC_PEER_DNS_PROPERTY_NAME, GRPC_X509_CN_PROPERTY_NAME}) {
    if (std::string p = FirstProperty(*auth, name); !p.empty()) return p;
  }
  return "";
}

std::unique_ptr<Authorizer> Authorizer::LocalAdmin() {
  return std::unique_ptr<Authorizer>(new Authorizer("", nullptr));
}

absl::StatusOr<std::unique_ptr<Authorizer>> Authorizer::FromFile(const std::string& policy_file,
                                                                 Metrics* metrics) {
  absl::StatusOr<v1::AuthorizationPolicy> policy = ReadPolicy(policy_file);
  if (!policy.ok()) return policy.status();
  std::unique_ptr<Authorizer> a(new Authorizer(policy_file, metrics));
  a->policy_ = std::make_shared<const v1::AuthorizationPolicy>(std::move(*policy));
  a->seen_ = FileSignature(policy_file);
  return a;
}

absl::Status Authorizer::ReloadIfChanged() {
  if (local_admin()) return absl::OkStatus();
  const std::string signature = FileSignature(policy_file_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (signature == seen_) return absl::OkStatus();
  }
  Reload().IgnoreError();  // logged and counted; the policy in force stays
  return absl::OkStatus();
}

absl::Status Authorizer::Reload() {
  if (local_admin()) return absl::OkStatus();
  {
    std::lock_guard<std::mutex> lock(mu_);
    seen_ = FileSignature(policy_file_);
  }
  absl::StatusOr<v1::AuthorizationPolicy> policy = ReadPolicy(policy_file_);
  if (!policy.ok()) {
    if (metrics_ != nullptr) metrics_->CountPolicyReload(false);
    log::Error("authorization policy refused; the one in force stays",
               {{"file", policy_file_}, {"error", std::string(policy.status().message())}});
    return policy.status();
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    policy_ = std::make_shared<const v1::AuthorizationPolicy>(std::move(*policy));
  }
  if (metrics_ != nullptr) metrics_->CountPolicyReload(true);
  log::Info("authorization policy loaded", {{"file", policy_file_}});
  return absl::OkStatus();
}

std::string Authorizer::Principal(const grpc::ServerContextBase& call) const {
  return local_admin() ? "local" : PrincipalOf(call);
}

bool Authorizer::Delegates(const std::string& principal) const {
  if (local_admin()) return true;
  std::shared_ptr<const v1::AuthorizationPolicy> policy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    policy = policy_;
  }
  const detectors::Grant g = detectors::GrantOf(*policy, principal);
  return std::find(g.roles.begin(), g.roles.end(), detectors::Role::kAdmin) != g.roles.end();
}

absl::Status Authorizer::Check(const grpc::ServerContextBase& call, absl::string_view method,
                               std::string* principal) const {
  *principal = local_admin() ? "" : PrincipalOf(call);
  return CheckPrincipal(principal, method);
}

absl::Status Authorizer::CheckPrincipal(std::string* principal, absl::string_view method) const {
  if (local_admin()) {
    *principal = "local";
    return absl::OkStatus();
  }
  std::shared_ptr<const v1::AuthorizationPolicy> policy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    policy = policy_;
  }
  const detectors::Grant grant = detectors::GrantOf(*policy, *principal);
  const detectors::Decision d = detectors::Authorize(grant, *principal, method);
  if (d.allowed) return absl::OkStatus();
  const std::vector<detectors::Role>* needed = detectors::RolesFor(method);
  const char* role =
      needed == nullptr || needed->empty() ? "none" : detectors::RoleName(needed->front());
  if (metrics_ != nullptr) metrics_->CountDenied(method, role);
  return absl::PermissionDeniedError(d.reason);
}

}  // namespace redflag

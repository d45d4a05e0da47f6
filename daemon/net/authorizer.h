// Every call is someone: the principal a call's client certificate names,
// and whether the authorization policy lets it call the method
// (detectors/authorization.h). Without TLS the daemon listens on loopback
// only and every call is the local administrator ("local", role admin), as
// the log says at start. Checked in one place, services.h's Counted, for
// every RPC of redflag.v1.
#pragma once

#include <grpcpp/server_context.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "detectors/authorization.h"

namespace redflag {

class Metrics;

// The call's principal from its TLS peer: the SPIFFE ID, else the first URI
// SAN, else the first DNS SAN, else the subject CN; empty without a verified
// client certificate.
std::string PrincipalOf(const grpc::ServerContextBase& call);

class Authorizer {
 public:
  // Every call as the local administrator (no TLS: loopback only).
  static std::unique_ptr<Authorizer> LocalAdmin();
  // Calls judged by the policy in `policy_file`; fails if it cannot be read.
  static absl::StatusOr<std::unique_ptr<Authorizer>> FromFile(const std::string& policy_file,
                                                              Metrics* metrics);

  // OK, or PERMISSION_DENIED naming the principal, the method and the role
  // that would allow it (counted by method and role). `principal` is set to
  // who made the call.
  absl::Status Check(const grpc::ServerContextBase& call, absl::string_view method,
                     std::string* principal) const;
  // The same for a principal read elsewhere (an HTTP request's client
  // certificate; empty without one). In local-admin mode it becomes "local".
  absl::Status CheckPrincipal(std::string* principal, absl::string_view method) const;

  // Who made the call: "local" without TLS, else PrincipalOf(call).
  std::string Principal(const grpc::ServerContextBase& call) const;
  // Whether the principal may act on behalf of someone it names (a typed
  // --actor): the local administrator and principals with role admin.
  bool Delegates(const std::string& principal) const;

  // Re-reads the policy file; a broken one keeps the policy in force (logged
  // and counted) and is returned as the error.
  absl::Status Reload();
  // The same when the file's size or modification time changed since the
  // last read (on a timer: an edit takes effect without a signal).
  absl::Status ReloadIfChanged();
  bool local_admin() const { return policy_file_.empty(); }

 private:
  Authorizer(std::string policy_file, Metrics* metrics)
      : policy_file_(std::move(policy_file)), metrics_(metrics) {}

  const std::string policy_file_;
  Metrics* const metrics_;
  mutable std::mutex mu_;
  std::shared_ptr<const v1::AuthorizationPolicy> policy_;
  std::string seen_;  // size and modification time of the file last read
};

}  // namespace redflag

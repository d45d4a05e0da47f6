// Who may call what: the roles a principal holds under an authorization
// policy (proto/redflag/v1/authorization.proto), and the roles each RPC needs.
// One table for every call, so that nothing is reachable by omission: an RPC
// without an entry is refused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "redflag/v1/authorization.pb.h"

namespace redflag::detectors {

enum class Role : uint8_t { kTelemetry, kInventory, kAnalyst, kCompliance, kMonitoring, kAdmin };

const char* RoleName(Role r);
// "telemetry" -> kTelemetry; false if no role has this name.
bool ParseRole(absl::string_view name, Role* out);

// The policy file's JSON, checked: every rule named, with principals, and
// every allow rule with known roles; errors name the file and the rule.
absl::StatusOr<v1::AuthorizationPolicy> ParseAuthorizationPolicy(absl::string_view json,
                                                                 absl::string_view file);

// "spiffe://x/ns/*" matches "spiffe://x/ns/a"; "*.example.org" matches
// "a.example.org"; "*" matches any principal; anything else only itself.
bool PrincipalMatches(absl::string_view pattern, absl::string_view principal);

struct Grant {
  std::vector<Role> roles;  // empty: denied
  // The rule that decided: the deny rule that matched, or the allow rules that
  // granted the roles; empty when no rule names the principal.
  std::string rule;
  bool denied_by_rule = false;
};

// The roles `principal` holds: none if a deny rule matches, else those of
// every allow rule that matches.
Grant GrantOf(const v1::AuthorizationPolicy& policy, absl::string_view principal);

// The roles that may call a full method name ("/redflag.v1.JobService/GetJob")
// or an HTTP endpoint ("GET /metrics"), admin always among them; null for a
// method the table does not know.
const std::vector<Role>* RolesFor(absl::string_view method);
// Endpoints anyone may call, with or without a client certificate: HTTP
// liveness and readiness, which tell only whether the daemon serves.
bool OpenToAnyone(absl::string_view method);
// Every method the table knows, open ones included.
std::vector<std::string> KnownMethods();

struct Decision {
  bool allowed = false;
  // Why not, for PERMISSION_DENIED: the principal, the method and the role
  // that would allow it.
  std::string reason;
};
Decision Authorize(const Grant& grant, absl::string_view principal, absl::string_view method);

}  // namespace redflag::detectors

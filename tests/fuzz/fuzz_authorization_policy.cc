// Fuzzes the authorization policy parser: any bytes give a policy whose
// every rule is named, has principals of the allowed shapes and known roles,
// or an error naming the file; an exact principal holds its rules' roles.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "detectors/authorization.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto p = redflag::detectors::ParseAuthorizationPolicy(text, "policy.json");
  if (!p.ok()) {
    if (p.status().message().rfind("policy.json: ", 0) != 0) __builtin_trap();
    return 0;
  }
  if (p->allow_rules().empty()) __builtin_trap();
  for (const auto& r : p->allow_rules()) {
    if (r.name().empty() || r.roles().empty() || r.source().principals().empty()) __builtin_trap();
    for (const std::string& principal : r.source().principals()) {
      if (principal.find('*') != std::string::npos) continue;
      // An exact principal of an allow rule holds every role of that rule,
      // unless a deny rule names it.
      const redflag::detectors::Grant g = redflag::detectors::GrantOf(*p, principal);
      if (g.denied_by_rule) continue;
      for (const std::string& name : r.roles()) {
        redflag::detectors::Role role;
        if (!redflag::detectors::ParseRole(name, &role)) __builtin_trap();
        if (std::find(g.roles.begin(), g.roles.end(), role) == g.roles.end()) __builtin_trap();
      }
    }
  }
  return 0;
}

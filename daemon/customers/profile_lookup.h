// Other customers' profiles for an ownership walk (detectors::FindUltimateParent),
// each read from the registry once per walk; null for an id without one.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "daemon/customers/customer_registry.h"

namespace redflag {

class ProfileLookup {
 public:
  explicit ProfileLookup(CustomerRegistry& customers) : customers_(customers) {}

  const v1::CustomerProfile* operator()(const std::string& customer_id) {
    auto [it, fresh] = seen_.try_emplace(customer_id);
    if (fresh) {
      absl::StatusOr<v1::Customer> c = customers_.Get(customer_id);
      if (c.ok()) it->second = c->profile();
    }
    return it->second ? &*it->second : nullptr;
  }

 private:
  CustomerRegistry& customers_;
  std::map<std::string, std::optional<v1::CustomerProfile>> seen_;
};

}  // namespace redflag

// Customer profiles, stored whole with a version number per change.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/storage/store.h"
#include "redflag/v1/customers.pb.h"

namespace redflag {

class CustomerRegistry {
 public:
  CustomerRegistry(Store& store, bool sync) : store_(store), sync_(sync) {}

  struct Upserted {
    v1::Customer customer;
    bool changed = false;
  };
  // The profile must have passed ValidateCustomerProfile.
  absl::StatusOr<Upserted> Upsert(const v1::CustomerProfile& profile, int64_t now_unix_ms);
  absl::StatusOr<v1::Customer> Get(const std::string& customer_id);
  // customer_id -> ultimate parent name, for every profile that names one.
  absl::StatusOr<std::map<std::string, std::string>> UltimateParents();

 private:
  Store& store_;
  const bool sync_;
  std::mutex mu_;  // serialises read-modify-write of versions
};

}  // namespace redflag

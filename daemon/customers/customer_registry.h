// Customer profiles, stored whole with a version number per change; every
// version is kept, so a report can show a profile as it stood on a date.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/storage/store.h"
#include "redflag/v1/customers.pb.h"

namespace redflag {

class AuditLog;

// What changed between two versions of a profile, field by field, for the
// audit log: "headquarters_country: \"CN\" -> \"US\"", "aliases: 2 -> 3
// entries"; {"created"} for a first version.
std::vector<std::string> ProfileChanges(const v1::CustomerProfile* before,
                                        const v1::CustomerProfile& after);

class CustomerRegistry {
 public:
  CustomerRegistry(Store& store, bool sync) : store_(store), sync_(sync) {}
  // Every change is then recorded in the audit log, in the same write.
  void set_audit(AuditLog* audit) { audit_ = audit; }

  struct Upserted {
    v1::Customer customer;
    bool changed = false;
  };
  // The profile must have passed ValidateCustomerProfile.
  // `actor`: who changed it, for the audit record.
  absl::StatusOr<Upserted> Upsert(const v1::CustomerProfile& profile, int64_t now_unix_ms,
                                  const std::string& actor = "api");
  absl::StatusOr<v1::Customer> Get(const std::string& customer_id);
  // The version stored last at or before `as_of_unix_ms`; NOT_FOUND if none.
  absl::StatusOr<v1::Customer> GetAsOf(const std::string& customer_id, int64_t as_of_unix_ms);
  // Every kept version, oldest first.
  absl::StatusOr<std::vector<v1::Customer>> Versions(const std::string& customer_id);
  // customer_id -> ultimate parent name, for every profile that names one.
  absl::StatusOr<std::map<std::string, std::string>> UltimateParents();
  // The same from the profiles as they stood at `as_of_unix_ms` (the kept
  // versions), for reports on a past date.
  absl::StatusOr<std::map<std::string, std::string>> UltimateParentsAsOf(int64_t as_of_unix_ms);
  // Every current profile by customer_id, and a lookup of one (null if
  // none), as ownership walks take it.
  struct Profiles {
    std::map<std::string, v1::CustomerProfile> by_id;
    const v1::CustomerProfile* Find(const std::string& customer_id) const {
      auto it = by_id.find(customer_id);
      return it == by_id.end() ? nullptr : &it->second;
    }
  };
  absl::StatusOr<Profiles> AllProfiles();
  // Visits every customer in customer_id order until `fn` returns false.
  // `fn` must not write to the store (the scan may hold it).
  absl::Status ForEach(const std::function<bool(const v1::Customer&)>& fn);
  // Called with the customer_id of every profile changed, after the write,
  // in the writer's thread. Added before the registry is shared.
  void AddChangeListener(std::function<void(const std::string&)> listener);

 private:
  Store& store_;
  const bool sync_;
  AuditLog* audit_ = nullptr;
  std::mutex mu_;  // serialises read-modify-write of versions
  std::vector<std::function<void(const std::string&)>> listeners_;
};

}  // namespace redflag

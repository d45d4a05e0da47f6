#include "daemon/customers/customer_registry.h"

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"

namespace redflag {

absl::StatusOr<CustomerRegistry::Upserted> CustomerRegistry::Upsert(
    const v1::CustomerProfile& profile, int64_t now_unix_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<std::optional<v1::Customer>> old =
      GetMessage<v1::Customer>(store_, Domain::kCustomers, profile.customer_id());
  if (!old.ok()) return old.status();
  Upserted out;
  if (old->has_value()) {
    out.customer = **old;
    if (google::protobuf::util::MessageDifferencer::Equals(out.customer.profile(), profile)) {
      return out;
    }
  }
  *out.customer.mutable_profile() = profile;
  out.customer.set_version(out.customer.version() + 1);
  out.customer.set_updated_unix_ms(now_unix_ms);
  std::unique_ptr<WriteBatch> wb = store_.NewBatch();
  wb->Put(Domain::kCustomers, profile.customer_id(), out.customer.SerializeAsString());
  if (absl::Status s = store_.Write(*wb, sync_); !s.ok()) return s;
  out.changed = true;
  return out;
}

absl::StatusOr<v1::Customer> CustomerRegistry::Get(const std::string& customer_id) {
  absl::StatusOr<std::optional<v1::Customer>> c =
      GetMessage<v1::Customer>(store_, Domain::kCustomers, customer_id);
  if (!c.ok()) return c.status();
  if (!c->has_value()) {
    return absl::NotFoundError(absl::StrCat("customer_id: unknown customer '", customer_id, "'"));
  }
  return **c;
}

absl::StatusOr<std::map<std::string, std::string>> CustomerRegistry::UltimateParents() {
  std::map<std::string, std::string> out;
  absl::Status bad;
  absl::Status s =
      store_.Scan(Domain::kCustomers, "", "", [&](absl::string_view k, absl::string_view v) {
        v1::Customer c;
        if (!c.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
          bad = absl::DataLossError(absl::StrCat("customers/", k, ": unreadable record"));
          return false;
        }
        if (!c.profile().ultimate_parent_name().empty()) {
          out[std::string(k)] = c.profile().ultimate_parent_name();
        }
        return true;
      });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;
  return out;
}

}  // namespace redflag

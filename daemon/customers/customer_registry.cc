#include "daemon/customers/customer_registry.h"

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/audit/audit_log.h"
#include "daemon/customers/customer_keys.h"

namespace redflag {

std::vector<std::string> ProfileChanges(const v1::CustomerProfile* before,
                                        const v1::CustomerProfile& after) {
  if (before == nullptr) return {"created"};
  namespace pb = google::protobuf;
  auto text = [](const pb::Message& m, const pb::FieldDescriptor* f) {
    std::string v;
    pb::TextFormat::PrintFieldValueToString(m, f, -1, &v);
    return v.size() > 80 ? v.substr(0, 77) + "..." : v;
  };
  std::vector<std::string> out;
  const pb::Descriptor* d = v1::CustomerProfile::descriptor();
  const pb::Reflection* r = v1::CustomerProfile::GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    pb::util::MessageDifferencer diff;
    if (diff.CompareWithFields(*before, after, {f}, {f})) continue;
    if (f->is_repeated()) {
      out.push_back(absl::StrCat(f->name(), ": ", r->FieldSize(*before, f), " -> ",
                                 r->FieldSize(after, f), " entries"));
    } else if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      out.push_back(absl::StrCat(f->name(), ": changed"));
    } else {
      out.push_back(absl::StrCat(f->name(), ": ",
                                 r->HasField(*before, f) ? text(*before, f) : "(none)", " -> ",
                                 r->HasField(after, f) ? text(after, f) : "(none)"));
    }
  }
  return out;
}

absl::StatusOr<CustomerRegistry::Upserted> CustomerRegistry::Upsert(
    const v1::CustomerProfile& profile, int64_t now_unix_ms, const std::string& actor) {
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
  // Said before the profile is replaced: a change of headquarters or owners
  // can silence a rule, so what changed is on record.
  const std::vector<std::string> changes =
      ProfileChanges(old->has_value() ? &(**old).profile() : nullptr, profile);
  *out.customer.mutable_profile() = profile;
  out.customer.set_version(out.customer.version() + 1);
  out.customer.set_updated_unix_ms(now_unix_ms);
  std::unique_ptr<WriteBatch> wb = store_.NewBatch();
  const std::string record = out.customer.SerializeAsString();
  wb->Put(Domain::kCustomers, profile.customer_id(), record);
  wb->Put(Domain::kCustomerHistory,
          CustomerHistoryKey(profile.customer_id(), out.customer.version()), record);
  if (audit_ != nullptr) {
    absl::StatusOr<v1::AuditRecord> r =
        audit_->Write(*wb,
                      {actor,
                       "customer.profile",
                       absl::StrCat("customer/", profile.customer_id()),
                       {{"version", absl::StrCat(out.customer.version())},
                        {"changes", absl::StrJoin(changes, "; ")}}},
                      absl::FromUnixMillis(now_unix_ms));
    if (!r.ok()) return r.status();
  } else if (absl::Status s = store_.Write(*wb, sync_); !s.ok()) {
    return s;
  }
  out.changed = true;
  for (const auto& listener : listeners_) listener(profile.customer_id());
  return out;
}

void CustomerRegistry::AddChangeListener(std::function<void(const std::string&)> listener) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_.push_back(std::move(listener));
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

absl::StatusOr<std::vector<v1::Customer>> CustomerRegistry::Versions(
    const std::string& customer_id) {
  std::vector<v1::Customer> out;
  absl::Status s = ScanMessages<v1::Customer>(store_, Domain::kCustomerHistory,
                                              CustomerHistoryPrefix(customer_id), "",
                                              [&](absl::string_view, const v1::Customer& c) {
                                                out.push_back(c);
                                                return true;
                                              });
  if (!s.ok()) return s;
  if (out.empty()) {
    return absl::NotFoundError(absl::StrCat("customer_id: unknown customer '", customer_id, "'"));
  }
  return out;
}

absl::StatusOr<v1::Customer> CustomerRegistry::GetAsOf(const std::string& customer_id,
                                                       int64_t as_of_unix_ms) {
  absl::StatusOr<std::vector<v1::Customer>> versions = Versions(customer_id);
  if (!versions.ok()) return versions.status();
  const v1::Customer* in_effect = nullptr;
  for (const v1::Customer& c : *versions) {
    if (c.updated_unix_ms() <= as_of_unix_ms) in_effect = &c;
  }
  if (in_effect == nullptr) {
    return absl::NotFoundError(absl::StrCat("customer_id: customer '", customer_id,
                                            "' had no profile at as_of_unix_ms ", as_of_unix_ms));
  }
  return *in_effect;
}

absl::StatusOr<std::map<std::string, std::string>> CustomerRegistry::UltimateParents() {
  std::map<std::string, std::string> out;
  absl::Status s = ForEach([&](const v1::Customer& c) {
    if (!c.profile().ultimate_parent_name().empty()) {
      out[c.profile().customer_id()] = c.profile().ultimate_parent_name();
    }
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> CustomerRegistry::UltimateParentsAsOf(
    int64_t as_of_unix_ms) {
  // Versions are keyed in order per customer: the last one in effect wins.
  std::map<std::string, std::string> out;
  absl::Status s = ScanMessages<v1::Customer>(
      store_, Domain::kCustomerHistory, "", "", [&](absl::string_view, const v1::Customer& c) {
        if (c.updated_unix_ms() > as_of_unix_ms) return true;
        const std::string& parent = c.profile().ultimate_parent_name();
        if (parent.empty()) {
          out.erase(c.profile().customer_id());
        } else {
          out[c.profile().customer_id()] = parent;
        }
        return true;
      });
  if (!s.ok()) return s;
  return out;
}

absl::Status CustomerRegistry::ForEach(const std::function<bool(const v1::Customer&)>& fn) {
  return ScanMessages<v1::Customer>(
      store_, Domain::kCustomers, "", "",
      [&](absl::string_view, const v1::Customer& c) { return fn(c); });
}

absl::StatusOr<CustomerRegistry::Profiles> CustomerRegistry::AllProfiles() {
  Profiles out;
  absl::Status s = ForEach([&](const v1::Customer& c) {
    out.by_id[c.profile().customer_id()] = c.profile();
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace redflag

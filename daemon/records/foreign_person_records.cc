#include "daemon/records/foreign_person_records.h"

#include <functional>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "daemon/customers/profile_lookup.h"
#include "detectors/foreign_person.h"
#include "detectors/ownership.h"

namespace redflag {
namespace {

std::string Day(int64_t unix_ms) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

std::string PaymentSource(const v1::CustomerProfile& p) {
  std::string out = absl::StrCat("payment country ",
                                 p.payment_country().empty() ? "unknown" : p.payment_country());
  if (!p.payment_instrument_fingerprint().empty()) {
    absl::StrAppend(&out, ", instrument ", p.payment_instrument_fingerprint());
  }
  if (p.third_party_payment()) absl::StrAppend(&out, ", paid by a third party");
  return out;
}

}  // namespace

absl::Status ForeignPersonRecords::Evaluate(const ComputeEvaluation& eval, absl::Time now) {
  if (!duty_.on) return absl::OkStatus();
  for (const ComputeEvaluation::Subject& s : eval.subjects) {
    if (s.kind != "model" || s.ops.best < duty_.operations) continue;
    for (const std::string& customer_id : s.customers) {
      if (absl::Status st = OpenIfForeign(s, customer_id, now); !st.ok()) return st;
    }
  }
  return AlertOverdue(now);
}

absl::Status ForeignPersonRecords::OpenIfForeign(const ComputeEvaluation::Subject& model,
                                                 const std::string& customer_id, absl::Time now) {
  const std::string record_id = absl::StrCat(customer_id, "/", model.id);
  absl::StatusOr<std::optional<v1::ForeignPersonRecord>> existing = records_.Get(record_id);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) return absl::OkStatus();
  absl::StatusOr<v1::Customer> customer = customers_.Get(customer_id);
  // Without a profile nothing shows where the customer is, nor what a record
  // must hold: its absence is the KYC gap other rules name.
  if (absl::IsNotFound(customer.status())) return absl::OkStatus();
  if (!customer.ok()) return customer.status();
  const v1::CustomerProfile& p = customer->profile();
  ProfileLookup profile_of(customers_);
  const detectors::UltimateParent parent =
      detectors::FindUltimateParent(p, std::ref(profile_of), max_ownership_depth_);
  const std::optional<std::string> basis = detectors::ForeignBasis(p, parent);
  if (!basis.has_value()) return absl::OkStatus();

  v1::ForeignPersonRecord r;
  r.set_record_id(record_id);
  r.set_customer_id(customer_id);
  r.set_model_id(model.id);
  r.set_state(v1::RECORD_STATE_DRAFT);
  r.set_opened_unix_ms(absl::ToUnixMillis(now));
  const int64_t crossed_by =
      model.last_window_ms != 0 ? model.last_window_ms : absl::ToUnixMillis(now);
  r.set_crossed_by_unix_ms(crossed_by);
  r.set_due_unix_ms(absl::ToUnixMillis(
      detectors::RecordDue(absl::FromUnixMillis(crossed_by), now, duty_.due_days)));
  r.set_due_basis(absl::StrCat(duty_.due_days, " days after crossing (", duty_.due_source.status,
                               ": ", duty_.due_source.citation, ")"));
  r.set_foreign_basis(*basis);
  r.set_level(duty_.operations);
  r.set_operations_best(model.ops.best);
  r.set_operations_upper(model.ops.upper);
  r.set_profile_version(customer->version());
  r.set_legal_name(p.legal_name());
  for (const std::string& a : p.addresses()) r.add_addresses(a);
  r.set_payment_source(PaymentSource(p));
  for (const std::string& e : p.contact_emails()) r.add_emails(e);
  for (const std::string& ph : p.contact_phones()) r.add_phones(ph);
  r.set_period_start_unix_ms(model.first_window_ms);
  r.set_period_end_unix_ms(crossed_by);
  r.set_duty(absl::StrCat(duty_.source.status, ": ", duty_.source.citation));
  uint32_t total = 0;
  absl::Status scanned =
      access_.Events(customer_id, absl::FromUnixMillis(model.first_window_ms),
                     absl::FromUnixMillis(crossed_by), [&](const v1::AccessEvent& e) {
                       if (++total <= kMaxAccessEvents) {
                         v1::RecordAccessEvent* out = r.add_access_events();
                         out->set_time_unix_ms(e.time_unix_ms());
                         out->set_source_ip(e.source_ip());
                         out->set_action(e.action().empty() ? e.channel() : e.action());
                         out->set_principal(e.principal());
                         out->set_country(e.country());
                       }
                       return true;
                     });
  if (!scanned.ok()) return scanned;
  r.set_access_events_total(total);
  absl::StatusOr<bool> opened = records_.Open(r, now);
  if (!opened.ok()) return opened.status();
  if (!*opened) return absl::OkStatus();

  v1::Alert a = NewAlert("foreign_person_record", "record", record_id, "opened");
  a.set_customer_id(customer_id);
  a.set_level("opened");
  a.set_severity(v1::SEVERITY_WARNING);
  a.set_summary(absl::StrCat("customer ", customer_id, " (", p.legal_name(), "; ", *basis,
                             ") has trained lineage ", model.id, " to ", OpsRounded(model.ops.best),
                             " operations, over ", OpsRounded(duty_.operations),
                             ": a foreign-person training report is due by ", Day(r.due_unix_ms()),
                             " (redflagctl records show ", record_id, ")"));
  AddEvidence(a, "record_id", record_id);
  AddEvidence(a, "due", Day(r.due_unix_ms()));
  AddEvidence(a, "due_basis", r.due_basis());
  AddEvidence(a, "duty", r.duty());
  AddEvidence(a, "access_events", absl::StrCat(total));
  return recorder_.Record(std::move(a), now, false);
}

absl::Status ForeignPersonRecords::AlertOverdue(absl::Time now) {
  absl::StatusOr<std::vector<v1::ForeignPersonRecord>> drafts =
      records_.List(v1::RECORD_STATE_DRAFT, "", /*brief=*/true);
  if (!drafts.ok()) return drafts.status();
  for (const v1::ForeignPersonRecord& r : *drafts) {
    if (!detectors::IsOverdue(false, absl::FromUnixMillis(r.due_unix_ms()), now)) continue;
    v1::Alert a = NewAlert("foreign_person_record_overdue", "record", r.record_id(), "overdue");
    a.set_customer_id(r.customer_id());
    a.set_level("overdue");
    a.set_severity(v1::SEVERITY_HIGH);
    a.set_summary(absl::StrCat("the foreign-person training report on customer ", r.customer_id(),
                               "'s lineage ", r.model_id(), " was due on ", Day(r.due_unix_ms()),
                               " and is not filed: file it and record the filing (redflagctl "
                               "records file ",
                               r.record_id(), " --reference REF)"));
    AddEvidence(a, "record_id", r.record_id());
    AddEvidence(a, "due", Day(r.due_unix_ms()));
    AddEvidence(a, "due_basis", r.due_basis());
    if (absl::Status s = recorder_.Record(std::move(a), now, false); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace redflag

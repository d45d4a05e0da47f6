#include "daemon/validation/validation.h"

#include <arpa/inet.h>

#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "detectors/accounting.h"

namespace redflag {
namespace {

// A field's name, spelled out only when an error needs it: a batch of
// thousands of valid samples must not build thousands of strings.
class Field {
 public:
  Field(const char* name) : name_(name) {}         // NOLINT: implicit by design
  Field(const std::string& name) : name_(name) {}  // NOLINT
  Field(int sample, absl::string_view name) : sample_(sample), name_(name) {}
  std::string str() const {
    return sample_ < 0 ? std::string(name_) : absl::StrCat("samples[", sample_, "].", name_);
  }

 private:
  int sample_ = -1;
  absl::string_view name_;
};

absl::Status Invalid(const Field& field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field.str(), ": ", what));
}

std::string Num(double v) { return absl::StrFormat("%g", v); }

absl::Status CheckRatio(const Field& field, double v) {
  if (!std::isfinite(v) || v < 0.0 || v > 1.0) {
    return Invalid(field, absl::StrCat("must be between 0 and 1, got ", Num(v)));
  }
  return absl::OkStatus();
}

// The accepted range of event times, computed once per request.
struct EventTimes {
  EventTimes(const IngestLimits& limits, absl::Time now)
      : limits(limits),
        min_ms(absl::ToUnixMillis(limits.min_event_time)),
        max_ms(absl::ToUnixMillis(now + limits.max_future_skew)) {}
  const IngestLimits& limits;
  const int64_t min_ms;
  const int64_t max_ms;
};

absl::Status CheckEventTime(const Field& field, int64_t unix_ms, const EventTimes& range) {
  if (unix_ms >= range.min_ms && unix_ms <= range.max_ms) return absl::OkStatus();
  absl::Time t = absl::FromUnixMillis(unix_ms);
  if (unix_ms < range.min_ms) {
    return Invalid(field, absl::StrCat("event time ", unix_ms, " (", absl::FormatTime(t),
                                       ") is before ingest.min_event_time ",
                                       absl::FormatTime(range.limits.min_event_time)));
  }
  return Invalid(
      field, absl::StrCat("event time ", unix_ms, " (", absl::FormatTime(t),
                          ") is more than ingest.max_future_skew (",
                          absl::FormatDuration(range.limits.max_future_skew), ") in the future"));
}

absl::Status CheckCountry(const Field& field, const std::string& cc, bool required) {
  if (cc.empty()) {
    return required ? Invalid(field, "is required (ISO 3166-1 alpha-2 code)") : absl::OkStatus();
  }
  if (cc.size() != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z') {
    return Invalid(
        field, absl::StrCat("must be an ISO 3166-1 alpha-2 code in upper case, got '", cc, "'"));
  }
  return absl::OkStatus();
}

absl::Status CheckPercent(const Field& field, double v) {
  if (!std::isfinite(v) || v < 0.0 || v > 100.0) {
    return Invalid(field, absl::StrCat("must be between 0 and 100, got ", Num(v)));
  }
  return absl::OkStatus();
}

absl::Status CheckText(const Field& field, const std::string& s, size_t max = 1024) {
  if (s.size() > max) return Invalid(field, absl::StrCat("is longer than ", max, " bytes"));
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\t') return Invalid(field, "contains control characters");
  }
  return absl::OkStatus();
}

bool IsDate(const std::string& s) {
  absl::Time t;
  std::string err;
  return s.size() == 10 && absl::ParseTime("%Y-%m-%d", s, &t, &err);
}

absl::Status CheckId(const Field& field, absl::string_view id) {
  if (id.empty()) return Invalid(field, "is required");
  if (id.size() > 256) return Invalid(field, "is longer than 256 bytes");
  for (unsigned char c : id) {
    if (c <= 0x20 || c >= 0x7f) {
      return Invalid(field, "must be printable ASCII without spaces");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateId(absl::string_view field, absl::string_view id) {
  return CheckId(std::string(field), id);
}

namespace {

// A job id of the public API: not a holding account's.
absl::Status CheckJobId(const Field& field, absl::string_view id, HoldingAccounts holding) {
  if (absl::Status s = CheckId(field, id); !s.ok()) return s;
  if (holding == HoldingAccounts::kRefused && detectors::IsHoldingAccount(id)) {
    return Invalid(field,
                   absl::StrCat("'", id, "': ids beginning '", detectors::kHoldingAccountPrefix,
                                "' are redflagd's own (unattributed accelerator time)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateSampleBatch(const v1::SampleBatch& batch, const IngestLimits& limits,
                                 absl::Time now, HoldingAccounts holding) {
  const int n = batch.samples_size();
  if (n == 0) return Invalid("samples", "the batch has no samples");
  if (static_cast<uint32_t>(n) > limits.max_batch_samples) {
    return Invalid("samples", absl::StrCat("the batch has ", n,
                                           " samples, more than ingest.max_batch_samples (",
                                           limits.max_batch_samples, ")"));
  }
  const int64_t max_window_ms = absl::ToInt64Milliseconds(limits.max_sample_window);
  const EventTimes times(limits, now);
  for (int i = 0; i < n; ++i) {
    const v1::Sample& s = batch.samples(i);
    auto f = [i](absl::string_view name) { return Field(i, name); };
    if (absl::Status st = CheckId(f("source_id"), s.source_id()); !st.ok()) return st;
    if (s.seq() == 0) return Invalid(f("seq"), "must be at least 1");
    if (absl::Status st = CheckJobId(f("job_id"), s.job_id(), holding); !st.ok()) return st;
    if (absl::Status st =
            CheckEventTime(f("window_start_unix_ms"), s.window_start_unix_ms(), times);
        !st.ok()) {
      return st;
    }
    if (absl::Status st = CheckEventTime(f("window_end_unix_ms"), s.window_end_unix_ms(), times);
        !st.ok()) {
      return st;
    }
    const int64_t len = s.window_end_unix_ms() - s.window_start_unix_ms();
    if (len <= 0) {
      return Invalid(f("window_end_unix_ms"),
                     absl::StrCat("must be after window_start_unix_ms (", s.window_start_unix_ms(),
                                  "), got ", s.window_end_unix_ms()));
    }
    if (len > max_window_ms) {
      return Invalid(f("window_end_unix_ms"),
                     absl::StrCat("the window is ", len, " ms long, more than ",
                                  "ingest.max_sample_window (", max_window_ms, " ms)"));
    }
    if (s.active_accelerators() > limits.max_accelerators_per_job) {
      return Invalid(
          f("active_accelerators"),
          absl::StrCat(s.active_accelerators(), " is more than ingest.max_accelerators_per_job (",
                       limits.max_accelerators_per_job, ")"));
    }
    if (s.has_accelerator_share() && !(std::isfinite(s.accelerator_share()) &&
                                       s.accelerator_share() > 0 && s.accelerator_share() <= 1)) {
      return Invalid(f("accelerator_share"), absl::StrCat("must be more than 0 and at most 1, got ",
                                                          Num(s.accelerator_share())));
    }
    if (s.has_tensor_active()) {
      if (absl::Status st = CheckRatio(f("tensor_active"), s.tensor_active()); !st.ok()) return st;
    }
    if (s.has_sm_active()) {
      if (absl::Status st = CheckRatio(f("sm_active"), s.sm_active()); !st.ok()) return st;
    }
    if (s.has_tokens_processed() && s.tokens_processed() > limits.max_tokens_per_sample) {
      return Invalid(f("tokens_processed"),
                     absl::StrCat(s.tokens_processed(), " is more than the limit of ",
                                  limits.max_tokens_per_sample, " per sample"));
    }
    if (s.has_reported_operations()) {
      double ops = s.reported_operations();
      if (!std::isfinite(ops) || ops < 0.0 || ops > limits.max_operations_per_sample) {
        return Invalid(f("reported_operations"),
                       absl::StrCat("must be between 0 and ", Num(limits.max_operations_per_sample),
                                    ", got ", Num(ops)));
      }
    }
    if (!v1::Precision_IsValid(s.precision())) {
      return Invalid(f("precision"), absl::StrCat("unknown value ", s.precision()));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateJobSpec(const v1::JobSpec& spec, const IngestLimits& limits, absl::Time now) {
  if (absl::Status s = CheckJobId("job.job_id", spec.job_id(), HoldingAccounts::kRefused);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateId("job.customer_id", spec.customer_id()); !s.ok()) return s;
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string*>{"job.cluster", &spec.cluster()},
        {"job.region", &spec.region()},
        {"job.scheduler", &spec.scheduler()},
        {"job.scheduler_job_id", &spec.scheduler_job_id()},
        {"job.parent_checkpoint", &spec.parent_checkpoint()}}) {
    if (absl::Status s = CheckText(name, *value, 256); !s.ok()) return s;
  }
  if (spec.accelerator_model().empty()) {
    return Invalid("job.accelerator_model", "is required (as the scheduler or DCGM reports it)");
  }
  if (absl::Status s = CheckText("job.accelerator_model", spec.accelerator_model(), 256); !s.ok()) {
    return s;
  }
  if (spec.accelerator_count() == 0 || spec.accelerator_count() > limits.max_accelerators_per_job) {
    return Invalid(
        "job.accelerator_count",
        absl::StrCat("must be between 1 and ingest.max_accelerators_per_job (",
                     limits.max_accelerators_per_job, "), got ", spec.accelerator_count()));
  }
  if (absl::Status s =
          CheckEventTime("job.start_unix_ms", spec.start_unix_ms(), EventTimes(limits, now));
      !s.ok()) {
    return s;
  }
  if (!v1::WorkloadKind_IsValid(spec.workload())) {
    return Invalid("job.workload", absl::StrCat("unknown value ", spec.workload()));
  }
  if (!spec.model_id().empty()) {
    if (absl::Status s = ValidateId("job.model_id", spec.model_id()); !s.ok()) return s;
  }
  if (!spec.parent_model_id().empty()) {
    if (absl::Status s = ValidateId("job.parent_model_id", spec.parent_model_id()); !s.ok()) {
      return s;
    }
    if (spec.parent_model_id() == spec.model_id()) {
      return Invalid("job.parent_model_id", "must differ from model_id");
    }
  }
  if (spec.has_declared_active_parameters() && spec.has_declared_parameters() &&
      spec.declared_active_parameters() > spec.declared_parameters()) {
    return Invalid(
        "job.declared_active_parameters",
        absl::StrCat(spec.declared_active_parameters(), " is more than declared_parameters (",
                     spec.declared_parameters(), ")"));
  }
  if (!v1::Precision_IsValid(spec.precision())) {
    return Invalid("job.precision", absl::StrCat("unknown value ", spec.precision()));
  }
  return absl::OkStatus();
}

absl::Status ValidateCheckJob(const v1::CheckJobRequest& req, const IngestLimits& limits) {
  if (absl::Status s = ValidateId("customer_id", req.customer_id()); !s.ok()) return s;
  if (req.accelerator_model().empty()) {
    return Invalid("accelerator_model", "is required (as the scheduler or DCGM reports it)");
  }
  if (req.accelerator_count() == 0 || req.accelerator_count() > limits.max_accelerators_per_job) {
    return Invalid(
        "accelerator_count",
        absl::StrCat("must be between 1 and ingest.max_accelerators_per_job (",
                     limits.max_accelerators_per_job, "), got ", req.accelerator_count()));
  }
  if (!v1::WorkloadKind_IsValid(req.workload())) {
    return Invalid("workload", absl::StrCat("unknown value ", req.workload()));
  }
  return absl::OkStatus();
}

absl::Status ValidateCheckEgress(const v1::CheckEgressRequest& req) {
  if (absl::Status s = CheckId("model_id", req.model_id()); !s.ok()) return s;
  if (absl::Status s = CheckCountry("destination_country", req.destination_country(), true);
      !s.ok()) {
    return s;
  }
  if (!req.customer_id().empty()) {
    if (absl::Status s = CheckId("customer_id", req.customer_id()); !s.ok()) return s;
  }
  for (auto [name, value, max] : {std::tuple{"checkpoint", &req.checkpoint(), 1024},
                                  std::tuple{"destination_region", &req.destination_region(), 256},
                                  std::tuple{"principal", &req.principal(), 256}}) {
    if (absl::Status s = CheckText(name, *value, max); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ValidateEndJob(const v1::EndJobRequest& req, const IngestLimits& limits,
                            absl::Time now) {
  if (absl::Status s = CheckJobId("job_id", req.job_id(), HoldingAccounts::kRefused); !s.ok()) {
    return s;
  }
  return CheckEventTime("end_unix_ms", req.end_unix_ms(), EventTimes(limits, now));
}

absl::Status ValidateCustomerProfile(const v1::CustomerProfile& p) {
  if (absl::Status s = ValidateId("profile.customer_id", p.customer_id()); !s.ok()) return s;
  if (p.legal_name().empty()) return Invalid("profile.legal_name", "is required");
  if (absl::Status s = CheckText("profile.legal_name", p.legal_name()); !s.ok()) return s;
  for (int i = 0; i < p.aliases_size(); ++i) {
    if (absl::Status s = CheckText(absl::StrCat("profile.aliases[", i, "]"), p.aliases(i));
        !s.ok()) {
      return s;
    }
  }
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string*>{"profile.incorporation_country",
                                                   &p.incorporation_country()},
        {"profile.headquarters_country", &p.headquarters_country()},
        {"profile.ultimate_parent_country", &p.ultimate_parent_country()},
        {"profile.billing_country", &p.billing_country()},
        {"profile.payment_country", &p.payment_country()}}) {
    if (absl::Status s = CheckCountry(name, *value, false); !s.ok()) return s;
  }
  if (absl::Status s = CheckText("profile.ultimate_parent_name", p.ultimate_parent_name());
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < p.ownership_chain_size(); ++i) {
    const auto& link = p.ownership_chain(i);
    std::string base = absl::StrCat("profile.ownership_chain[", i, "].");
    if (link.owner_name().empty()) return Invalid(base + "owner_name", "is required");
    if (absl::Status s = CheckCountry(base + "owner_country", link.owner_country(), false);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckPercent(base + "ownership_percent", link.ownership_percent());
        !s.ok()) {
      return s;
    }
  }
  for (const auto& [list, label] : {std::pair{&p.beneficial_owners(), "beneficial_owners"},
                                    std::pair{&p.officers(), "officers"}}) {
    for (int i = 0; i < list->size(); ++i) {
      const auto& person = list->Get(i);
      std::string base = absl::StrCat("profile.", label, "[", i, "].");
      if (person.name().empty()) return Invalid(base + "name", "is required");
      if (absl::Status s = CheckCountry(base + "nationality", person.nationality(), false);
          !s.ok()) {
        return s;
      }
      if (absl::Status s =
              CheckCountry(base + "residence_country", person.residence_country(), false);
          !s.ok()) {
        return s;
      }
      if (absl::Status s = CheckPercent(base + "ownership_percent", person.ownership_percent());
          !s.ok()) {
        return s;
      }
    }
  }
  if (!p.web_domain_registered_date().empty() && !IsDate(p.web_domain_registered_date())) {
    return Invalid(
        "profile.web_domain_registered_date",
        absl::StrCat("must be a date YYYY-MM-DD, got '", p.web_domain_registered_date(), "'"));
  }
  if (!p.formation_date().empty() && !IsDate(p.formation_date())) {
    return Invalid("profile.formation_date",
                   absl::StrCat("must be a date YYYY-MM-DD, got '", p.formation_date(), "'"));
  }
  for (int i = 0; i < p.linked_accounts_size(); ++i) {
    if (absl::Status s =
            ValidateId(absl::StrCat("profile.linked_accounts[", i, "]"), p.linked_accounts(i));
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = CheckText("profile.declared_end_use", p.declared_end_use(), 4096); !s.ok()) {
    return s;
  }
  return absl::OkStatus();
}

absl::Status ValidateModelPublication(const v1::SetModelPublicationRequest& req, absl::Time now) {
  if (absl::Status s = ValidateId("model_id", req.model_id()); !s.ok()) return s;
  const v1::ModelPublication& p = req.publication();
  if (p.weights_published() && p.evidence().empty()) {
    return Invalid("publication.evidence",
                   "is required when weights_published is set (a link to the weights or their "
                   "announcement)");
  }
  if (absl::Status s = CheckText("publication.evidence", p.evidence(), 2048); !s.ok()) return s;
  if (absl::Status s = CheckText("publication.recorded_by", p.recorded_by(), 256); !s.ok()) {
    return s;
  }
  if (p.published_unix_ms() < 0 || p.published_unix_ms() > absl::ToUnixMillis(now)) {
    return Invalid("publication.published_unix_ms",
                   absl::StrCat(p.published_unix_ms(), " is not between 0 and now"));
  }
  return absl::OkStatus();
}

absl::Status ValidateScreenRequest(const v1::ScreenRequest& req) {
  if (req.name().empty()) return Invalid("name", "is required");
  if (absl::Status s = CheckText("name", req.name()); !s.ok()) return s;
  return CheckCountry("country", req.country(), false);
}

namespace {

// Event batches (access, egress) hold 1 to 10,000 events.
absl::Status CheckEventCount(int n) {
  constexpr int kMaxEvents = 10000;
  if (n == 0) return Invalid("events", "is empty");
  if (n > kMaxEvents) return Invalid("events", absl::StrCat(n, " events, at most ", kMaxEvents));
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRecordAccess(const v1::RecordAccessRequest& req, const IngestLimits& limits,
                                  absl::Time now) {
  if (absl::Status s = CheckEventCount(req.events_size()); !s.ok()) return s;
  const EventTimes times(limits, now);
  for (int i = 0; i < req.events_size(); ++i) {
    const v1::AccessEvent& e = req.events(i);
    auto f = [i](const char* name) { return absl::StrCat("events[", i, "].", name); };
    if (absl::Status s = CheckId(f("customer_id"), e.customer_id()); !s.ok()) return s;
    if (absl::Status s = CheckText(f("principal"), e.principal(), 256); !s.ok()) return s;
    in6_addr addr;
    if (e.source_ip().empty() || (inet_pton(AF_INET, e.source_ip().c_str(), &addr) != 1 &&
                                  inet_pton(AF_INET6, e.source_ip().c_str(), &addr) != 1)) {
      return Invalid(f("source_ip"),
                     absl::StrCat("must be an IPv4 or IPv6 address, got '", e.source_ip(), "'"));
    }
    if (absl::Status s = CheckCountry(f("country"), e.country(), false); !s.ok()) return s;
    if (absl::Status s = CheckEventTime(f("time_unix_ms"), e.time_unix_ms(), times); !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckText(f("channel"), e.channel(), 32); !s.ok()) return s;
    if (absl::Status s = CheckText(f("event_id"), e.event_id(), 256); !s.ok()) return s;
    if (absl::Status s = CheckText(f("action"), e.action(), 128); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ValidateFileRecord(const v1::FileRecordRequest& req) {
  if (req.record_id().empty()) return Invalid("record_id", "is required");
  if (absl::Status s = CheckText("record_id", req.record_id(), 520); !s.ok()) return s;
  if (req.agency_reference().empty()) {
    return Invalid("agency_reference", "is required (the agency's reference for the filing)");
  }
  if (absl::Status s = CheckText("agency_reference", req.agency_reference(), 128); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckText("note", req.note(), 4096); !s.ok()) return s;
  return CheckText("actor", req.actor(), 256);
}

namespace {

absl::Status ValidateLicence(const v1::Licence& l, absl::Time now) {
  if (l.reference().empty()) {
    return Invalid("licence.reference", "is required to resolve as licence_obtained");
  }
  if (absl::Status s = CheckText("licence.reference", l.reference(), 64); !s.ok()) return s;
  if (l.expires_unix_ms() < 0 ||
      (l.expires_unix_ms() != 0 && l.expires_unix_ms() <= absl::ToUnixMillis(now))) {
    return Invalid("licence.expires_unix_ms",
                   "must be in the future (or 0 when the licence states no end)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateAlertAction(const v1::AlertActionRequest& req, absl::Time now) {
  if (req.alert_id().empty()) return Invalid("alert_id", "is required");
  if (req.has_licence() && req.action() != v1::ALERT_ACTION_RESOLVE) {
    return Invalid("licence", "is only recorded when resolving");
  }
  if (absl::Status s = CheckText("alert_id", req.alert_id(), 1024); !s.ok()) return s;
  if (req.actor().empty()) return Invalid("actor", "is required: who takes the step");
  if (absl::Status s = CheckText("actor", req.actor(), 256); !s.ok()) return s;
  if (absl::Status s = CheckText("comment", req.comment(), 4096); !s.ok()) return s;
  if (absl::Status s = CheckText("assignee", req.assignee(), 256); !s.ok()) return s;
  switch (req.action()) {
    case v1::ALERT_ACTION_ACKNOWLEDGE:
      return absl::OkStatus();
    case v1::ALERT_ACTION_ASSIGN:
      return req.assignee().empty() ? Invalid("assignee", "is required to assign")
                                    : absl::OkStatus();
    case v1::ALERT_ACTION_COMMENT:
    case v1::ALERT_ACTION_REOPEN:
      return req.comment().empty() ? Invalid("comment", "is required for this action")
                                   : absl::OkStatus();
    case v1::ALERT_ACTION_RESOLVE:
      if (req.disposition() == v1::DISPOSITION_UNSPECIFIED ||
          !v1::Disposition_IsValid(req.disposition())) {
        return Invalid("disposition",
                       "is required to resolve: true_positive, false_positive, "
                       "licence_obtained, no_action_required or duplicate");
      }
      if (req.disposition() == v1::DISPOSITION_LICENCE_OBTAINED) {
        return ValidateLicence(req.licence(), now);
      }
      return req.has_licence()
                 ? Invalid("licence", "is only recorded with the disposition licence_obtained")
                 : absl::OkStatus();
    case v1::ALERT_ACTION_SUPPRESS:
      if (req.suppress_until_unix_ms() != 0 &&
          req.suppress_until_unix_ms() <= absl::ToUnixMillis(now)) {
        return Invalid("suppress_until_unix_ms", "must be in the future (or 0 to end it)");
      }
      return absl::OkStatus();
    default:
      return Invalid("action", absl::StrCat("unknown value ", req.action()));
  }
}

absl::Status ValidateAdvanceInquiry(const v1::AdvanceInquiryRequest& req) {
  if (req.inquiry_id().empty()) return Invalid("inquiry_id", "is required");
  if (absl::Status s = CheckText("inquiry_id", req.inquiry_id(), 1024); !s.ok()) return s;
  if (req.actor().empty()) return Invalid("actor", "is required: who takes the step");
  if (absl::Status s = CheckText("actor", req.actor(), 256); !s.ok()) return s;
  if (absl::Status s = CheckText("note", req.note(), 4096); !s.ok()) return s;
  if (req.to_state() != v1::INQUIRY_STATE_CUSTOMER_ASKED &&
      req.to_state() != v1::INQUIRY_STATE_ANSWERED && req.to_state() != v1::INQUIRY_STATE_CLOSED) {
    return Invalid("to_state", "must be customer_asked, answered or closed");
  }
  const bool answered = req.to_state() == v1::INQUIRY_STATE_ANSWERED;
  if (answered &&
      (req.answer() == v1::EXPORT_INTENT_UNSPECIFIED || !v1::ExportIntent_IsValid(req.answer()))) {
    return Invalid("answer",
                   "is required to record the answer: no_export, export_under_licence or "
                   "provider_applies_for_licence");
  }
  if (!answered && req.answer() != v1::EXPORT_INTENT_UNSPECIFIED) {
    return Invalid("answer", "is only given with to_state answered");
  }
  return absl::OkStatus();
}

absl::Status ValidateRecordEgress(const v1::RecordEgressRequest& req, const IngestLimits& limits,
                                  absl::Time now) {
  if (absl::Status s = CheckEventCount(req.events_size()); !s.ok()) return s;
  const EventTimes times(limits, now);
  for (int i = 0; i < req.events_size(); ++i) {
    const v1::EgressEvent& e = req.events(i);
    auto f = [i](const char* name) { return absl::StrCat("events[", i, "].", name); };
    if (absl::Status s = CheckId(f("model_id"), e.model_id()); !s.ok()) return s;
    if (absl::Status s = CheckCountry(f("destination_country"), e.destination_country(), true);
        !s.ok()) {
      return s;
    }
    if (!e.customer_id().empty()) {
      if (absl::Status s = CheckId(f("customer_id"), e.customer_id()); !s.ok()) return s;
    }
    if (absl::Status s = CheckEventTime(f("time_unix_ms"), e.time_unix_ms(), times); !s.ok()) {
      return s;
    }
    for (auto [name, value, max] : {std::tuple{"checkpoint", &e.checkpoint(), 1024},
                                    std::tuple{"destination_region", &e.destination_region(), 256},
                                    std::tuple{"principal", &e.principal(), 256},
                                    std::tuple{"event_id", &e.event_id(), 256}}) {
      if (absl::Status s = CheckText(f(name), *value, max); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateCluster(const v1::Cluster& c) {
  if (absl::Status s = CheckId("cluster.cluster_id", c.cluster_id()); !s.ok()) {
    return s;
  }
  for (auto [name, value] : {std::pair{"cluster.region", &c.region()},
                             std::pair{"cluster.datacenter", &c.datacenter()}}) {
    if (absl::Status s = CheckText(name, *value, 256); !s.ok()) return s;
  }
  if (c.accelerators().empty() && !c.retired()) {
    return Invalid("cluster.accelerators", "is required (the cluster's models and counts)");
  }
  if (c.accelerators_size() > 100) {
    return Invalid("cluster.accelerators", "has more than 100 entries");
  }
  std::set<std::string> models;
  for (int i = 0; i < c.accelerators_size(); ++i) {
    const v1::ClusterAccelerators& a = c.accelerators(i);
    const std::string at = absl::StrCat("cluster.accelerators[", i, "]");
    if (a.model().empty()) return Invalid(absl::StrCat(at, ".model"), "is required");
    if (absl::Status s = CheckText(absl::StrCat(at, ".model"), a.model(), 256); !s.ok()) return s;
    if (!models.insert(a.model()).second) {
      return Invalid(absl::StrCat(at, ".model"), absl::StrCat("'", a.model(), "' is listed twice"));
    }
    if (a.count() < 1 || a.count() > 10'000'000) {
      return Invalid(absl::StrCat(at, ".count"),
                     absl::StrCat("must be 1 to 10,000,000, got ", a.count()));
    }
  }
  const double gbit = c.interconnect_gbit_s();
  if (!std::isfinite(gbit) || gbit < 0 || gbit > 1e6) {
    return Invalid("cluster.interconnect_gbit_s",
                   absl::StrCat("must be 0 to 1,000,000 Gbit/s, got ", Num(gbit)));
  }
  const std::string& day = c.effective_date();
  if (!day.empty() && (!IsDate(day) || day < "2015-01-01" || day > "2100-12-31")) {
    return Invalid("cluster.effective_date",
                   absl::StrCat("must be a date YYYY-MM-DD from 2015 to 2100, got '", day, "'"));
  }
  return absl::OkStatus();
}

}  // namespace redflag

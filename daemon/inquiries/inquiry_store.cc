#include "daemon/inquiries/inquiry_store.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace redflag {
namespace {

std::string StateName(v1::InquiryState s) {
  return absl::AsciiStrToLower(v1::InquiryState_Name(s).substr(sizeof("INQUIRY_STATE_") - 1));
}

// The one state each state leads to.
v1::InquiryState Next(v1::InquiryState s) {
  switch (s) {
    case v1::INQUIRY_STATE_OPEN:
      return v1::INQUIRY_STATE_CUSTOMER_ASKED;
    case v1::INQUIRY_STATE_CUSTOMER_ASKED:
      return v1::INQUIRY_STATE_ANSWERED;
    case v1::INQUIRY_STATE_ANSWERED:
      return v1::INQUIRY_STATE_CLOSED;
    default:
      return v1::INQUIRY_STATE_UNSPECIFIED;
  }
}

}  // namespace

absl::StatusOr<bool> InquiryStore::OpenFor(const std::string& alert_id, const std::string& model_id,
                                           const std::string& customer_id, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<std::optional<v1::Inquiry>> old =
      GetMessage<v1::Inquiry>(store_, Domain::kInquiries, alert_id);
  if (!old.ok()) return old.status();
  if (old->has_value()) return false;
  v1::Inquiry q;
  q.set_inquiry_id(alert_id);
  q.set_model_id(model_id);
  q.set_customer_id(customer_id);
  q.set_state(v1::INQUIRY_STATE_OPEN);
  q.set_opened_unix_ms(absl::ToUnixMillis(now));
  v1::InquiryStep* step = q.add_steps();
  step->set_state(v1::INQUIRY_STATE_OPEN);
  step->set_actor("redflagd");
  step->set_unix_ms(q.opened_unix_ms());
  step->set_note("opened by the alert");
  std::unique_ptr<WriteBatch> batch = store_.NewBatch();
  batch->Put(Domain::kInquiries, alert_id, q.SerializeAsString());
  AuditEntry entry{"redflagd",
                   "inquiry.opened",
                   alert_id,
                   {{"model_id", model_id}, {"customer_id", customer_id}}};
  if (absl::Status s = audit_.Write(*batch, entry, now).status(); !s.ok()) return s;
  return true;
}

absl::StatusOr<v1::Inquiry> InquiryStore::Advance(const v1::AdvanceInquiryRequest& req,
                                                  absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<std::optional<v1::Inquiry>> stored =
      GetMessage<v1::Inquiry>(store_, Domain::kInquiries, req.inquiry_id());
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrCat("inquiry_id: no inquiry '", req.inquiry_id(), "'"));
  }
  v1::Inquiry q = std::move(**stored);
  if (req.to_state() != Next(q.state())) {
    return absl::FailedPreconditionError(
        absl::StrCat("inquiry ", q.inquiry_id(), " is ", StateName(q.state()),
                     Next(q.state()) == v1::INQUIRY_STATE_UNSPECIFIED
                         ? ": it takes no further step"
                         : absl::StrCat(": its next step is ", StateName(Next(q.state())))));
  }
  q.set_state(req.to_state());
  if (req.to_state() == v1::INQUIRY_STATE_ANSWERED) q.set_answer(req.answer());
  v1::InquiryStep* step = q.add_steps();
  step->set_state(req.to_state());
  step->set_actor(req.actor());
  step->set_unix_ms(absl::ToUnixMillis(now));
  step->set_note(req.note());
  step->set_answer(req.answer());
  std::unique_ptr<WriteBatch> batch = store_.NewBatch();
  batch->Put(Domain::kInquiries, q.inquiry_id(), q.SerializeAsString());
  AuditEntry entry{req.actor(),
                   absl::StrCat("inquiry.", StateName(req.to_state())),
                   q.inquiry_id(),
                   {{"note", req.note()}}};
  if (req.answer() != v1::EXPORT_INTENT_UNSPECIFIED) {
    entry.details.emplace_back(
        "answer", absl::AsciiStrToLower(
                      v1::ExportIntent_Name(req.answer()).substr(sizeof("EXPORT_INTENT_") - 1)));
  }
  if (absl::Status s = audit_.Write(*batch, entry, now).status(); !s.ok()) return s;
  return q;
}

absl::StatusOr<v1::Inquiry> InquiryStore::Get(const std::string& inquiry_id) {
  absl::StatusOr<std::optional<v1::Inquiry>> q =
      GetMessage<v1::Inquiry>(store_, Domain::kInquiries, inquiry_id);
  if (!q.ok()) return q.status();
  if (!q->has_value()) {
    return absl::NotFoundError(absl::StrCat("inquiry_id: no inquiry '", inquiry_id, "'"));
  }
  return **q;
}

absl::StatusOr<std::vector<v1::Inquiry>> InquiryStore::List(v1::InquiryState state) {
  std::vector<v1::Inquiry> out;
  absl::Status s = ScanMessages<v1::Inquiry>(
      store_, Domain::kInquiries, "", "", [&](absl::string_view, const v1::Inquiry& q) {
        if (state == v1::INQUIRY_STATE_UNSPECIFIED || q.state() == state) out.push_back(q);
        return true;
      });
  if (!s.ok()) return s;
  return out;
}

}  // namespace redflag

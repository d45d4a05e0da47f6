#include "daemon/records/record_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace redflag {

absl::StatusOr<bool> RecordStore::Open(const v1::ForeignPersonRecord& record, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<std::optional<std::string>> existing =
      store_.Get(Domain::kRecords, record.record_id());
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) return false;
  std::unique_ptr<WriteBatch> batch = store_.NewBatch();
  batch->Put(Domain::kRecords, record.record_id(), record.SerializeAsString());
  absl::StatusOr<v1::AuditRecord> rec = audit_.Write(
      *batch,
      {"redflagd",
       "record.opened",
       absl::StrCat("record/", record.record_id()),
       {{"customer_id", record.customer_id()},
        {"model_id", record.model_id()},
        {"foreign_basis", record.foreign_basis()},
        {"operations_best", absl::StrFormat("%g", record.operations_best())},
        {"due", absl::FormatTime("%Y-%m-%d", absl::FromUnixMillis(record.due_unix_ms()),
                                 absl::UTCTimeZone())},
        {"profile_version", absl::StrCat(record.profile_version())},
        {"access_events", absl::StrCat(record.access_events_total())}}},
      now);
  if (!rec.ok()) return rec.status();
  return true;
}

absl::StatusOr<v1::ForeignPersonRecord> RecordStore::File(const v1::FileRecordRequest& request,
                                                          const std::string& actor,
                                                          absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<std::optional<v1::ForeignPersonRecord>> found =
      GetMessage<v1::ForeignPersonRecord>(store_, Domain::kRecords, request.record_id());
  if (!found.ok()) return found.status();
  if (!found->has_value()) {
    return absl::NotFoundError(absl::StrCat("record_id: no record '", request.record_id(), "'"));
  }
  v1::ForeignPersonRecord r = **found;
  if (r.state() == v1::RECORD_STATE_FILED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "record ", r.record_id(), " was filed on ",
        absl::FormatTime(absl::FromUnixMillis(r.filed_unix_ms())), " by ", r.filed_by(),
        " (reference ", r.agency_reference(), "); a filing is recorded once"));
  }
  r.set_state(v1::RECORD_STATE_FILED);
  r.set_filed_by(actor);
  r.set_filed_unix_ms(absl::ToUnixMillis(now));
  r.set_agency_reference(request.agency_reference());
  r.set_filing_note(request.note());
  std::unique_ptr<WriteBatch> batch = store_.NewBatch();
  batch->Put(Domain::kRecords, r.record_id(), r.SerializeAsString());
  absl::StatusOr<v1::AuditRecord> rec =
      audit_.Write(*batch,
                   {actor,
                    "record.filed",
                    absl::StrCat("record/", r.record_id()),
                    {{"agency_reference", r.agency_reference()},
                     {"note", r.filing_note()},
                     {"overdue", now > absl::FromUnixMillis(r.due_unix_ms()) ? "yes" : "no"}}},
                   now);
  if (!rec.ok()) return rec.status();
  return r;
}

absl::StatusOr<std::optional<v1::ForeignPersonRecord>> RecordStore::Get(
    const std::string& record_id) {
  return GetMessage<v1::ForeignPersonRecord>(store_, Domain::kRecords, record_id);
}

absl::StatusOr<std::vector<v1::ForeignPersonRecord>> RecordStore::List(
    v1::RecordState state, const std::string& customer_id, bool brief) {
  std::vector<v1::ForeignPersonRecord> out;
  absl::Status s = ScanMessages<v1::ForeignPersonRecord>(
      store_, Domain::kRecords, "", "", [&](absl::string_view, const v1::ForeignPersonRecord& r) {
        if (state != v1::RECORD_STATE_UNSPECIFIED && r.state() != state) return true;
        if (!customer_id.empty() && r.customer_id() != customer_id) return true;
        out.push_back(r);
        if (brief) out.back().clear_access_events();
        return true;
      });
  if (!s.ok()) return s;
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.opened_unix_ms() < b.opened_unix_ms();
  });
  return out;
}

}  // namespace redflag

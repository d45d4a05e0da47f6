#include "daemon/audit/audit_log.h"

#include "absl/base/internal/endian.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "daemon/audit/audit_chain.h"

namespace redflag {
namespace {

constexpr absl::string_view kHeadKey = "audit_head";  // "<seq> <hash>"

std::string Key(uint64_t seq) {
  char be[8];
  absl::big_endian::Store64(be, seq);
  return std::string(be, sizeof(be));
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(Store& store, bool sync) {
  std::unique_ptr<AuditLog> log(new AuditLog(store, sync));
  absl::StatusOr<std::optional<std::string>> head = store.Get(Domain::kMeta, kHeadKey);
  if (!head.ok()) return head.status();
  if (!head->has_value()) return log;
  std::vector<std::string> parts = absl::StrSplit(**head, ' ');
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &log->head_seq_)) {
    return absl::DataLossError(absl::StrCat("meta/audit_head is unreadable: '", **head, "'"));
  }
  log->head_hash_ = parts[1];
  absl::StatusOr<std::optional<v1::AuditRecord>> last =
      GetMessage<v1::AuditRecord>(store, Domain::kAudit, Key(log->head_seq_));
  if (!last.ok()) return last.status();
  if (!last->has_value() || (*last)->hash() != log->head_hash_ ||
      AuditHash(**last) != log->head_hash_) {
    return absl::DataLossError(absl::StrCat("audit record ", log->head_seq_,
                                            " (the head) is missing or altered; run "
                                            "`redflagctl audit verify` on a copy and restore"));
  }
  return log;
}

absl::StatusOr<v1::AuditRecord> AuditLog::Write(WriteBatch& batch, const AuditEntry& entry,
                                                absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  v1::AuditRecord r;
  r.set_seq(head_seq_ + 1);
  r.set_unix_ms(absl::ToUnixMillis(now));
  r.set_actor(entry.actor);
  r.set_action(entry.action);
  r.set_subject(entry.subject);
  for (const auto& [name, value] : entry.details) {
    v1::AuditDetail* d = r.add_details();
    d->set_name(name);
    d->set_value(value);
  }
  r.set_prev_hash(head_hash_);
  r.set_hash(AuditHash(r));
  batch.Put(Domain::kAudit, Key(r.seq()), r.SerializeAsString());
  batch.Put(Domain::kMeta, kHeadKey, absl::StrCat(r.seq(), " ", r.hash()));
  if (absl::Status s = store_.Write(batch, sync_); !s.ok()) return s;
  head_seq_ = r.seq();
  head_hash_ = r.hash();
  return r;
}

absl::StatusOr<v1::ListAuditResponse> AuditLog::List(uint64_t after_seq, uint32_t limit,
                                                     const std::string& subject) {
  v1::ListAuditResponse out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    out.set_head_seq(head_seq_);
    out.set_head_hash(head_hash_);
  }
  // Raw records, parsed here so that a damaged one is shown, not refused:
  // verification is the reader's job.
  size_t bytes = 0;
  absl::Status s = store_.Scan(
      Domain::kAudit, "", Key(after_seq + 1), [&](absl::string_view, absl::string_view value) {
        // A page ends at its count or at kMaxPageBytes; the reader goes on
        // after the last record it got.
        bytes += value.size() + 8;
        if (static_cast<uint32_t>(out.records_size()) >= limit ||
            (out.records_size() > 0 && bytes > kMaxPageBytes)) {
          return false;
        }
        v1::AuditRecord* r = out.add_records();
        if (!r->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          r->Clear();
          r->set_action("(unreadable record)");
        } else if (!subject.empty() && r->subject() != subject) {
          out.mutable_records()->RemoveLast();
        }
        return true;
      });
  if (!s.ok()) return s;
  return out;
}

uint64_t AuditLog::head_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  return head_seq_;
}

}  // namespace redflag

#include "daemon/audit/audit_chain.h"

#include "absl/strings/str_cat.h"
#include "daemon/util/sha256.h"

namespace redflag {

std::string AuditHash(const v1::AuditRecord& r) {
  std::string text = absl::StrCat(r.prev_hash(), "\x1e", r.seq(), "\x1f", r.unix_ms(), "\x1f",
                                  r.actor(), "\x1f", r.action(), "\x1f", r.subject());
  for (const v1::AuditDetail& d : r.details()) {
    absl::StrAppend(&text, "\x1f", d.name(), "\x1d", d.value());
  }
  return Sha256Hex(text);
}

bool AuditVerifier::Add(const v1::AuditRecord& r) {
  if (!problem_.empty()) return false;
  if (r.seq() != last_seq_ + 1) {
    problem_ = absl::StrCat("record ", r.seq(), ": expected record ", last_seq_ + 1,
                            " (a record is missing or out of place)");
    return false;
  }
  if (r.prev_hash() != last_hash_) {
    problem_ = absl::StrCat("record ", r.seq(), ": prev_hash does not match record ", last_seq_,
                            " (a record before it was changed or replaced)");
    return false;
  }
  if (AuditHash(r) != r.hash()) {
    problem_ = absl::StrCat("record ", r.seq(), ": its hash does not match its content (changed)");
    return false;
  }
  ++records_;
  last_seq_ = r.seq();
  last_hash_ = r.hash();
  return true;
}

bool AuditVerifier::Finish(uint64_t head_seq, const std::string& head_hash) {
  if (!problem_.empty()) return false;
  if (head_seq != last_seq_ || head_hash != last_hash_) {
    problem_ = absl::StrCat("the chain ends at record ", last_seq_, " but the head is record ",
                            head_seq, " (records at the end were removed, or the head changed)");
    return false;
  }
  return true;
}

}  // namespace redflag

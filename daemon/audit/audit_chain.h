// The audit chain's arithmetic, shared by the daemon that writes it and the
// clients that check it: a record's hash, and a verifier fed the records in
// order.
#pragma once

#include <cstdint>
#include <string>

#include "redflag/v1/audit.pb.h"

namespace redflag {

// sha256 over prev_hash and the record's fields (not its own hash), hex.
std::string AuditHash(const v1::AuditRecord& record);

// Checks records handed in seq order: numbering without gaps from 1, each
// prev_hash the hash before it, each hash recomputed.
class AuditVerifier {
 public:
  // False at the first bad record; problem() says which and why.
  bool Add(const v1::AuditRecord& record);
  // After the last record: the chain must end where the daemon's head is.
  bool Finish(uint64_t head_seq, const std::string& head_hash);

  uint64_t records() const { return records_; }
  const std::string& problem() const { return problem_; }

 private:
  uint64_t records_ = 0;
  uint64_t last_seq_ = 0;
  std::string last_hash_;
  std::string problem_;
};

}  // namespace redflag

// The customers' standing as CheckJob last read it from the store, so that a
// check costs no reads while nothing it depends on has changed. An entry is
// dropped when an alert about its customer is written, and every entry when
// any profile is (an ownership chain runs through other customers' profiles);
// it holds for one UTC day, since the dated country groups decide the
// standing. A read that raced a write is not kept: Begin before reading,
// Keep after, and a Forget in between wins.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"
#include "detectors/job_decision.h"

namespace redflag {

class StandingCache {
 public:
  // Past `capacity` customers the cache starts again empty.
  explicit StandingCache(size_t capacity) : capacity_(capacity) {}

  // Shared, not copied: a check only reads it.
  using Kept = std::shared_ptr<const detectors::CustomerStanding>;
  Kept Find(const std::string& customer_id, absl::CivilDay day) const;

  // What a read of `customer_id` begun now may keep.
  struct Ticket {
    uint64_t epoch = 0;
    uint64_t generation = 0;
  };
  Ticket Begin(const std::string& customer_id);
  // Keeps what was read under `ticket`, unless it was forgotten since.
  void Keep(const std::string& customer_id, Ticket ticket, absl::CivilDay day, Kept standing);

  // After a write that changed what `customer_id`'s standing is read from.
  void Forget(const std::string& customer_id);
  // After a write that may change anyone's.
  void ForgetAll();

  size_t size() const;

 private:
  struct Entry {
    uint64_t generation = 0;
    bool ready = false;
    absl::CivilDay day;
    Kept standing;
  };
  const size_t capacity_;
  mutable std::mutex mu_;
  uint64_t epoch_ = 0;
  absl::flat_hash_map<std::string, Entry> entries_;
};

}  // namespace redflag

// Keys of the per-day job totals (Domain::kJobDays): job_id, 0x00, the UTC
// day (days since 1970-01-01) as 4 bytes big-endian offset by 2^31, so that a
// job's days sort in order after its id. Header-only: the schema migration
// writes them too.
#pragma once

#include <cstdint>
#include <string>

#include "absl/base/internal/endian.h"
#include "absl/strings/string_view.h"

namespace redflag {

inline std::string JobDayKey(absl::string_view job_id, int32_t day) {
  std::string k(job_id);
  k.push_back('\0');
  k.resize(k.size() + 4);
  absl::big_endian::Store32(k.data() + k.size() - 4, static_cast<uint32_t>(day) ^ 0x80000000u);
  return k;
}

// The job and day of a JobDayKey; false if it is not one.
inline bool ParseJobDayKey(absl::string_view key, absl::string_view* job_id, int32_t* day) {
  if (key.size() < 5 || key[key.size() - 5] != '\0') return false;
  *job_id = key.substr(0, key.size() - 5);
  *day = static_cast<int32_t>(absl::big_endian::Load32(key.data() + key.size() - 4) ^ 0x80000000u);
  return true;
}

}  // namespace redflag

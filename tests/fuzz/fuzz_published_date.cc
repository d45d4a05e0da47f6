// Fuzzes the list date-file parser: any bytes give a date no more than a day
// after now, or an error naming the file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "detectors/screening/published_date.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const absl::Time now = absl::FromUnixSeconds(1800000000);
  absl::StatusOr<absl::Time> t = redflag::screening::ParsePublishedDate(text, "x.published", now);
  if (!t.ok()) {
    if (t.status().message().rfind("x.published: ", 0) != 0) __builtin_trap();
    return 0;
  }
  if (*t > now + absl::Hours(24)) __builtin_trap();
  return 0;
}

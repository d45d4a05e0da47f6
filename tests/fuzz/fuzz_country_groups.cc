// Fuzzes the dated country-groups parser: any bytes give a policy whose every
// row is a known group, a two-letter code and ordered dates, or an error
// located in the file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "detectors/country_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto p = redflag::detectors::CountryPolicy::Parse(text, "groups.csv");
  if (!p.ok()) {
    if (p.status().message().rfind("groups.csv", 0) != 0) __builtin_trap();
    return 0;
  }
  for (const auto& r : p->rows()) {
    if (r.country.size() != 2 || r.source.empty()) __builtin_trap();
    if (r.has_from && r.has_until && !(r.from < r.until)) __builtin_trap();
    const absl::CivilDay day = r.has_from ? r.from : absl::CivilDay(2026, 1, 1);
    if (r.has_until && !(day < r.until)) continue;
    if (p->Membership(r.group, r.country, day) == nullptr) __builtin_trap();
  }
  return 0;
}

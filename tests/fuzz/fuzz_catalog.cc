// Fuzzes the accelerator catalog parser (and its CSV reader): any bytes give
// a catalog whose every entry has a positive ceiling, or a located error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "detectors/catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto c = redflag::detectors::Catalog::Parse(text, "fuzz.csv");
  if (!c.ok()) {
    if (c.status().message().rfind("fuzz.csv", 0) != 0) __builtin_trap();
    return 0;
  }
  for (const auto& a : c->entries()) {
    if (!(a.fastest_peak > 0) || a.fastest_peak > c->MostConservative().fastest_peak) {
      __builtin_trap();
    }
    if (c->Find(a.model) == nullptr) __builtin_trap();
  }
  return 0;
}

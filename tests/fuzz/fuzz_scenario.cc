// Fuzzes the redflagctl scenario reader (JSON lines).
#include <cstddef>
#include <cstdint>

#include "cli/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto events =
      redflag::cli::ParseScenario(absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!events.ok() && events.status().message().empty()) __builtin_trap();
  return 0;
}

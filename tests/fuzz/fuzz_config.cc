// Fuzzes the config parser: any bytes give a Config or a located error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "daemon/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto c = redflag::ParseConfig(text, "fuzz.yaml", {});
  if (!c.ok() && c.status().message().empty()) __builtin_trap();
  return 0;
}

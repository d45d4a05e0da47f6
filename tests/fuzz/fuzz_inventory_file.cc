// Fuzzes the cluster inventory file: any bytes give clusters that pass
// ValidateCluster or a located error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "daemon/clusters/inventory_file.h"
#include "daemon/validation/validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto clusters = redflag::ParseInventoryFile(text, "fuzz.yaml");
  if (!clusters.ok()) {
    if (clusters.status().message().empty()) __builtin_trap();
    return 0;
  }
  for (const auto& c : *clusters) {
    if (!redflag::ValidateCluster(c).ok()) __builtin_trap();
  }
  return 0;
}

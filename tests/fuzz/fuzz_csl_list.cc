// Fuzzes the Consolidated Screening List reader alone: any bytes give a list
// (good rows plus located problems) or an error. (Indexing and screening
// what a list yields, which cost a thousand times more per input, have
// their own target, fuzz_screening, so that each runs at its own speed.)
#include <cstddef>
#include <cstdint>
#include <string>

#include "detectors/screening/csl_parser.h"

using namespace redflag::screening;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto list = ParseCsl(text);
  if (!list.ok()) return 0;
  for (const RowProblem& p : list->problems) {
    if (p.line < 1 || p.message.empty()) __builtin_trap();
  }
  for (const ListEntry& e : list->entries) {
    if (e.name.empty() || e.id.empty()) __builtin_trap();
  }
  return 0;
}

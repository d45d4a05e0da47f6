// Fuzzes the Consolidated Screening List reader and what follows a load:
// indexing the entries and screening names through them. Any bytes give a
// list (good rows plus located problems) or an error, and every entry it
// yields is found again by its own name.
#include <cstddef>
#include <cstdint>
#include <string>

#include "detectors/screening/csl_parser.h"
#include "detectors/screening/screening_index.h"

using namespace redflag::screening;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static NameNormalizer* const normalizer = NameNormalizer::Create().value().release();
  std::string text(reinterpret_cast<const char*>(data), size);
  auto list = ParseCsl(text);
  if (!list.ok()) return 0;
  for (const RowProblem& p : list->problems) {
    if (p.line < 1 || p.message.empty()) __builtin_trap();
  }
  std::vector<std::string> names;
  for (const ListEntry& e : list->entries) {
    if (e.name.empty() || e.id.empty()) __builtin_trap();
    names.push_back(e.name);
  }
  auto index = ScreeningIndex::Build(std::move(*list), *normalizer);
  ScreeningOptions options;
  options.threshold = 0.0;
  for (const std::string& name : names) {
    NormalizedName query = normalizer->Normalize(name);
    for (const Hit& hit : index->Screen(query, "CN", options)) {
      if (hit.entry == nullptr || hit.score < 0 || hit.score > 1 || hit.reason.empty()) {
        __builtin_trap();
      }
    }
  }
  return 0;
}

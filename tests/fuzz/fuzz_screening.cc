// Fuzzes name matching: the input's lines are list entries' names (at most
// 16), indexed as a list is, and every one is screened through the index.
// Any names give scores in [0, 1] with a reason, and an entry is found by
// its own name.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "detectors/screening/screening_index.h"

using namespace redflag::screening;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static NameNormalizer* const normalizer = NameNormalizer::Create().value().release();
  std::string text(reinterpret_cast<const char*>(data), std::min<size_t>(size, 4096));
  std::vector<std::string> names = absl::StrSplit(text, '\n', absl::SkipEmpty());
  if (names.size() > 16) names.resize(16);
  PartyList list;
  for (size_t i = 0; i < names.size(); ++i) {
    ListEntry e;
    e.id = absl::StrCat("e", i);
    e.name = names[i];
    if (i % 2 == 0) e.countries.push_back("CN");
    list.entries.push_back(std::move(e));
  }
  auto index = ScreeningIndex::Build(std::move(list), *normalizer);
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

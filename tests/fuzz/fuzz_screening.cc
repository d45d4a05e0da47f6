// Fuzzes name and contact matching: the input's lines are list entries'
// names, addresses, phones and web sites (at most 16), indexed as a list is,
// and every one is screened through the index as a name, an address, a phone
// and a domain. Any input gives scores in [0, 1] with a reason, and an entry
// with an address, phone or domain is found by it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "detectors/screening/contacts.h"
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
    e.addresses.push_back(names[i]);
    e.phones.push_back(names[i]);
    e.domains.push_back(names[i]);
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
    for (const auto& hits :
         {index->ScreenAddress(name), index->ScreenPhone(name), index->ScreenDomain(name)}) {
      for (const ContactHit& h : hits) {
        if (h.entry == nullptr || h.score < 0 || h.score > 1.0000001) __builtin_trap();
      }
    }
    if (!PhoneKey(name).empty() && index->ScreenPhone(name).empty()) __builtin_trap();
    if (!DomainOf(name).empty() && index->ScreenDomain(name).empty()) __builtin_trap();
  }
  return 0;
}

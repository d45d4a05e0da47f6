// Fuzzes the OFAC SDN reader: the input is cut into sdn.csv, add.csv and
// alt.csv at its first two 0x1E bytes. Any bytes give a list with located
// problems and orphans (add/alt rows of parties sdn.csv does not list, the
// first 100 kept), and every alias belongs to an entry sdn.csv listed.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_split.h"
#include "detectors/screening/ofac_parser.h"

using namespace redflag::screening;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts = absl::StrSplit(text, absl::MaxSplits('\x1e', 2));
  parts.resize(3);
  auto list = ParseOfac(parts[0], parts[1], parts[2]);
  if (!list.ok()) __builtin_trap();  // the reader reports rows; it never fails whole
  for (const RowProblem& p : list->problems) {
    if (p.line < 1 || p.file.empty() || p.message.empty()) __builtin_trap();
  }
  if (list->orphans.size() > PartyList::kOrphansKept) __builtin_trap();
  if (list->orphan_rows < list->orphans.size()) __builtin_trap();
  for (const RowProblem& o : list->orphans) {
    if (o.line < 1 || (o.file != "add.csv" && o.file != "alt.csv")) __builtin_trap();
  }
  for (const ListEntry& e : list->entries) {
    if (e.name.empty() || e.id.empty()) __builtin_trap();
    for (const std::string& a : e.aliases) {
      if (a.empty()) __builtin_trap();
    }
  }
  return 0;
}

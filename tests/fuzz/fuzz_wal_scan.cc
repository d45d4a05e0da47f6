// Fuzzes the write-ahead log reader that gates every start: any bytes, split
// into one or two logs, give a verdict without a crash, and the verdict is
// consistent (a torn tail drops nothing; writes after damage are counted).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/storage/wal_scan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> logs;
  // A 0x1e byte splits the input into consecutive logs.
  size_t start = 0;
  for (size_t i = 0; i <= bytes.size(); ++i) {
    if (i == bytes.size() || bytes[i] == '\x1e') {
      logs.push_back(bytes.substr(start, i - start));
      start = i + 1;
    }
  }
  redflag::WalScan s = redflag::ScanWriteAheadLogBytes(logs);
  if (s.files.size() != logs.size()) __builtin_trap();
  if (!s.damaged && s.damage.dropped_writes != 0) __builtin_trap();
  if (s.damaged && s.damage.torn_tail && s.damage.dropped_writes != 0) __builtin_trap();
  if (s.damage.dropped.size() > s.damage.dropped_writes) __builtin_trap();
  return 0;
}

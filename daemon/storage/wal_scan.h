// Reads RocksDB's write-ahead logs before the store opens, to tell the two
// kinds of damage apart (docs/operations.md#damaged-write-ahead-log):
//
// - a torn tail: the newest log ends in a record that is incomplete or fails
//   its checksum, with nothing intact after it. A crash in the middle of a
//   write leaves exactly this; the write was never acknowledged, and RocksDB
//   drops it silently. Normal.
// - damage before the tail: a record that fails its checksum (or is
//   malformed) with intact records after it, in this log or a later one.
//   Recovery would keep everything before it and silently drop everything
//   after, acknowledged data included. Refused at start.
//
// The log format is RocksDB's (db/log_format.h): 32 KiB blocks of records,
// each with a 7-byte header (masked CRC32C, length, type); a logical record
// (one WriteBatch) may be split over blocks as first/middle/last fragments.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace redflag {

struct WalDamage {
  std::string file;  // path of the log
  uint64_t offset = 0;
  uint64_t file_size = 0;
  std::string what;  // "checksum mismatch", "record cut off at the end of the file", ...
  // Nothing intact follows: a crash's unfinished write.
  bool torn_tail = false;
  // The intact writes after the damage (in this log and later ones) that
  // recovery would drop: their WriteBatch bytes, the first kMaxKeptBytes.
  std::vector<std::string> dropped;
  uint64_t dropped_writes = 0;
  uint64_t dropped_bytes = 0;
  uint64_t dropped_first_sequence = 0;
  uint64_t dropped_last_sequence = 0;
  static constexpr uint64_t kMaxKeptBytes = 64ull << 20;
};

struct WalScan {
  std::vector<std::string> files;  // the logs, oldest first
  uint64_t writes = 0;             // intact writes before any damage
  uint64_t last_sequence = 0;      // of the last of them
  // The first damage, if any.
  bool damaged = false;
  WalDamage damage;
};

// Scans every "<number>.log" in `dir`, oldest first. Errors only when a file
// cannot be read.
absl::StatusOr<WalScan> ScanWriteAheadLogs(const std::string& dir);
// The same over logs held in memory (named "log0", "log1", ...), oldest
// first: for tests and the fuzzer.
WalScan ScanWriteAheadLogBytes(const std::vector<std::string>& logs);

// RocksDB's masked CRC32C of a record's type byte and payload, for tests
// that write log records.
uint32_t WalRecordChecksum(uint8_t type, const char* payload, size_t n);

}  // namespace redflag

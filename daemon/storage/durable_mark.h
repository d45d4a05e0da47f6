// The sequence number up to which the store's writes were durable, as the
// running daemon last saw it, kept in a small file beside RocksDB's own. A
// write-ahead log cut short (a bad copy, a faulty disk, a hand gone wrong)
// looks to RocksDB like a crash's torn tail and recovers silently with
// acknowledged writes missing; this mark is how a start tells the two apart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace redflag {

inline constexpr const char* kDurableMarkFile = "redflagd.durable";

// nullopt when there is no mark (a new store, or one restored from a backup);
// DATA_LOSS when the file is unreadable.
absl::StatusOr<std::optional<uint64_t>> ReadDurableMark(const std::string& dir);
// Replaces the mark atomically (written, synced, renamed into place).
absl::Status WriteDurableMark(const std::string& dir, uint64_t sequence);

}  // namespace redflag

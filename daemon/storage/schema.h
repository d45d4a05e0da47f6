// The data dir's schema version and the ordered migrations that bring an
// older data dir up to this build's version.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "daemon/storage/store.h"

namespace redflag {

// The schema this build writes.
inline constexpr uint32_t kSchemaVersion = 3;

// Stamps a new store, runs any pending migrations in order, and refuses a
// data dir written by a newer build. Returns the version found on disk
// before migrating (0 for a new store).
absl::StatusOr<uint32_t> MigrateSchema(Store& store);

}  // namespace redflag

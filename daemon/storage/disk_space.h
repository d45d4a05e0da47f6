// Free disk space under the data dir, watched so that no write reaches a full
// disk: RocksDB 7.8 aborts on ENOSPC in its write path, and a store that dies
// on a full disk serves nothing, not even reads.
//
// Below `min_free_bytes`, new data (requests) is refused with UNAVAILABLE
// naming the free space; maintenance (checkpoints, which let the ledger drop
// what they cover) goes on down to half of it. A reserve file holds back
// `reserve_bytes` while space is plentiful: released when a start finds the
// disk full (so the store can open and serve reads) or when free space falls
// below the maintenance floor, and put back once space returns.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace redflag {

enum class WriteClass {
  kNew,          // data a request brings
  kMaintenance,  // checkpoints and compaction of what is already stored
};

struct DiskSpaceOptions {
  uint64_t min_free_bytes = 1ull << 30;
  uint64_t reserve_bytes = 64ull << 20;
};

struct DiskSpaceStats {
  uint64_t free_bytes = 0;
  bool low = false;           // new data refused
  bool reserve_held = false;  // the reserve file is in place
  uint64_t refused = 0;       // writes refused since start
};

class DiskSpace {
 public:
  // Measures the space under `dir` (which must exist) and releases the
  // reserve if a start finds less free than min_free_bytes.
  static absl::StatusOr<std::unique_ptr<DiskSpace>> Open(const std::string& dir,
                                                         const DiskSpaceOptions& options);

  // OK, or UNAVAILABLE naming the free space and the threshold. Cheap: it
  // measures again at most every few milliseconds.
  absl::Status Admit(WriteClass c);
  // Measures now; puts the reserve back or releases it; on the way from low
  // to enough, calls `on_space_back` (the store resumes after an error).
  void Check();
  void set_on_space_back(std::function<void()> fn);

  // Why new data is refused, "" when it is not.
  std::string LowReason();
  DiskSpaceStats Stats();
  const DiskSpaceOptions& options() const { return options_; }
  static constexpr const char* kReserveFile = "redflagd.reserve";

 private:
  DiskSpace(std::string dir, const DiskSpaceOptions& options);
  // statvfs; false when it fails (the last figure stays).
  bool Measure();
  std::string Describe(uint64_t free, uint64_t threshold, const char* key) const;
  void HoldReserve();
  void ReleaseReserve(const char* why);

  const std::string dir_;
  const DiskSpaceOptions options_;
  std::atomic<uint64_t> free_{0};
  std::atomic<int64_t> measured_at_ns_{0};
  std::atomic<bool> low_{false};
  std::atomic<uint64_t> refused_{0};
  std::mutex mu_;  // the reserve file and the callback
  bool reserve_held_ = false;
  std::function<void()> on_space_back_;
};

// "12.5 MiB", for messages.
std::string HumanBytes(uint64_t bytes);

}  // namespace redflag

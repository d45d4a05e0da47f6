// An in-memory Store for unit tests, with injectable write failures.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>

#include "absl/strings/string_view.h"
#include "daemon/storage/store.h"

namespace redflag {

class MemoryStore : public Store {
 public:
  std::unique_ptr<WriteBatch> NewBatch(size_t reserve_bytes = 0) override;
  absl::Status Write(WriteBatch& batch, bool sync, WriteClass cls = WriteClass::kNew) override;
  absl::Status Admits(WriteClass cls) override;
  absl::StatusOr<std::optional<std::string>> Get(Domain d, absl::string_view key) override;
  absl::Status Scan(Domain d, absl::string_view prefix, absl::string_view from,
                    const std::function<bool(absl::string_view, absl::string_view)>& fn) override;
  absl::Status DropFilesInRange(Domain d, absl::string_view begin, absl::string_view end) override;
  absl::Status SyncWal() override { return absl::OkStatus(); }
  uint64_t ApproximateSizeBytes() override;

  void set_fail_writes(bool fail) { fail_writes_ = fail; }
  // Writes of new data (and maintenance too, with `maintenance`) are refused
  // as on a disk short of space: nothing is written.
  void set_low_space(bool low, bool maintenance = false) {
    low_space_ = low;
    low_space_maintenance_ = low && maintenance;
  }
  // The next `n` writes succeed, every later one fails (a crash between two
  // writes of a multi-write operation, as seen by whoever reopens the store).
  void FailWritesAfter(uint64_t n) { writes_left_ = static_cast<int64_t>(n); }
  // Keys in a domain, to check what a caller left behind.
  size_t KeyCount(Domain d);
  // Writes that succeeded, to check how a caller groups its writes.
  uint64_t writes() const { return writes_; }

 private:
  std::mutex mu_;
  std::array<std::map<std::string, std::string, std::less<>>, kDomainCount> data_;
  std::atomic<bool> fail_writes_{false};
  std::atomic<bool> low_space_{false};
  std::atomic<bool> low_space_maintenance_{false};
  std::atomic<int64_t> writes_left_{-1};  // -1: no limit
  std::atomic<uint64_t> writes_{0};
};

}  // namespace redflag

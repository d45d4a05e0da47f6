// Storage behind an interface: one domain per RocksDB column family, atomic
// multi-domain write batches, ordered scans. Production uses RocksDB; tests
// can inject the in-memory store (and make its writes fail).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "daemon/storage/disk_space.h"

namespace redflag {

enum class Domain : uint8_t {
  kMeta = 0,    // schema version, ledger position
  kJobs,        // job_id -> Job (spec and end time)
  kTotals,      // job_id -> JobTotals, checkpointed
  kWatermarks,  // per source its last seq, per (source, job) its last window end; checkpointed
  kLedger,      // big-endian record number -> LedgerRecord, until checkpointed
  kCustomers,   // customer_id -> Customer
  kAlerts,      // alert_id -> Alert
  kModels,      // model_id -> ModelRecord
  // customer_id, 0x00, big-endian version -> Customer: every version kept
  kCustomerHistory,
  // customer_id, 0x00, big-endian event time, big-endian sequence -> AccessEvent
  kAccess,
  // customer_id, 0x00, big-endian time, big-endian sequence -> ScreeningRecord
  kScreenings,
  kAudit,      // big-endian seq -> AuditRecord (hash-chained; the head is in meta)
  kInquiries,  // inquiry_id (the alert_id) -> Inquiry
  // model_id, 0x00, big-endian time, big-endian hash of the event -> EgressEvent
  kEgress,
  // job_id, 0x00, big-endian day (offset 2^31) -> JobTotals of the samples
  // counted that UTC day; written with the checkpoints
  kJobDays,
  // quarter ("2026Q3") -> QuarterlyReport, frozen before its days were compacted
  kReports,
  // cluster_id, 0x00, big-endian effective time -> ClusterVersion
  kClusters,
  // record_id ("<customer_id>/<model_id>") -> ForeignPersonRecord
  kRecords,
  kCount,
};
inline constexpr int kDomainCount = static_cast<int>(Domain::kCount);

// The column family name of a domain.
const char* DomainName(Domain d);

class WriteBatch {
 public:
  virtual ~WriteBatch() = default;
  virtual void Put(Domain d, absl::string_view key, absl::string_view value) = 0;
  virtual void Delete(Domain d, absl::string_view key) = 0;
  virtual size_t Count() const = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // `reserve_bytes`: the expected size of what will be put, to spare copies.
  virtual std::unique_ptr<WriteBatch> NewBatch(size_t reserve_bytes = 0) = 0;
  // Applies the whole batch or nothing. With sync, it is on stable storage
  // when this returns OK; without, it survives a process crash. Refused with
  // UNAVAILABLE, before anything is written, while disk space is low for
  // writes of `cls` (see Admits).
  virtual absl::Status Write(WriteBatch& batch, bool sync, WriteClass cls = WriteClass::kNew) = 0;
  // Whether a write of `cls` would be admitted now: OK, or the UNAVAILABLE
  // that Write would answer (free disk space below the threshold). For
  // callers that must not change memory for a write that cannot happen.
  virtual absl::Status Admits(WriteClass cls) = 0;
  virtual absl::StatusOr<std::optional<std::string>> Get(Domain d, absl::string_view key) = 0;
  // Visits, in key order, the keys of `d` that start with `prefix` and are
  // >= `from`, until `fn` returns false.
  virtual absl::Status Scan(
      Domain d, absl::string_view prefix, absl::string_view from,
      const std::function<bool(absl::string_view key, absl::string_view value)>& fn) = 0;
  // Reclaims space of keys in [begin, end) of an append-only domain by
  // dropping whole files that hold nothing else, without reading them. Keys in
  // the range may remain: callers must neither need nor mind them. Not atomic
  // with writes, so only for keys that nothing will read again.
  virtual absl::Status DropFilesInRange(Domain d, absl::string_view begin,
                                        absl::string_view end) = 0;
  // Makes every earlier write durable (the group_commit background sync).
  virtual absl::Status SyncWal() = 0;
  // Bytes on disk and in memory tables, for the store size metric.
  virtual uint64_t ApproximateSizeBytes() = 0;
  // A consistent copy of every domain as of now in `dir` (which must not
  // exist): RocksDB's checkpoint, hard links where the file system allows.
  virtual absl::Status CreateCheckpoint(const std::string& dir) {
    return absl::UnimplementedError("this store cannot make checkpoints");
  }
  // Domains a read found damaged (a table file failing its checksum), each
  // with the first such error (naming the file), for readiness and metrics.
  // They stay listed until a restart.
  virtual std::map<Domain, std::string> UnreadableDomains() { return {}; }
};

// A list response stops at this many bytes (and says where to go on), well
// under the 4 MiB a default gRPC client accepts.
inline constexpr size_t kMaxPageBytes = 2 << 20;

// Reads one stored protobuf message: nullopt when the key is absent,
// DATA_LOSS naming "<domain>/<key>" when the bytes do not parse.
template <typename Message>
absl::StatusOr<std::optional<Message>> GetMessage(Store& store, Domain d, absl::string_view key) {
  absl::StatusOr<std::optional<std::string>> raw = store.Get(d, key);
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::nullopt;
  Message m;
  if (!m.ParseFromString(**raw)) {
    return absl::DataLossError(absl::StrCat(DomainName(d), "/", key, ": unreadable record"));
  }
  return m;
}

// Visits the stored protobuf messages of `d` under `prefix` from `from`, in
// key order, until `fn` returns false; DATA_LOSS naming "<domain>/<key>" for
// bytes that do not parse.
template <typename Message>
absl::Status ScanMessages(Store& store, Domain d, absl::string_view prefix, absl::string_view from,
                          const std::function<bool(absl::string_view key, const Message&)>& fn) {
  absl::Status bad;
  absl::Status s = store.Scan(d, prefix, from, [&](absl::string_view key, absl::string_view value) {
    Message m;
    if (!m.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      bad = absl::DataLossError(absl::StrCat(DomainName(d), "/", key, ": unreadable record"));
      return false;
    }
    return fn(key, m);
  });
  return s.ok() ? bad : s;
}

// What an explicit recovery from a damaged write-ahead log dropped
// (RocksDbOptions::recover_damaged_wal), for the log, the audit log and the
// data_integrity alert.
struct StoreRecovery {
  std::string file;     // the damaged log
  uint64_t offset = 0;  // where the damage starts
  std::string what;     // e.g. "checksum mismatch"
  // Intact writes after the damage that were dropped, with their sequence
  // numbers and what they held per domain ("ledger: 37 records 1021-1057").
  uint64_t dropped_writes = 0;
  uint64_t first_sequence = 0;
  uint64_t last_sequence = 0;
  std::vector<std::string> dropped_by_domain;
  // Writes the last run had made durable that are in no log any more
  // (a log cut short): their sequence numbers; their content is gone.
  uint64_t lost_first_sequence = 0;
  uint64_t lost_last_sequence = 0;
  std::string Summary() const;
};

struct RocksDbOptions {
  // Memory for write buffers across domains; the ledger gets most of it.
  uint64_t write_buffer_bytes = 128ull << 20;
  // Free space to keep (not owned; null: not watched). Writes are admitted
  // by it, and the store resumes after a background error when it says space
  // is back.
  DiskSpace* space = nullptr;
  // Opens even though a write-ahead log is damaged before its tail or writes
  // the last run made durable are missing, dropping what cannot be read; the
  // operator's explicit step (redflagd --recover-damaged-wal). What was
  // dropped is put in `*recovery` (required then).
  bool recover_damaged_wal = false;
  StoreRecovery* recovery = nullptr;
};

absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(const std::string& dir,
                                                        const RocksDbOptions& options);

// An in-memory store for tests. `fail_writes` makes every later Write fail
// with UNAVAILABLE until cleared.
class MemoryStore;
std::unique_ptr<MemoryStore> NewMemoryStore();

}  // namespace redflag

// RocksDB implementation of Store: one column family per Domain, WAL always
// on, options tuned per domain (the ledger is append-only and large).
#include <fcntl.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/sst_file_manager.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/base/internal/endian.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/log/log.h"
#include "daemon/storage/durable_mark.h"
#include "daemon/storage/store.h"
#include "daemon/storage/wal_scan.h"

namespace redflag {

const char* DomainName(Domain d) {
  switch (d) {
    case Domain::kMeta:
      return "meta";
    case Domain::kJobs:
      return "jobs";
    case Domain::kTotals:
      return "totals";
    case Domain::kWatermarks:
      return "watermarks";
    case Domain::kLedger:
      return "ledger";
    case Domain::kCustomers:
      return "customers";
    case Domain::kAlerts:
      return "alerts";
    case Domain::kModels:
      return "models";
    case Domain::kCustomerHistory:
      return "customer_history";
    case Domain::kAccess:
      return "access";
    case Domain::kScreenings:
      return "screenings";
    case Domain::kAudit:
      return "audit";
    case Domain::kInquiries:
      return "inquiries";
    case Domain::kEgress:
      return "egress";
    case Domain::kJobDays:
      return "job_days";
    case Domain::kReports:
      return "reports";
    case Domain::kClusters:
      return "clusters";
    case Domain::kRecords:
      return "records";
    case Domain::kCount:
      break;
  }
  return "unknown";
}

namespace {

namespace fs = std::filesystem;

// Customer records are nobody else's business: the data dir is the owner's
// alone (0700) and so is every file in it (0600), whatever the umask or an
// older build left. New files are 0600 by the daemon's umask.
absl::Status RestrictToOwner(const std::string& dir) {
  std::error_code ec;
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage.data_dir ", dir, ": cannot make it private (0700): ", ec.message()));
  }
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    std::error_code fe;
    if (!e.is_regular_file(fe)) continue;
    if ((e.status(fe).permissions() & (fs::perms::group_all | fs::perms::others_all)) ==
        fs::perms::none) {
      continue;
    }
    fs::permissions(e.path(), fs::perms::owner_read | fs::perms::owner_write,
                    fs::perm_options::replace, fe);
    if (fe) {
      return absl::FailedPreconditionError(absl::StrCat("storage.data_dir ", dir, ": cannot make ",
                                                        e.path().string(),
                                                        " private (0600): ", fe.message()));
    }
  }
  return absl::OkStatus();
}

// Whether a process holds RocksDB's lock on the data dir (fcntl, as RocksDB
// takes it), asked before anything else reads the dir.
bool LockHeld(const std::string& dir) {
  const int fd = open((dir + "/LOCK").c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock f {};
  f.l_type = F_WRLCK;
  f.l_whence = SEEK_SET;
  const bool held = fcntl(fd, F_GETLK, &f) == 0 && f.l_type != F_UNLCK;
  close(fd);
  return held;
}

struct LogCheck {
  WalScan scan;
  std::optional<uint64_t> mark;
  bool recovering = false;  // something will be dropped, as the operator asked
};

// The sequence number RocksDB would recover to, without changing anything.
absl::StatusOr<uint64_t> RecoverableSequence(
    const rocksdb::DBOptions& db, const std::string& dir,
    const std::vector<rocksdb::ColumnFamilyDescriptor>& descs) {
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(db, dir, descs, &handles, &raw);
  if (!s.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "storage.data_dir ", dir, ": cannot open RocksDB to check it: ", s.ToString()));
  }
  const uint64_t latest = raw->GetLatestSequenceNumber();
  for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
  delete raw;
  return latest;
}

// Refuses a start that would silently drop data (docs/operations.md#damaged-write-ahead-log):
// a log damaged before its tail, or writes the last run made durable that no
// log holds any more; unless the operator asked to recover.
absl::StatusOr<LogCheck> CheckLogs(const rocksdb::DBOptions& db, const std::string& dir,
                                   const std::vector<rocksdb::ColumnFamilyDescriptor>& descs,
                                   const RocksDbOptions& options) {
  LogCheck check;
  std::error_code ec;
  if (!fs::exists(dir + "/CURRENT", ec)) return check;  // a new store
  absl::StatusOr<WalScan> scan = ScanWriteAheadLogs(dir);
  if (!scan.ok()) return scan.status();
  check.scan = std::move(*scan);
  absl::StatusOr<std::optional<uint64_t>> mark = ReadDurableMark(dir);
  if (!mark.ok()) return mark.status();
  check.mark = *mark;
  const char* kHow =
      " Nothing was changed. Copy the data dir aside, then start once with "
      "--recover-damaged-wal to drop what cannot be read "
      "(docs/operations.md#damaged-write-ahead-log).";
  const WalDamage& d = check.scan.damage;
  if (check.scan.damaged && !d.torn_tail) {
    if (!options.recover_damaged_wal) {
      return absl::DataLossError(
          absl::StrCat("storage.data_dir ", dir, ": write-ahead log ", d.file,
                       " is damaged at byte ", d.offset, " of ", d.file_size, " (", d.what, "); ",
                       d.dropped_writes, " intact writes after it (sequence numbers ",
                       d.dropped_first_sequence, "-", d.dropped_last_sequence, ", ",
                       HumanBytes(d.dropped_bytes), ") would be lost by recovering.", kHow));
    }
    check.recovering = true;
  }
  if (check.mark && check.scan.last_sequence < *check.mark) {
    // The logs end before the mark: flushed into tables (fine) or cut short.
    absl::StatusOr<uint64_t> latest = RecoverableSequence(db, dir, descs);
    if (!latest.ok()) return latest.status();
    if (*latest < *check.mark) {
      if (!options.recover_damaged_wal) {
        const std::string newest = check.scan.files.empty() ? "(none)" : check.scan.files.back();
        const std::string where =
            check.scan.damaged ? absl::StrCat("write-ahead log ", d.file, " is damaged at byte ",
                                              d.offset, " of ", d.file_size, " (", d.what, ")")
                               : absl::StrCat("a write-ahead log was cut short (newest ", newest,
                                              ", ", HumanBytes(fs::file_size(newest, ec)), ")");
        return absl::DataLossError(absl::StrCat(
            "storage.data_dir ", dir, ": the writes with sequence numbers ", *latest + 1, "-",
            *check.mark, " were durable when the last run recorded them (", kDurableMarkFile,
            "), but the store recovers only to ", *latest, ": ", where, ".", kHow));
      }
      check.recovering = true;
    }
  }
  if (check.recovering && options.recovery != nullptr) {
    options.recovery->file = d.file;
    options.recovery->offset = d.offset;
    options.recovery->what = check.scan.damaged ? d.what : "log cut short";
    if (!check.scan.damaged && !check.scan.files.empty())
      options.recovery->file = check.scan.files.back();
  }
  return check;
}

// Counts the dropped writes by domain, naming the ledger records among them.
void DescribeDropped(const WalDamage& d, const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                     StoreRecovery& out) {
  out.dropped_writes = d.dropped_writes;
  out.first_sequence = d.dropped_first_sequence;
  out.last_sequence = d.dropped_last_sequence;
  std::map<uint32_t, std::string> names;
  for (auto* h : handles) names[h->GetID()] = h->GetName();
  struct Tally : rocksdb::WriteBatch::Handler {
    std::map<std::string, uint64_t> by_domain;
    uint64_t first_record = UINT64_MAX, last_record = 0;
    const std::map<uint32_t, std::string>* names;
    void Count(uint32_t cf, const rocksdb::Slice& key) {
      auto it = names->find(cf);
      const std::string& name = it == names->end() ? "unknown" : it->second;
      ++by_domain[name];
      if (name == DomainName(Domain::kLedger) && key.size() == 8) {
        const uint64_t n = absl::big_endian::Load64(key.data());
        first_record = std::min(first_record, n);
        last_record = std::max(last_record, n);
      }
    }
    rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key, const rocksdb::Slice&) override {
      Count(cf, key);
      return rocksdb::Status::OK();
    }
    rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
      Count(cf, key);
      return rocksdb::Status::OK();
    }
  } tally;
  tally.names = &names;
  for (const std::string& rep : d.dropped) {
    rocksdb::WriteBatch batch(rep);
    batch.Iterate(&tally).PermitUncheckedError();
  }
  for (const auto& [name, n] : tally.by_domain) {
    std::string line = absl::StrCat(name, ": ", n);
    if (name == DomainName(Domain::kLedger) && tally.last_record > 0) {
      absl::StrAppend(&line, " (ledger records ", tally.first_record, "-", tally.last_record, ")");
    }
    out.dropped_by_domain.push_back(std::move(line));
  }
  if (d.dropped.size() < d.dropped_writes) {
    out.dropped_by_domain.push_back(
        absl::StrCat("and ", d.dropped_writes - d.dropped.size(), " more writes not itemised"));
  }
}

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(what, ": ", s.ToString());
  if (s.IsIOError() || s.IsBusy() || s.IsTryAgain() || s.IsIncomplete()) {
    return absl::UnavailableError(msg);
  }
  if (s.IsCorruption()) return absl::DataLossError(msg);
  return absl::InternalError(msg);
}

class RocksBatch : public WriteBatch {
 public:
  RocksBatch(const std::vector<rocksdb::ColumnFamilyHandle*>& cfs, size_t reserve_bytes)
      : cfs_(cfs), batch_(reserve_bytes) {}
  void Put(Domain d, absl::string_view key, absl::string_view value) override {
    batch_.Put(cfs_[static_cast<int>(d)], rocksdb::Slice(key.data(), key.size()),
               rocksdb::Slice(value.data(), value.size()));
  }
  void Delete(Domain d, absl::string_view key) override {
    batch_.Delete(cfs_[static_cast<int>(d)], rocksdb::Slice(key.data(), key.size()));
  }
  size_t Count() const override { return static_cast<size_t>(batch_.Count()); }
  rocksdb::WriteBatch* get() { return &batch_; }

 private:
  const std::vector<rocksdb::ColumnFamilyHandle*>& cfs_;
  rocksdb::WriteBatch batch_;
};

class RocksDbStore : public Store {
 public:
  RocksDbStore(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> all,
               std::vector<rocksdb::ColumnFamilyHandle*> domains, DiskSpace* space, std::string dir)
      : db_(std::move(db)),
        all_(std::move(all)),
        domains_(std::move(domains)),
        space_(space),
        dir_(std::move(dir)) {
    marked_ = db_->GetLatestSequenceNumber();
    marker_ = std::thread([this] { MarkLoop(); });
    if (space_ != nullptr) {
      // A write that failed for want of space (a race with another process)
      // leaves RocksDB read-only until resumed.
      space_->set_on_space_back([db = db_.get()] {
        if (rocksdb::Status s = db->Resume(); !s.ok()) {
          log::Error("store did not resume after disk space came back", {{"error", s.ToString()}});
        }
      });
    }
  }

  ~RocksDbStore() override {
    {
      std::lock_guard<std::mutex> lock(mark_mu_);
      mark_stop_ = true;
    }
    mark_cv_.notify_all();
    marker_.join();
    Mark();
    if (space_ != nullptr) space_->set_on_space_back(nullptr);
    for (auto* h : all_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }

  std::unique_ptr<WriteBatch> NewBatch(size_t reserve_bytes) override {
    return std::make_unique<RocksBatch>(domains_, reserve_bytes);
  }

  absl::Status Admits(WriteClass cls) override {
    return space_ == nullptr ? absl::OkStatus() : space_->Admit(cls);
  }

  absl::Status Write(WriteBatch& batch, bool sync, WriteClass cls) override {
    if (absl::Status room = Admits(cls); !room.ok()) return room;
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return FromRocks(db_->Write(wo, static_cast<RocksBatch&>(batch).get()), "store write");
  }

  absl::Status DropFilesInRange(Domain d, absl::string_view begin, absl::string_view end) override {
    rocksdb::Slice b(begin.data(), begin.size()), e(end.data(), end.size());
    return FromRocks(rocksdb::DeleteFilesInRange(db_.get(), domains_[static_cast<int>(d)], &b, &e,
                                                 /*include_end=*/false),
                     "drop files");
  }

  absl::StatusOr<std::optional<std::string>> Get(Domain d, absl::string_view key) override {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), domains_[static_cast<int>(d)],
                                 rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return ReadFailed(d, s, "read");
    return std::optional<std::string>(std::move(value));
  }

  absl::Status CreateCheckpoint(const std::string& dir) override {
    rocksdb::Checkpoint* raw = nullptr;
    rocksdb::Status s = rocksdb::Checkpoint::Create(db_.get(), &raw);
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    // Memtables are flushed first (log_size_for_flush 0), so the copy needs
    // no write-ahead log to be whole.
    if (s.ok()) s = checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0);
    return FromRocks(s, absl::StrCat("checkpoint into ", dir));
  }

  std::map<Domain, std::string> UnreadableDomains() override {
    std::lock_guard<std::mutex> lock(unreadable_mu_);
    return unreadable_;
  }

  absl::Status Scan(Domain d, absl::string_view prefix, absl::string_view from,
                    const std::function<bool(absl::string_view, absl::string_view)>& fn) override {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), domains_[static_cast<int>(d)]));
    absl::string_view start = from > prefix ? from : prefix;
    for (it->Seek(rocksdb::Slice(start.data(), start.size())); it->Valid(); it->Next()) {
      absl::string_view k(it->key().data(), it->key().size());
      if (k.substr(0, prefix.size()) != prefix) break;
      if (!fn(k, absl::string_view(it->value().data(), it->value().size()))) break;
    }
    if (!it->status().ok()) return ReadFailed(d, it->status(), "scan");
    return absl::OkStatus();
  }

  absl::Status SyncWal() override { return FromRocks(db_->SyncWAL(), "WAL sync"); }

  uint64_t ApproximateSizeBytes() override {
    uint64_t total = 0;
    for (const char* prop : {"rocksdb.total-sst-files-size", "rocksdb.cur-size-all-mem-tables"}) {
      uint64_t v = 0;
      if (db_->GetAggregatedIntProperty(prop, &v)) total += v;
    }
    return total;
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> all_;
  // Records, every kMarkInterval, the sequence number up to which writes are
  // durable (durable_mark.h): read first, then the log synced up to it.
  void Mark() {
    const uint64_t seq = db_->GetLatestSequenceNumber();
    if (seq == marked_ || !db_->SyncWAL().ok()) return;
    if (absl::Status s = WriteDurableMark(dir_, seq); !s.ok()) {
      if (!mark_failed_) {
        log::Warn("cannot write the durable mark", {{"error", std::string(s.message())}});
      }
      mark_failed_ = true;
      return;
    }
    mark_failed_ = false;
    marked_ = seq;
  }

  void MarkLoop() {
    std::unique_lock<std::mutex> lock(mark_mu_);
    while (!mark_stop_) {
      mark_cv_.wait_for(lock, kMarkInterval);
      if (mark_stop_) break;
      lock.unlock();
      Mark();
      lock.lock();
    }
  }

  // A failed read of domain `d`: DATA_LOSS naming the domain (and RocksDB's
  // message names the file) when stored data is damaged, remembered for
  // readiness; otherwise as FromRocks says.
  absl::Status ReadFailed(Domain d, const rocksdb::Status& s, const char* what) {
    if (!s.IsCorruption()) return FromRocks(s, absl::StrCat("store ", what, " of ", DomainName(d)));
    std::string msg = absl::StrCat("domain ", DomainName(d), " unreadable: ", s.ToString());
    {
      std::lock_guard<std::mutex> lock(unreadable_mu_);
      if (unreadable_.emplace(d, msg).second) {
        log::Error("stored data is damaged", {{"domain", DomainName(d)}, {"error", s.ToString()}});
      }
    }
    return absl::DataLossError(msg);
  }

  static constexpr std::chrono::milliseconds kMarkInterval{200};
  std::mutex unreadable_mu_;
  std::map<Domain, std::string> unreadable_;
  std::vector<rocksdb::ColumnFamilyHandle*> domains_;
  DiskSpace* space_;
  const std::string dir_;
  uint64_t marked_ = 0;
  bool mark_failed_ = false;
  std::mutex mark_mu_;
  std::condition_variable mark_cv_;
  bool mark_stop_ = false;
  std::thread marker_;
};

rocksdb::ColumnFamilyOptions DomainOptions(Domain d, const RocksDbOptions& o) {
  rocksdb::ColumnFamilyOptions cf;
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  if (d == Domain::kLedger) {
    // Append-only with increasing keys, so flushed files never overlap and
    // compaction just moves them down a level; the ledger drops whole files
    // once checkpoints cover them, so none is ever rewritten. Short-lived, so
    // not compressed.
    cf.write_buffer_size = o.write_buffer_bytes;
    cf.max_write_buffer_number = 4;
    cf.compression = rocksdb::kNoCompression;
    cf.bottommost_compression = rocksdb::kNoCompression;  // else moves become rewrites
    cf.level0_file_num_compaction_trigger = 1;  // to level 1 at once, where files can be dropped
  } else {
    cf.write_buffer_size = o.write_buffer_bytes / 16;
    cf.OptimizeForPointLookup(16);
  }
  return cf;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(const std::string& dir,
                                                        const RocksDbOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage.data_dir ", dir, ": cannot create: ", ec.message()));
  }
  if (absl::Status s = RestrictToOwner(dir); !s.ok()) return s;
  rocksdb::DBOptions db;
  db.create_if_missing = true;
  db.create_missing_column_families = true;
  db.max_background_jobs = 2;
  db.bytes_per_sync = 1 << 20;
  db.keep_log_file_num = 5;
  // Small, rarely written domains would otherwise pin every write-ahead log
  // since their last flush; past this size they are flushed.
  db.max_total_wal_size = 4 * options.write_buffer_bytes;
  db.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // Recovers by itself from a background flush or compaction that ran out of
  // space, once there is room again.
  db.sst_file_manager.reset(rocksdb::NewSstFileManager(rocksdb::Env::Default()));
  // Compactions run below the threads that answer calls (flushes, which
  // writes may wait on, keep their priority).
  rocksdb::Env::Default()->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::LOW);

  // Open every column family on disk (a newer build may have added some) plus ours.
  std::vector<std::string> names;
  rocksdb::Status ls = rocksdb::DB::ListColumnFamilies(db, dir, &names);
  if (!ls.ok()) names = {rocksdb::kDefaultColumnFamilyName};
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  for (int i = 0; i < kDomainCount; ++i) {
    Domain d = static_cast<Domain>(i);
    bool found = false;
    for (auto& desc : descs) {
      if (desc.name == DomainName(d)) {
        desc.options = DomainOptions(d, options);
        found = true;
      }
    }
    if (!found) descs.emplace_back(DomainName(d), DomainOptions(d, options));
  }

  if (LockHeld(dir)) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage.data_dir ", dir,
                     ": cannot open RocksDB: its LOCK is held (is another redflagd "
                     "using this data dir?)"));
  }
  // The write-ahead logs are read before RocksDB may drop any of them.
  absl::StatusOr<LogCheck> check = CheckLogs(db, dir, descs, options);
  if (!check.ok()) return check.status();

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db, dir, descs, &handles, &raw);
  if (!s.ok()) {
    std::string hint;
    if (s.ToString().find("LOCK") != std::string::npos) {
      hint = " (is another redflagd using this data dir?)";
    }
    return absl::FailedPreconditionError(
        absl::StrCat("storage.data_dir ", dir, ": cannot open RocksDB: ", s.ToString(), hint));
  }
  if (check->recovering && options.recovery != nullptr) {
    const uint64_t latest = raw->GetLatestSequenceNumber();
    if (check->mark && latest < *check->mark) {
      options.recovery->lost_first_sequence =
          std::max(latest, check->scan.damaged ? check->scan.damage.dropped_last_sequence : 0) + 1;
      options.recovery->lost_last_sequence = *check->mark;
      if (options.recovery->lost_first_sequence > options.recovery->lost_last_sequence) {
        options.recovery->lost_first_sequence = options.recovery->lost_last_sequence = 0;
      }
    }
    if (check->scan.damaged) DescribeDropped(check->scan.damage, handles, *options.recovery);
  }
  if (absl::Status m = WriteDurableMark(dir, raw->GetLatestSequenceNumber()); !m.ok()) {
    log::Warn("cannot write the durable mark", {{"error", std::string(m.message())}});
  }
  std::vector<rocksdb::ColumnFamilyHandle*> domains(kDomainCount, nullptr);
  for (auto* h : handles) {
    for (int i = 0; i < kDomainCount; ++i) {
      if (h->GetName() == DomainName(static_cast<Domain>(i))) domains[i] = h;
    }
  }
  return std::unique_ptr<Store>(new RocksDbStore(std::unique_ptr<rocksdb::DB>(raw),
                                                 std::move(handles), std::move(domains),
                                                 options.space, dir));
}

}  // namespace redflag

namespace redflag {

std::string StoreRecovery::Summary() const {
  std::string out = absl::StrCat(file, " at byte ", offset, " (", what, ")");
  if (dropped_writes > 0) {
    absl::StrAppend(&out, "; dropped ", dropped_writes, " writes, sequence numbers ",
                    first_sequence, "-", last_sequence, ": ",
                    absl::StrJoin(dropped_by_domain, ", "));
  }
  if (lost_last_sequence > 0) {
    absl::StrAppend(&out, "; writes ", lost_first_sequence, "-", lost_last_sequence,
                    " were durable before and could not be recovered (content unknown)");
  }
  return out;
}

}  // namespace redflag

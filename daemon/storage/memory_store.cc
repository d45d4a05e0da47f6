#include "daemon/storage/memory_store.h"

#include <vector>

namespace redflag {
namespace {

struct Op {
  Domain domain;
  std::string key;
  std::optional<std::string> value;  // nullopt = delete
};

class MemoryBatch : public WriteBatch {
 public:
  void Put(Domain d, absl::string_view key, absl::string_view value) override {
    ops_.push_back(Op{d, std::string(key), std::string(value)});
  }
  void Delete(Domain d, absl::string_view key) override {
    ops_.push_back(Op{d, std::string(key), std::nullopt});
  }
  size_t Count() const override { return ops_.size(); }
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
};

}  // namespace

std::unique_ptr<MemoryStore> NewMemoryStore() { return std::make_unique<MemoryStore>(); }

std::unique_ptr<WriteBatch> MemoryStore::NewBatch(size_t) {
  return std::make_unique<MemoryBatch>();
}

absl::Status MemoryStore::Admits(WriteClass cls) {
  if (low_space_ && (cls == WriteClass::kNew || low_space_maintenance_)) {
    return absl::UnavailableError("disk space low (injected); retry later");
  }
  return absl::OkStatus();
}

absl::Status MemoryStore::Write(WriteBatch& batch, bool, WriteClass cls) {
  if (absl::Status room = Admits(cls); !room.ok()) return room;
  if (fail_writes_) return absl::UnavailableError("injected write failure");
  if (writes_left_ >= 0 && writes_left_-- == 0) {
    fail_writes_ = true;
    return absl::UnavailableError("injected write failure");
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const Op& op : static_cast<MemoryBatch&>(batch).ops()) {
    auto& m = data_[static_cast<int>(op.domain)];
    if (op.value) {
      m[op.key] = *op.value;
    } else {
      m.erase(op.key);
    }
  }
  ++writes_;
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> MemoryStore::Get(Domain d, absl::string_view key) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto& m = data_[static_cast<int>(d)];
  auto it = m.find(key);
  if (it == m.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

absl::Status MemoryStore::Scan(
    Domain d, absl::string_view prefix, absl::string_view from,
    const std::function<bool(absl::string_view, absl::string_view)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto& m = data_[static_cast<int>(d)];
  absl::string_view start = from > prefix ? from : prefix;
  for (auto it = m.lower_bound(start); it != m.end(); ++it) {
    if (absl::string_view(it->first).substr(0, prefix.size()) != prefix) break;
    if (!fn(it->first, it->second)) break;
  }
  return absl::OkStatus();
}

absl::Status MemoryStore::DropFilesInRange(Domain d, absl::string_view begin,
                                           absl::string_view end) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& m = data_[static_cast<int>(d)];
  if (begin < end) m.erase(m.lower_bound(begin), m.lower_bound(end));
  return absl::OkStatus();
}

size_t MemoryStore::KeyCount(Domain d) {
  std::lock_guard<std::mutex> lock(mu_);
  return data_[static_cast<int>(d)].size();
}

uint64_t MemoryStore::ApproximateSizeBytes() {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t n = 0;
  for (const auto& m : data_) {
    for (const auto& [k, v] : m) n += k.size() + v.size();
  }
  return n;
}

}  // namespace redflag

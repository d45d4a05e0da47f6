#include "daemon/storage/wal_scan.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "absl/base/internal/endian.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace redflag {
namespace {

constexpr size_t kBlockSize = 32768;
constexpr size_t kHeaderSize = 7;
enum RecordType : uint8_t {
  kZeroType = 0,
  kFullType = 1,
  kFirstType = 2,
  kMiddleType = 3,
  kLastType = 4,
  kSetCompressionType = 9,  // written first when WAL compression is on
};

// CRC32C (Castagnoli), as RocksDB's util/crc32c computes it.
const std::array<uint32_t, 256>& Crc32cTable() {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  return table;
}

uint32_t Crc32cExtend(uint32_t crc, const char* data, size_t n) {
  const auto& table = Crc32cTable();
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) {
    crc = table[(crc ^ static_cast<uint8_t>(data[i])) & 0xff] ^ (crc >> 8);
  }
  return ~crc;
}

// One log's records, fed block by block.
class LogReader {
 public:
  LogReader(const std::string& path, uint64_t size, WalScan& scan)
      : path_(path), size_(size), scan_(scan) {}

  void Block(uint64_t block_offset, const char* data, size_t n) {
    const bool last_block = block_offset + n >= size_;
    size_t pos = 0;
    while (pos < n) {
      const uint64_t at = block_offset + pos;
      if (n - pos < kHeaderSize) {
        // A block's last bytes are zero padding; a header cut off at the end
        // of the file is a write that did not finish.
        if (last_block && std::any_of(data + pos, data + n, [](char c) { return c != 0; })) {
          Damage(at, "record header cut off at the end of the file");
        }
        return;
      }
      const uint32_t stored = absl::little_endian::Load32(data + pos);
      const size_t length = absl::little_endian::Load16(data + pos + 4);
      const uint8_t type = static_cast<uint8_t>(data[pos + 6]);
      if (type == kZeroType && length == 0) return;  // preallocated, never written
      if (pos + kHeaderSize + length > n) {
        Damage(at, last_block ? "record cut off at the end of the file"
                              : "record length runs past its block");
        return;  // resynchronise at the next block
      }
      const char* payload = data + pos + kHeaderSize;
      const uint32_t crc = Crc32cExtend(Crc32cExtend(0, data + pos + 6, 1), payload, length);
      const uint32_t masked = ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
      if (masked != stored) {
        Damage(at, "checksum mismatch");
        return;
      }
      if (after_damage()) intact_after_ = true;
      pos += kHeaderSize + length;
      switch (type) {
        case kFullType:
          if (in_fragment_) Damage(fragment_offset_, "fragmented record not finished");
          Complete(std::string(payload, length));
          break;
        case kFirstType:
          if (in_fragment_) Damage(fragment_offset_, "fragmented record not finished");
          in_fragment_ = true;
          fragment_offset_ = at;
          fragment_.assign(payload, length);
          break;
        case kMiddleType:
        case kLastType:
          if (!in_fragment_) {
            // Only after damage can a record's tail come without its start.
            if (!after_damage()) Damage(at, "fragment without the start of its record");
            break;
          }
          fragment_.append(payload, length);
          if (type == kLastType) {
            in_fragment_ = false;
            Complete(std::move(fragment_));
            fragment_.clear();
          }
          break;
        case kSetCompressionType:
          break;
        default:
          Damage(at, absl::StrCat("unknown record type ", type));
          return;
      }
    }
  }

  void End() {
    if (in_fragment_) Damage(fragment_offset_, "record cut off at the end of the file");
  }

  bool intact_after() const { return intact_after_; }

 private:
  bool after_damage() const { return scan_.damaged; }

  void Damage(uint64_t at, std::string what) {
    in_fragment_ = false;
    fragment_.clear();
    if (scan_.damaged) return;  // only the first counts
    scan_.damaged = true;
    scan_.damage.file = path_;
    scan_.damage.offset = at;
    scan_.damage.file_size = size_;
    scan_.damage.what = std::move(what);
  }

  void Complete(std::string batch) {
    if (batch.size() < 12) {
      if (!after_damage()) Damage(fragment_offset_, "write shorter than its header");
      return;
    }
    const uint64_t seq = absl::little_endian::Load64(batch.data());
    const uint32_t count = absl::little_endian::Load32(batch.data() + 8);
    const uint64_t last = count == 0 ? seq : seq + count - 1;
    if (!after_damage()) {
      ++scan_.writes;
      scan_.last_sequence = last;
      return;
    }
    WalDamage& d = scan_.damage;
    if (d.dropped_writes == 0) d.dropped_first_sequence = seq;
    d.dropped_last_sequence = std::max(d.dropped_last_sequence, last);
    ++d.dropped_writes;
    d.dropped_bytes += batch.size();
    if (d.dropped_bytes <= WalDamage::kMaxKeptBytes) d.dropped.push_back(std::move(batch));
  }

  const std::string path_;
  const uint64_t size_;
  WalScan& scan_;
  bool in_fragment_ = false;
  uint64_t fragment_offset_ = 0;
  std::string fragment_;
  bool intact_after_ = false;
};

}  // namespace

uint32_t WalRecordChecksum(uint8_t type, const char* payload, size_t n) {
  const char t = static_cast<char>(type);
  const uint32_t crc = Crc32cExtend(Crc32cExtend(0, &t, 1), payload, n);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

namespace {

// Feeds one log to a reader in blocks; `read` fills up to n bytes, 0 at the end.
void ScanOneLog(WalScan& scan, const std::string& path, uint64_t size,
                const std::function<size_t(char*, size_t)>& read, bool& intact_after) {
  scan.files.push_back(path);
  const bool damaged_before = scan.damaged;
  LogReader reader(path, size, scan);
  std::string block(kBlockSize, '\0');
  for (uint64_t offset = 0; offset < size; offset += kBlockSize) {
    const size_t n = read(block.data(), kBlockSize);
    if (n == 0) break;
    reader.Block(offset, block.data(), n);
  }
  reader.End();
  // Intact records in this log after damage in an earlier one, or after
  // damage in this one: either way, something recovery would drop.
  if (reader.intact_after() || (damaged_before && scan.damage.dropped_writes > 0)) {
    intact_after = true;
  }
}

void Finish(WalScan& scan, bool intact_after) {
  if (scan.damaged) scan.damage.torn_tail = !intact_after && scan.damage.dropped_writes == 0;
}

}  // namespace

absl::StatusOr<WalScan> ScanWriteAheadLogs(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::pair<uint64_t, std::string>> logs;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    uint64_t number = 0;
    if (name.size() > 4 && name.ends_with(".log") &&
        absl::SimpleAtoi(name.substr(0, name.size() - 4), &number)) {
      logs.emplace_back(number, e.path().string());
    }
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return absl::FailedPreconditionError(absl::StrCat(dir, ": cannot list: ", ec.message()));
  }
  std::sort(logs.begin(), logs.end());
  WalScan scan;
  bool intact_after = false;
  for (const auto& [number, path] : logs) {
    std::ifstream in(path, std::ios::binary);
    const uint64_t size = fs::file_size(path, ec);
    if (!in || ec) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": cannot read the write-ahead log: ", std::strerror(errno)));
    }
    ScanOneLog(
        scan, path, size,
        [&](char* buf, size_t n) {
          in.read(buf, static_cast<std::streamsize>(n));
          return static_cast<size_t>(in.gcount());
        },
        intact_after);
  }
  Finish(scan, intact_after);
  return scan;
}

WalScan ScanWriteAheadLogBytes(const std::vector<std::string>& logs) {
  WalScan scan;
  bool intact_after = false;
  for (size_t i = 0; i < logs.size(); ++i) {
    size_t pos = 0;
    const std::string& bytes = logs[i];
    ScanOneLog(
        scan, absl::StrCat("log", i), bytes.size(),
        [&](char* buf, size_t n) {
          const size_t k = std::min(n, bytes.size() - pos);
          std::memcpy(buf, bytes.data() + pos, k);
          pos += k;
          return k;
        },
        intact_after);
  }
  Finish(scan, intact_after);
  return scan;
}

}  // namespace redflag

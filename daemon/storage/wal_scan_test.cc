#include "daemon/storage/wal_scan.h"

#include <gtest/gtest.h>

#include "absl/base/internal/endian.h"

namespace redflag {
namespace {

constexpr size_t kBlock = 32768;

// A WriteBatch's bytes: sequence, count, then (here) filler.
std::string Batch(uint64_t seq, uint32_t count, size_t size) {
  std::string b(12, '\0');
  absl::little_endian::Store64(b.data(), seq);
  absl::little_endian::Store32(b.data() + 8, count);
  b.resize(std::max<size_t>(size, 12), 'b');
  return b;
}

// Appends `payload` as RocksDB's writer does: fragments that fit the blocks,
// zero padding where fewer than a header's bytes are left.
void Append(std::string& log, const std::string& payload) {
  size_t left = payload.size(), pos = 0;
  bool first = true;
  do {
    const size_t room = kBlock - log.size() % kBlock;
    if (room < 7) {
      log.append(room, '\0');
      continue;
    }
    const size_t n = std::min(left, room - 7);
    const bool last = n == left;
    const uint8_t type = first && last ? 1 : first ? 2 : last ? 4 : 3;
    char header[7];
    absl::little_endian::Store32(header, WalRecordChecksum(type, payload.data() + pos, n));
    absl::little_endian::Store16(header + 4, static_cast<uint16_t>(n));
    header[6] = static_cast<char>(type);
    log.append(header, 7);
    log.append(payload, pos, n);
    pos += n;
    left -= n;
    first = false;
  } while (left > 0);
}

// 30 writes, some spanning blocks.
std::string Log(uint64_t first_seq = 1) {
  std::string log;
  for (uint64_t i = 0; i < 30; ++i) Append(log, Batch(first_seq + i * 2, 2, 500 + i * 1500));
  return log;
}

TEST(WalScan, AnIntactLogHasEveryWriteAndItsLastSequence) {
  WalScan s = ScanWriteAheadLogBytes({Log()});
  EXPECT_FALSE(s.damaged) << s.damage.what << " at " << s.damage.offset;
  EXPECT_EQ(s.writes, 30u);
  EXPECT_EQ(s.last_sequence, 60u);
}

TEST(WalScan, BytesFlippedInTheMiddleAreDamageWithTheWritesAfterItListed) {
  std::string log = Log();
  const size_t at = log.size() / 2;
  for (size_t i = 0; i < 16; ++i) log[at + i] ^= 0x5a;
  WalScan s = ScanWriteAheadLogBytes({log});
  ASSERT_TRUE(s.damaged);
  EXPECT_FALSE(s.damage.torn_tail);
  EXPECT_EQ(s.damage.what, "checksum mismatch");
  EXPECT_LE(s.damage.offset, at);
  EXPECT_GT(s.damage.dropped_writes, 0u);
  EXPECT_EQ(s.damage.dropped_last_sequence, 60u);
  // Before + after + the damaged one, and any other write that began in the
  // rest of its block: like RocksDB's reader, the scan drops the rest of a
  // block whose record fails its checksum (its length may be what is wrong).
  EXPECT_LE(s.writes + s.damage.dropped_writes, 29u);
  EXPECT_GE(s.writes + s.damage.dropped_writes, 27u);
  EXPECT_EQ(s.damage.dropped.size(), s.damage.dropped_writes);
}

TEST(WalScan, AnUnfinishedLastWriteIsATornTail) {
  std::string log = Log();
  std::string torn = log;
  Append(torn, Batch(61, 1, 5000));
  torn.resize(torn.size() - 1000);  // the crash came before its end reached the disk
  WalScan s = ScanWriteAheadLogBytes({torn});
  ASSERT_TRUE(s.damaged);
  EXPECT_TRUE(s.damage.torn_tail);
  EXPECT_EQ(s.damage.what, "record cut off at the end of the file");
  EXPECT_EQ(s.writes, 30u);
  // A garbled last record is torn too, when nothing intact follows it.
  std::string garbled = log;
  Append(garbled, Batch(61, 1, 300));
  garbled[garbled.size() - 10] ^= 1;
  s = ScanWriteAheadLogBytes({garbled});
  ASSERT_TRUE(s.damaged);
  EXPECT_TRUE(s.damage.torn_tail);
  EXPECT_EQ(s.writes, 30u);
}

TEST(WalScan, DamageInAnOlderLogIsNotTornWhenALaterLogHasWrites) {
  std::string older = Log();
  older.resize(older.size() - 700);
  WalScan s = ScanWriteAheadLogBytes({older, Log(100)});
  ASSERT_TRUE(s.damaged);
  EXPECT_EQ(s.damage.file, "log0");
  EXPECT_FALSE(s.damage.torn_tail);
  EXPECT_EQ(s.damage.dropped_writes, 30u);
  EXPECT_EQ(s.damage.dropped_first_sequence, 100u);
}

TEST(WalScan, PreallocatedZerosAfterTheLastWriteAreNotDamage) {
  std::string log = Log();
  log.append(kBlock - log.size() % kBlock, '\0');
  WalScan s = ScanWriteAheadLogBytes({log});
  EXPECT_FALSE(s.damaged) << s.damage.what;
  EXPECT_EQ(s.writes, 30u);
}

}  // namespace
}  // namespace redflag

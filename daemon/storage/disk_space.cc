#include "daemon/storage/disk_space.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "daemon/log/log.h"

namespace redflag {
namespace {

// Admit measures again when its figure is older than this: a burst of
// writes cannot run far past the threshold on a stale figure.
constexpr int64_t kRemeasureNs = 5'000'000;

}  // namespace

std::string HumanBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? absl::StrCat(bytes, " B") : absl::StrFormat("%.1f %s", v, units[u]);
}

DiskSpace::DiskSpace(std::string dir, const DiskSpaceOptions& options)
    : dir_(std::move(dir)), options_(options) {}

absl::StatusOr<std::unique_ptr<DiskSpace>> DiskSpace::Open(const std::string& dir,
                                                           const DiskSpaceOptions& options) {
  std::unique_ptr<DiskSpace> d(new DiskSpace(dir, options));
  if (!d->Measure()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "storage.data_dir ", dir, ": cannot measure free space: ", std::strerror(errno)));
  }
  std::error_code ec;
  d->reserve_held_ = std::filesystem::exists(dir + "/" + kReserveFile, ec);
  const uint64_t free = d->free_.load();
  if (free < options.min_free_bytes) {
    d->low_ = true;
    log::Warn("disk space low at start; new data will be refused until space is freed",
              {{"data_dir", dir},
               {"free", HumanBytes(free)},
               {"min_free", HumanBytes(options.min_free_bytes)}});
    d->ReleaseReserve("so that the store can open and serve reads");
  } else {
    d->Check();
  }
  return d;
}

bool DiskSpace::Measure() {
  struct statvfs st;
  if (statvfs(dir_.c_str(), &st) != 0) return false;
  free_ = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  measured_at_ns_ = absl::GetCurrentTimeNanos();
  return true;
}

std::string DiskSpace::Describe(uint64_t free, uint64_t threshold, const char* key) const {
  return absl::StrCat("disk space low: ", HumanBytes(free), " free under ", dir_, ", below ", key,
                      " (", HumanBytes(threshold), "); writes are refused until space is freed");
}

absl::Status DiskSpace::Admit(WriteClass c) {
  if (absl::GetCurrentTimeNanos() - measured_at_ns_.load() > kRemeasureNs) Measure();
  const uint64_t free = free_.load();
  const uint64_t floor =
      c == WriteClass::kNew ? options_.min_free_bytes : options_.min_free_bytes / 2;
  if (free >= floor && !(c == WriteClass::kNew && low_.load())) return absl::OkStatus();
  if (c == WriteClass::kNew) low_ = true;
  ++refused_;
  return absl::UnavailableError(absl::StrCat(
      Describe(free, floor,
               c == WriteClass::kNew ? "storage.min_free_bytes" : "half of storage.min_free_bytes"),
      "; retry later"));
}

void DiskSpace::Check() {
  if (!Measure()) {
    log::Warn("cannot measure free disk space", {{"data_dir", dir_}, {"error", strerror(errno)}});
    return;
  }
  const uint64_t free = free_.load();
  if (free < options_.min_free_bytes / 2) ReleaseReserve("to give the store room to finish");
  if (free < options_.min_free_bytes) {
    if (!low_.exchange(true)) {
      log::Warn("disk space low; new data refused until space is freed",
                {{"data_dir", dir_},
                 {"free", HumanBytes(free)},
                 {"min_free", HumanBytes(options_.min_free_bytes)}});
    }
    return;
  }
  std::function<void()> back;
  {
    std::lock_guard<std::mutex> lock(mu_);
    back = on_space_back_;
  }
  // Hysteresis: space counts as back once the reserve fits on top of the threshold.
  const bool reserve_fits = free >= options_.min_free_bytes + options_.reserve_bytes;
  if (low_.load() && (reserve_fits || options_.reserve_bytes == 0 || reserve_held_)) {
    low_ = false;
    log::Info("disk space back; writes accepted again",
              {{"data_dir", dir_}, {"free", HumanBytes(free)}});
    if (back) back();
  }
  if (!low_.load() && reserve_fits) HoldReserve();
}

void DiskSpace::HoldReserve() {
  std::lock_guard<std::mutex> lock(mu_);
  if (reserve_held_ || options_.reserve_bytes == 0) return;
  const std::string path = dir_ + "/" + kReserveFile;
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  const int err = posix_fallocate(fd, 0, static_cast<off_t>(options_.reserve_bytes));
  close(fd);
  if (err != 0) {
    unlink(path.c_str());
    return;
  }
  reserve_held_ = true;
  Measure();
}

void DiskSpace::ReleaseReserve(const char* why) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!reserve_held_) return;
  const std::string path = dir_ + "/" + kReserveFile;
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return;
  reserve_held_ = false;
  log::Warn("released the disk space reserve",
            {{"file", path}, {"bytes", HumanBytes(options_.reserve_bytes)}, {"why", why}});
  Measure();
}

void DiskSpace::set_on_space_back(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  on_space_back_ = std::move(fn);
}

std::string DiskSpace::LowReason() {
  if (!low_.load()) return "";
  return Describe(free_.load(), options_.min_free_bytes, "storage.min_free_bytes");
}

DiskSpaceStats DiskSpace::Stats() {
  std::lock_guard<std::mutex> lock(mu_);
  return {free_.load(), low_.load(), reserve_held_, refused_.load()};
}

}  // namespace redflag

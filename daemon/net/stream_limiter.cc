#include "daemon/net/stream_limiter.h"

#include <pthread.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "daemon/log/log.h"

namespace redflag {

StreamLimiter::StreamLimiter(uint32_t max_streams, absl::Duration idle_timeout)
    : max_streams_(max_streams), idle_timeout_(idle_timeout) {
  watchdog_ = std::thread([this] { Watch(); });
  pthread_setname_np(watchdog_.native_handle(), "rf-streams");
}

StreamLimiter::~StreamLimiter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  watchdog_.join();
}

absl::StatusOr<std::unique_ptr<StreamLimiter::Slot>> StreamLimiter::Acquire(
    grpc::ServerContext* context, const char* method, bool idle_ends_it) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return absl::UnavailableError("redflagd is shutting down; retry later");
  if (open_.size() >= max_streams_) {
    ++refused_;
    return absl::ResourceExhaustedError(
        absl::StrCat(method, ": ", open_.size(), " streams are open, the most grpc.max_streams (",
                     max_streams_, ") allows; retry later or use unary calls"));
  }
  open_.push_front({context, idle_ends_it, absl::Now()});
  return std::unique_ptr<Slot>(new Slot(*this, open_.begin()));
}

StreamLimiter::Slot::~Slot() {
  std::lock_guard<std::mutex> lock(owner_.mu_);
  owner_.open_.erase(it_);
}

void StreamLimiter::Slot::Touch() {
  std::lock_guard<std::mutex> lock(owner_.mu_);
  it_->last_touch = absl::Now();
}

void StreamLimiter::CancelAll() {
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = true;
  for (Open& o : open_) o.context->TryCancel();
  cv_.notify_all();
}

void StreamLimiter::Watch() {
  std::unique_lock<std::mutex> lock(mu_);
  const absl::Duration tick = std::min(idle_timeout_ / 4, absl::Seconds(1));
  while (!stopping_) {
    cv_.wait_for(lock, absl::ToChronoMilliseconds(tick));
    const absl::Time now = absl::Now();
    for (Open& o : open_) {
      if (!o.idle_ends_it || now - o.last_touch < idle_timeout_) continue;
      o.last_touch = absl::InfiniteFuture();  // cancelled once
      o.context->TryCancel();
      ++idle_closed_;
      log::Info("idle stream closed",
                {{"peer", o.context->peer()}, {"idle_for", absl::FormatDuration(idle_timeout_)}});
    }
  }
}

uint32_t StreamLimiter::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<uint32_t>(open_.size());
}

uint64_t StreamLimiter::refused() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refused_;
}

uint64_t StreamLimiter::idle_closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return idle_closed_;
}

}  // namespace redflag

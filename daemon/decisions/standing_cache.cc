#include "daemon/decisions/standing_cache.h"

#include <utility>

namespace redflag {

StandingCache::Kept StandingCache::Find(const std::string& customer_id, absl::CivilDay day) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(customer_id);
  if (it == entries_.end() || !it->second.ready || it->second.day != day) return nullptr;
  return it->second.standing;
}

StandingCache::Ticket StandingCache::Begin(const std::string& customer_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= capacity_ && !entries_.contains(customer_id)) entries_.clear();
  // The entry exists from now on, so a Forget during the read marks it.
  const Entry& e = entries_[customer_id];
  return {.epoch = epoch_, .generation = e.generation};
}

void StandingCache::Keep(const std::string& customer_id, Ticket ticket, absl::CivilDay day,
                         Kept standing) {
  std::lock_guard<std::mutex> lock(mu_);
  if (ticket.epoch != epoch_) return;
  auto it = entries_.find(customer_id);
  // Gone: cleared for room, and a Forget since then would not have been seen.
  if (it == entries_.end() || it->second.generation != ticket.generation) return;
  it->second.ready = true;
  it->second.day = day;
  it->second.standing = std::move(standing);
}

void StandingCache::Forget(const std::string& customer_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(customer_id);
  if (it == entries_.end()) return;
  ++it->second.generation;
  it->second.ready = false;
  it->second.standing.reset();
}

void StandingCache::ForgetAll() {
  std::lock_guard<std::mutex> lock(mu_);
  ++epoch_;
  entries_.clear();
}

size_t StandingCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace redflag

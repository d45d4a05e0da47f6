// The restricted-party lists in use: loaded from the files the config names,
// re-read when a file changes (checked on a timer, or at once on SIGHUP), and
// swapped in whole. A new version that fails to read, holds no entries, too
// many unreadable rows or far fewer entries than the version in use is
// refused: the version in use stays, and the refusal is logged and counted.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/string_view.h"
#include "daemon/config/config.h"
#include "detectors/screening/screening_index.h"

namespace redflag {

// One version of one list, immutable once loaded.
struct LoadedList {
  std::string name;                // "csl" or "ofac_sdn"
  std::vector<std::string> files;  // as read
  std::string sha256;              // of the files' bytes, in order
  int64_t file_mtime_unix = 0;     // newest modification time of the files
  // How recent the list is, and from what evidence (list_date.h).
  int64_t published_unix = 0;
  std::string published_source;
  int64_t loaded_unix = 0;
  std::unique_ptr<screening::ScreeningIndex> index;
};

struct ListHit {
  std::shared_ptr<const LoadedList> list;  // keeps `hit.entry` alive
  screening::Hit hit;
};

struct ListContactHit {
  std::shared_ptr<const LoadedList> list;  // keeps `hit.entry` alive
  screening::ContactHit hit;
};

struct ListStatus {
  std::string name;
  std::vector<std::string> files;
  std::shared_ptr<const LoadedList> in_use;  // null until a version loads
  // The last attempt that did not produce the version in use; empty after a
  // successful load.
  std::string last_error;
  uint64_t loads = 0, refusals = 0;
};

class PartyLists {
 public:
  explicit PartyLists(ScreeningConfig config);
  ~PartyLists();

  // Reads every list whose files changed since the version in use or the last
  // refusal (every list with `force`). Returns the names of lists that now
  // have a new version.
  std::vector<std::string> Refresh(bool force);

  // The versions in use now, so that every name of one profile is screened
  // against the same versions.
  using Snapshot = std::vector<std::shared_ptr<const LoadedList>>;
  Snapshot InUse() const;

  // Hits on every list in `lists` (by default those in use), best first.
  std::vector<ListHit> Screen(absl::string_view name, absl::string_view country,
                              const Snapshot& lists) const;
  std::vector<ListHit> Screen(absl::string_view name, absl::string_view country) const {
    return Screen(name, country, InUse());
  }

  // Entries of `lists` giving this contact: `kind` "address", "phone" or
  // "web domain" (a domain, URL or e-mail address).
  std::vector<ListContactHit> ScreenContact(absl::string_view kind, absl::string_view value,
                                            const Snapshot& lists) const;

  std::vector<ListStatus> Status() const;
  // Names screened and hits found since start.
  uint64_t screenings() const { return screenings_.load(); }
  uint64_t hits() const { return hits_.load(); }
  bool configured() const { return !sources_.empty(); }

  // On a thread of its own: calls `on_change` with the lists in use, then
  // refreshes every reload_check_interval, and at once after RequestReload
  // (SIGHUP), calling `on_change` with the names of lists that changed.
  void Start(std::function<void(const std::vector<std::string>&)> on_change);
  void RequestReload();

 private:
  struct Source {
    std::string name;
    std::vector<std::string> files;  // the first is the one configured
    std::string seen;                // size and mtime of the files last read
    ListStatus status;
  };
  // Loads one source's files; an error says why the version is refused.
  // `in_use`: the entries of the version in use (0 if none).
  absl::StatusOr<std::shared_ptr<const LoadedList>> Load(const Source& source, size_t in_use) const;

  const ScreeningConfig config_;
  mutable std::mutex mu_;  // guards sources_' status and seen
  std::vector<Source> sources_;
  std::mutex refresh_mu_;  // one refresh at a time
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool reload_requested_ = false;
  bool stop_ = false;
  std::thread thread_;
  mutable std::atomic<uint64_t> screenings_{0}, hits_{0};
};

}  // namespace redflag

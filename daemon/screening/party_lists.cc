#include "daemon/screening/party_lists.h"

#include <pthread.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "daemon/log/log.h"
#include "daemon/screening/list_date.h"
#include "daemon/util/sha256.h"
#include "detectors/screening/csl_parser.h"
#include "detectors/screening/ofac_parser.h"

namespace redflag {
namespace {

// Bad rows logged one by one per load; the rest are counted.
constexpr size_t kProblemsLogged = 20;

// ICU transliterators keep state: one normaliser per thread.
screening::NameNormalizer* ThreadNormalizer() {
  thread_local std::unique_ptr<screening::NameNormalizer> normalizer = [] {
    absl::StatusOr<std::unique_ptr<screening::NameNormalizer>> n =
        screening::NameNormalizer::Create();
    if (!n.ok()) log::Error("name normaliser unavailable", {{"error", n.status().ToString()}});
    return n.ok() ? std::move(*n) : nullptr;
  }();
  return normalizer.get();
}

// Size and modification time of each file: what tells a new version.
std::string Signature(const std::vector<std::string>& files, int64_t* newest_mtime) {
  std::string sig;
  *newest_mtime = 0;
  for (const std::string& f : files) {
    struct stat st;
    if (stat(f.c_str(), &st) != 0) {
      sig += "missing;";
      continue;
    }
    absl::StrAppend(&sig, st.st_size, ":", st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec, ";");
    *newest_mtime = std::max<int64_t>(*newest_mtime, st.st_mtim.tv_sec);
  }
  return sig;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read"));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

PartyLists::PartyLists(ScreeningConfig config) : config_(std::move(config)) {
  if (!config_.csl_file.empty()) {
    sources_.push_back({"csl", {config_.csl_file}, "", {}});
  }
  if (!config_.ofac_sdn_file.empty()) {
    const std::filesystem::path dir = std::filesystem::path(config_.ofac_sdn_file).parent_path();
    sources_.push_back(
        {"ofac_sdn",
         {config_.ofac_sdn_file, (dir / "add.csv").string(), (dir / "alt.csv").string()},
         "",
         {}});
  }
  for (Source& s : sources_) {
    s.status.name = s.name;
    s.status.files = s.files;
  }
}

PartyLists::~PartyLists() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<std::shared_ptr<const LoadedList>> PartyLists::Load(const Source& source,
                                                                   size_t in_use) const {
  std::vector<std::string> texts;
  for (const std::string& f : source.files) {
    absl::StatusOr<std::string> t = ReadFile(f);
    if (!t.ok()) return t.status();
    texts.push_back(std::move(*t));
  }
  absl::StatusOr<screening::PartyList> list =
      source.name == "csl" ? screening::ParseCsl(texts[0])
                           : screening::ParseOfac(texts[0], texts[1], texts[2]);
  if (!list.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source.files[0], ": ", list.status().message()));
  }
  const size_t good = list->entries.size(), bad = list->problems.size();
  for (size_t i = 0; i < bad && i < kProblemsLogged; ++i) {
    const screening::RowProblem& p = list->problems[i];
    log::Warn("list row skipped", {{"list", source.name},
                                   {"file", p.file.empty() ? source.files[0] : p.file},
                                   {"line", absl::StrCat(p.line)},
                                   {"problem", p.message}});
  }
  if (bad > kProblemsLogged) {
    log::Warn("list rows skipped",
              {{"list", source.name}, {"more", absl::StrCat(bad - kProblemsLogged)}});
  }
  if (list->orphan_rows > 0) {
    const screening::RowProblem& first = list->orphans.front();
    log::Warn("list rows of unlisted parties skipped",
              {{"list", source.name},
               {"orphan_rows", absl::StrCat(list->orphan_rows)},
               {"first", absl::StrCat(first.file, ":", first.line, ": ", first.message)},
               {"hint", "the list's files are of different dates; fetch them together"}});
  }
  if (good == 0) {
    return absl::InvalidArgumentError(absl::StrCat(source.files[0], ": no entries"));
  }
  if (static_cast<double>(bad) > config_.max_bad_row_fraction * static_cast<double>(good + bad)) {
    return absl::InvalidArgumentError(
        absl::StrCat(source.files[0], ": ", bad, " of ", good + bad,
                     " rows unreadable, more than screening.max_bad_row_fraction ",
                     config_.max_bad_row_fraction));
  }
  if (static_cast<double>(good) < config_.min_kept_fraction * static_cast<double>(in_use)) {
    return absl::InvalidArgumentError(absl::StrCat(
        source.files[0], ": ", good, " entries, fewer than screening.min_kept_fraction ",
        config_.min_kept_fraction, " of the ", in_use, " in use (a file cut short?)"));
  }
  screening::NameNormalizer* normalizer = ThreadNormalizer();
  if (normalizer == nullptr) return absl::InternalError("name normaliser unavailable (ICU)");
  auto loaded = std::make_shared<LoadedList>();
  loaded->name = source.name;
  loaded->files = source.files;
  std::string all;
  for (const std::string& t : texts) all += t;
  loaded->sha256 = Sha256Hex(all);
  Signature(source.files, &loaded->file_mtime_unix);
  const ListDate date =
      DateOfList(source.files[0], list->newest_entry_date, loaded->file_mtime_unix, absl::Now());
  if (!date.problem.empty()) {
    log::Warn("list date file unreadable; the list loads, dated otherwise",
              {{"list", source.name}, {"error", date.problem}, {"dated_by", date.source}});
  }
  loaded->published_unix = date.unix_seconds;
  loaded->published_source = date.source;
  loaded->loaded_unix = absl::ToUnixSeconds(absl::Now());
  loaded->index = screening::ScreeningIndex::Build(std::move(*list), *normalizer);
  return std::shared_ptr<const LoadedList>(std::move(loaded));
}

std::vector<std::string> PartyLists::Refresh(bool force) {
  std::lock_guard<std::mutex> refresh(refresh_mu_);
  std::vector<std::string> changed;
  for (Source& source : sources_) {
    int64_t mtime = 0;
    const std::string sig = Signature(source.files, &mtime);
    size_t in_use = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!force && sig == source.seen) continue;
      if (source.status.in_use) in_use = source.status.in_use->index->entries().size();
    }
    absl::StatusOr<std::shared_ptr<const LoadedList>> loaded = Load(source, in_use);
    std::lock_guard<std::mutex> lock(mu_);
    source.seen = sig;
    if (!loaded.ok()) {
      ++source.status.refusals;
      source.status.last_error = std::string(loaded.status().message());
      log::Error(source.status.in_use ? "list refused; the version in use stays"
                                      : "list refused; none in use",
                 {{"list", source.name}, {"error", source.status.last_error}});
      continue;
    }
    if (source.status.in_use && source.status.in_use->sha256 == (*loaded)->sha256) {
      source.status.last_error.clear();
      continue;  // touched, not changed
    }
    ++source.status.loads;
    source.status.last_error.clear();
    source.status.in_use = *loaded;
    const screening::ScreeningIndex& index = *(*loaded)->index;
    log::Info("list loaded",
              {{"list", source.name},
               {"file", source.files[0]},
               {"entries", absl::StrCat(index.entries().size())},
               {"names", absl::StrCat(index.name_count())},
               {"bad_rows", absl::StrCat(index.problems().size())},
               {"orphan_rows", absl::StrCat(index.orphan_rows())},
               {"published",
                absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds((*loaded)->published_unix),
                                 absl::UTCTimeZone())},
               {"dated_by", (*loaded)->published_source},
               {"sha256", (*loaded)->sha256}});
    changed.push_back(source.name);
  }
  return changed;
}

PartyLists::Snapshot PartyLists::InUse() const {
  Snapshot lists;
  std::lock_guard<std::mutex> lock(mu_);
  for (const Source& s : sources_) {
    if (s.status.in_use) lists.push_back(s.status.in_use);
  }
  return lists;
}

std::vector<ListHit> PartyLists::Screen(absl::string_view name, absl::string_view country,
                                        const Snapshot& lists) const {
  std::vector<ListHit> hits;
  screening::NameNormalizer* normalizer = ThreadNormalizer();
  if (lists.empty() || normalizer == nullptr) return hits;
  const screening::NormalizedName query = normalizer->Normalize(name);
  screening::ScreeningOptions options;
  options.threshold = config_.threshold;
  options.country_boost = config_.country_boost;
  for (const auto& list : lists) {
    for (screening::Hit& h : list->index->Screen(query, country, options)) {
      hits.push_back({list, std::move(h)});
    }
  }
  screenings_.fetch_add(1);
  hits_.fetch_add(hits.size());
  std::stable_sort(hits.begin(), hits.end(),
                   [](const ListHit& a, const ListHit& b) { return a.hit.score > b.hit.score; });
  return hits;
}

std::vector<ListContactHit> PartyLists::ScreenContact(absl::string_view kind,
                                                      absl::string_view value,
                                                      const Snapshot& lists) const {
  std::vector<ListContactHit> hits;
  for (const auto& list : lists) {
    const screening::ScreeningIndex& index = *list->index;
    std::vector<screening::ContactHit> found = kind == "address" ? index.ScreenAddress(value)
                                               : kind == "phone" ? index.ScreenPhone(value)
                                                                 : index.ScreenDomain(value);
    for (screening::ContactHit& h : found) hits.push_back({list, std::move(h)});
  }
  return hits;
}

std::vector<ListStatus> PartyLists::Status() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ListStatus> out;
  for (const Source& s : sources_) out.push_back(s.status);
  return out;
}

void PartyLists::Start(std::function<void(const std::vector<std::string>&)> on_change) {
  std::vector<std::string> in_use;
  for (const ListStatus& s : Status()) {
    if (s.in_use) in_use.push_back(s.name);
  }
  thread_ = std::thread([this, on_change = std::move(on_change), in_use] {
    pthread_setname_np(pthread_self(), "rf-lists");
    if (!in_use.empty()) on_change(in_use);
    std::unique_lock<std::mutex> lock(wake_mu_);
    for (;;) {
      wake_.wait_for(lock, absl::ToChronoSeconds(config_.reload_check_interval),
                     [this] { return stop_ || reload_requested_; });
      if (stop_) return;
      const bool force = reload_requested_;
      reload_requested_ = false;
      lock.unlock();
      std::vector<std::string> changed = Refresh(force);
      if (!changed.empty()) on_change(changed);
      lock.lock();
    }
  });
}

void PartyLists::RequestReload() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    reload_requested_ = true;
  }
  wake_.notify_all();
}

}  // namespace redflag

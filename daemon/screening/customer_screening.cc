#include "daemon/screening/customer_screening.h"

#include <algorithm>
#include <map>

#include "absl/base/internal/endian.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "daemon/log/log.h"
#include "daemon/screening/screening_proto.h"
#include "detectors/owner_shares.h"

namespace redflag {
namespace {

void Add(std::vector<NameToScreen>& out, std::string field, const std::string& name,
         const std::string& country) {
  if (!name.empty()) out.push_back({std::move(field), name, country});
}

// One alert per listed entry a customer's names hit, with the best finding's
// evidence.
v1::Alert RestrictedPartyAlert(const std::string& customer_id, const std::string& entry_key,
                               const v1::ScreeningFinding& f) {
  const v1::ScreeningHit& h = f.hit();
  v1::Alert a = NewAlert("restricted_party", "customer", customer_id, entry_key);
  a.set_customer_id(customer_id);
  a.set_level(h.exact() ? "exact" : "possible");
  a.set_severity(h.exact() ? v1::SEVERITY_CRITICAL : v1::SEVERITY_HIGH);
  a.set_summary(absl::StrFormat(
      "customer %s: %s \"%s\" %s \"%s\" on %s (%s) entry %s, score %.2f%s", customer_id, f.field(),
      f.screened_name(), h.exact() ? "is listed as" : "may be listed as", h.matched_name(),
      h.source_code(), h.list(), h.entry_id(), h.score(), h.exact() ? "" : ": review"));
  AddEvidence(a, "field", f.field());
  AddEvidence(a, "screened_name", f.screened_name());
  AddEvidence(a, "matched_name", h.matched_name());
  AddEvidence(a, "listed_name", h.listed_name());
  AddEvidence(a, "list", h.list());
  AddEvidence(a, "source", h.source());
  AddEvidence(a, "entry_id", h.entry_id());
  AddEvidence(a, "entry_type", h.entry_type());
  AddEvidence(a, "programs", h.programs());
  AddEvidence(a, "entry_countries", absl::StrJoin(h.entry_countries(), " "));
  AddEvidence(a, "score", absl::StrFormat("%.3f", h.score()));
  AddEvidence(a, "reason", h.reason());
  AddEvidence(a, "source_url", h.source_url());
  AddEvidence(a, "list_sha256", h.list_sha256());
  return a;
}

}  // namespace

std::vector<NameToScreen> NamesToScreen(const v1::CustomerProfile& p) {
  std::vector<NameToScreen> out;
  Add(out, "legal_name", p.legal_name(), p.headquarters_country());
  for (int i = 0; i < p.aliases_size(); ++i) {
    Add(out, absl::StrCat("aliases[", i, "]"), p.aliases(i), p.headquarters_country());
  }
  Add(out, "ultimate_parent_name", p.ultimate_parent_name(), p.ultimate_parent_country());
  for (int i = 0; i < p.ownership_chain_size(); ++i) {
    const v1::OwnershipLink& l = p.ownership_chain(i);
    Add(out, absl::StrCat("ownership_chain[", i, "].owner_name"), l.owner_name(),
        l.owner_country());
  }
  for (int i = 0; i < p.beneficial_owners_size(); ++i) {
    const v1::Person& b = p.beneficial_owners(i);
    Add(out, absl::StrCat("beneficial_owners[", i, "].name"), b.name(), b.nationality());
  }
  for (int i = 0; i < p.officers_size(); ++i) {
    const v1::Person& o = p.officers(i);
    Add(out, absl::StrCat("officers[", i, "].name"), o.name(), o.nationality());
  }
  return out;
}

absl::StatusOr<std::vector<v1::ScreeningFinding>> CustomerScreening::Screen(
    const v1::Customer& customer, absl::Time now, absl::string_view trigger) {
  const v1::CustomerProfile& profile = customer.profile();
  const PartyLists::Snapshot lists = lists_.InUse();
  const std::vector<NameToScreen> names = NamesToScreen(profile);
  std::vector<v1::ScreeningFinding> findings;
  // One alert per listed entry: its best-scoring name of the profile.
  std::map<std::string, size_t> best_of_entry;
  for (const NameToScreen& n : names) {
    for (const ListHit& h : lists_.Screen(n.name, n.country, lists)) {
      v1::ScreeningFinding f;
      f.set_field(n.field);
      f.set_screened_name(n.name);
      *f.mutable_hit() = ToProto(h);
      const std::string key =
          absl::StrCat(h.list->name, "/", h.hit.entry->source_code, "/", h.hit.entry->id);
      auto [it, fresh] = best_of_entry.emplace(key, findings.size());
      if (!fresh && findings[it->second].hit().score() < f.hit().score())
        it->second = findings.size();
      findings.push_back(std::move(f));
    }
  }
  for (const auto& [key, i] : best_of_entry) {
    v1::Alert a = RestrictedPartyAlert(profile.customer_id(), key, findings[i]);
    if (absl::Status s = recorder_.Record(std::move(a), now, true); !s.ok()) return s;
  }
  if (absl::Status s = JudgeOwnership(profile, findings, now); !s.ok()) return s;
  // R11: the profile's contacts against the lists, and against customers the
  // lists now name by their own names.
  std::string listed_as;
  for (const v1::ScreeningFinding& f : findings) {
    const bool own_name = f.field() == "legal_name" || absl::StartsWith(f.field(), "aliases[");
    if (!own_name || !f.hit().exact()) continue;
    listed_as = absl::StrFormat("is listed as %s (%s %s entry %s)", f.hit().matched_name(),
                                f.hit().list(), f.hit().source_code(), f.hit().entry_id());
    break;
  }
  overlap_.NoteListed(profile, listed_as);
  if (absl::Status s = overlap_.JudgeContacts(profile, lists_, lists, now); !s.ok()) return s;
  // ScreenAll judges everyone against listed customers once all are screened.
  if (trigger == "upsert") {
    if (absl::Status s = overlap_.JudgeAgainstListedCustomers(profile, now); !s.ok()) return s;
  }

  v1::ScreeningRecord record;
  record.set_customer_id(profile.customer_id());
  record.set_profile_version(customer.version());
  record.set_screened_unix_ms(absl::ToUnixMillis(now));
  record.set_trigger(std::string(trigger));
  for (const auto& l : lists) {
    v1::ListVersion* v = record.add_lists();
    v->set_list(l->name);
    v->set_sha256(l->sha256);
    v->set_entries(l->index->entries().size());
    v->set_file_mtime_unix_ms(l->file_mtime_unix * 1000);
    v->set_published_unix_ms(l->published_unix * 1000);
  }
  record.set_names_screened(static_cast<uint32_t>(names.size()));
  record.set_findings(static_cast<uint32_t>(findings.size()));
  record.set_entries_hit(static_cast<uint32_t>(best_of_entry.size()));
  std::string key = profile.customer_id();
  key.push_back('\0');
  char be[12];
  absl::big_endian::Store64(be, static_cast<uint64_t>(record.screened_unix_ms()));
  absl::big_endian::Store32(be + 8, sequence_.fetch_add(1));
  key.append(be, sizeof(be));
  std::unique_ptr<WriteBatch> batch = store_.NewBatch();
  batch->Put(Domain::kScreenings, key, record.SerializeAsString());
  if (absl::Status s = store_.Write(*batch, sync_); !s.ok()) return s;
  return findings;
}

absl::StatusOr<std::vector<v1::ScreeningRecord>> CustomerScreening::Records(
    const std::string& customer_id, size_t limit) {
  std::string prefix = customer_id;
  prefix.push_back('\0');
  std::vector<v1::ScreeningRecord> all;
  absl::Status s =
      ScanMessages<v1::ScreeningRecord>(store_, Domain::kScreenings, prefix, "",
                                        [&](absl::string_view, const v1::ScreeningRecord& r) {
                                          all.push_back(r);
                                          return true;
                                        });
  if (!s.ok()) return s;
  std::reverse(all.begin(), all.end());
  if (all.size() > limit) all.resize(limit);
  return all;
}

absl::Status CustomerScreening::JudgeOwnership(const v1::CustomerProfile& profile,
                                               const std::vector<v1::ScreeningFinding>& findings,
                                               absl::Time now) {
  // The best hit per field on a list whose 50 % rule applies.
  std::map<std::string, const v1::ScreeningFinding*> listed;
  for (const v1::ScreeningFinding& f : findings) {
    const std::string& code = f.hit().source_code();
    const bool counts = code == "SDN" || (affiliates_rule_ && (code == "EL" || code == "MEU"));
    if (!counts) continue;
    const v1::ScreeningFinding*& best = listed[f.field()];
    if (best == nullptr || best->hit().score() < f.hit().score()) best = &f;
  }
  double share = 0;
  bool all_exact = true;
  std::vector<std::string> owners, unknown;
  for (const detectors::OwnerShare& o : detectors::OwnerShares(profile)) {
    auto it = listed.find(o.field);
    if (it == listed.end()) continue;
    const v1::ScreeningHit& h = it->second->hit();
    const std::string who = absl::StrFormat("%s (%s %s entry %s, score %.2f)", o.name, h.list(),
                                            h.source_code(), h.entry_id(), h.score());
    if (!o.known) {
      unknown.push_back(absl::StrCat(o.field, ": ", who));
      continue;
    }
    share += o.percent;
    all_exact = all_exact && h.exact();
    owners.push_back(absl::StrFormat("%s: %g%% %s", o.field, o.percent, who));
  }
  const std::string& id = profile.customer_id();
  if (share >= 50) {
    v1::Alert a = NewAlert("listed_ownership", "customer", id, "50_percent");
    a.set_customer_id(id);
    a.set_level("50_percent");
    a.set_severity(all_exact ? v1::SEVERITY_CRITICAL : v1::SEVERITY_HIGH);
    a.set_summary(absl::StrFormat(
        "customer %s is %g%% owned by listed parties: it counts as listed under the 50 %% rules%s",
        id, share, all_exact ? "" : " if the possible matches are confirmed"));
    AddEvidence(a, "listed_owners", absl::StrJoin(owners, "; "));
    AddEvidence(a, "share_percent", absl::StrFormat("%g", share));
    AddEvidence(a, "basis",
                affiliates_rule_ ? "OFAC 50 % rule (SDN); BIS affiliates rule (Entity List, MEU)"
                                 : "OFAC 50 % rule (SDN)");
    return recorder_.Record(std::move(a), now, true);
  }
  if (!unknown.empty()) {
    v1::Alert a = NewAlert("listed_ownership", "customer", id, "share_unknown");
    a.set_customer_id(id);
    a.set_level("share_unknown");
    a.set_severity(v1::SEVERITY_HIGH);
    a.set_summary(absl::StrCat("customer ", id,
                               " has listed owners whose share is not stated: hold until the "
                               "ownership is known (the 50 % rules may make it listed)"));
    AddEvidence(a, "owners_share_unknown", absl::StrJoin(unknown, "; "));
    AddEvidence(a, "listed_owners_known_share", absl::StrJoin(owners, "; "));
    AddEvidence(a, "share_percent_known", absl::StrFormat("%g", share));
    return recorder_.Record(std::move(a), now, true);
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> CustomerScreening::ScreenAll(absl::Time now, absl::string_view trigger) {
  // Read first, screen after: screening writes, which must not happen inside
  // the store's scan.
  std::vector<v1::Customer> all;
  absl::Status s = customers_.ForEach([&](const v1::Customer& c) {
    all.push_back(c);
    return true;
  });
  if (!s.ok()) return s;
  for (const v1::Customer& c : all) {
    absl::StatusOr<std::vector<v1::ScreeningFinding>> f = Screen(c, now, trigger);
    if (!f.ok()) return f.status();
  }
  // Customers screened before a listed one did not know it yet.
  for (const v1::Customer& c : all) {
    if (absl::Status s = overlap_.JudgeAgainstListedCustomers(c.profile(), now); !s.ok()) return s;
  }
  return all.size();
}

}  // namespace redflag

#include "daemon/screening/entity_overlap.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "detectors/screening/contacts.h"

namespace redflag {
namespace {

struct Contact {
  std::string field;  // "addresses[0]"
  std::string kind;   // "address", "phone", "web domain"
  std::string value;
};

std::vector<Contact> ContactsOf(const v1::CustomerProfile& p) {
  std::vector<Contact> out;
  for (int i = 0; i < p.addresses_size(); ++i) {
    out.push_back({absl::StrCat("addresses[", i, "]"), "address", p.addresses(i)});
  }
  for (int i = 0; i < p.contact_phones_size(); ++i) {
    out.push_back({absl::StrCat("contact_phones[", i, "]"), "phone", p.contact_phones(i)});
  }
  for (int i = 0; i < p.contact_domains_size(); ++i) {
    out.push_back({absl::StrCat("contact_domains[", i, "]"), "web domain", p.contact_domains(i)});
  }
  for (int i = 0; i < p.contact_emails_size(); ++i) {
    out.push_back({absl::StrCat("contact_emails[", i, "]"), "web domain", p.contact_emails(i)});
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> OverlapKeys(const v1::CustomerProfile& p) {
  std::map<std::string, std::string> keys;  // key -> the profile's value
  for (const Contact& c : ContactsOf(p)) {
    std::string key;
    if (c.kind == "phone") {
      key = screening::PhoneKey(c.value);
      if (!key.empty()) key = "phone:" + key;
    } else if (c.kind == "web domain") {
      key = screening::DomainOf(c.value);
      if (!key.empty()) key = "domain:" + key;
    } else {
      const std::vector<std::string> words = screening::AddressWords(c.value);
      if (words.size() >= 3) key = "address:" + absl::StrJoin(words, " ");
    }
    if (!key.empty()) keys.emplace(key, absl::StrCat(c.field, " ", c.value));
  }
  for (int i = 0; i < p.officers_size(); ++i) {
    std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(p.officers(i).name()));
    if (name.size() >= 5) {
      keys.emplace("officer:" + name,
                   absl::StrCat("officers[", i, "].name ", p.officers(i).name()));
    }
  }
  return keys;
}

absl::Status EntityOverlap::JudgeContacts(const v1::CustomerProfile& p, const PartyLists& lists,
                                          const PartyLists::Snapshot& in_use, absl::Time now) {
  for (const Contact& c : ContactsOf(p)) {
    for (const ListContactHit& h : lists.ScreenContact(c.kind, c.value, in_use)) {
      const screening::ListEntry& e = *h.hit.entry;
      v1::Alert a = NewAlert("entity_overlap", "customer", p.customer_id(),
                             absl::StrCat(h.list->name, "/", e.source_code, "/", e.id, "/",
                                          c.kind == "web domain" ? "domain" : c.kind));
      a.set_customer_id(p.customer_id());
      a.set_level(c.kind == "web domain" ? "domain" : c.kind);
      a.set_severity(v1::SEVERITY_HIGH);
      a.set_summary(absl::StrFormat(
          "customer %s: %s \"%s\" is the %s of %s entry %s (%s) on %s: a listed party's "
          "contact details, review whether the customer is that party",
          p.customer_id(), c.field, c.value, c.kind, e.source_code, e.id, e.name, h.list->name));
      AddEvidence(a, "field", c.field);
      AddEvidence(a, "customer_value", c.value);
      AddEvidence(a, "listed_value", h.hit.listed);
      if (c.kind == "address") AddEvidence(a, "similarity", absl::StrFormat("%.2f", h.hit.score));
      AddEvidence(a, "listed_name", e.name);
      AddEvidence(a, "list", h.list->name);
      AddEvidence(a, "entry", absl::StrCat(e.source_code, " entry ", e.id));
      AddEvidence(a, "list_sha256", h.list->sha256);
      if (!e.source_url.empty()) AddEvidence(a, "source_url", e.source_url);
      if (absl::Status s = recorder_.Record(std::move(a), now, true); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

void EntityOverlap::NoteListed(const v1::CustomerProfile& p, const std::string& listed_as) {
  std::lock_guard<std::mutex> lock(mu_);
  if (listed_as.empty()) {
    listed_.erase(p.customer_id());
  } else {
    listed_[p.customer_id()] = {listed_as, OverlapKeys(p)};
  }
}

absl::Status EntityOverlap::JudgeAgainstListedCustomers(const v1::CustomerProfile& p,
                                                        absl::Time now) {
  const std::map<std::string, std::string> mine = OverlapKeys(p);
  std::vector<v1::Alert> alerts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [other, listed] : listed_) {
      if (other == p.customer_id()) continue;
      std::vector<std::string> shared;
      for (const auto& [key, theirs] : listed.second) {
        auto it = mine.find(key);
        if (it != mine.end()) shared.push_back(absl::StrCat(it->second, " = ", theirs));
      }
      if (shared.empty()) continue;
      v1::Alert a =
          NewAlert("entity_overlap", "customer", p.customer_id(), absl::StrCat("customer/", other));
      a.set_customer_id(p.customer_id());
      a.set_level("listed_customer");
      a.set_severity(v1::SEVERITY_HIGH);
      a.set_summary(absl::StrFormat(
          "customer %s shares %d contact detail(s) or officer(s) with customer %s, which %s: "
          "review whether it is the same party under another name",
          p.customer_id(), shared.size(), other, listed.first));
      AddEvidence(a, "listed_customer", other);
      AddEvidence(a, "listed_as", listed.first);
      AddEvidence(a, "shared", absl::StrJoin(shared, "; "));
      alerts.push_back(std::move(a));
    }
  }
  for (v1::Alert& a : alerts) {
    if (absl::Status s = recorder_.Record(std::move(a), now, true); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace redflag

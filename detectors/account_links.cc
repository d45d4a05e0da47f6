#include "detectors/account_links.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "detectors/free_mail.h"

namespace redflag::detectors {
namespace {

std::string Clean(absl::string_view s) {
  std::string out = absl::AsciiStrToLower(absl::StripAsciiWhitespace(s));
  out.erase(std::remove_if(out.begin(), out.end(), [](char c) { return c == ' ' || c == '-'; }),
            out.end());
  return out;
}

}  // namespace

const std::string& AccountLinker::Find(const std::string& id) const {
  auto it = parent_.try_emplace(id, id).first;
  if (it->second == id) return it->second;
  const std::string& root = Find(it->second);
  it->second = root;  // path compression
  return parent_[id];
}

void AccountLinker::Link(const std::string& a, const std::string& b, const std::string& reason) {
  if (a == b) return;
  links_.push_back({std::min(a, b), std::max(a, b), reason});
  const std::string ra = Find(a), rb = Find(b);
  if (ra != rb) parent_[std::max(ra, rb)] = std::min(ra, rb);
}

void AccountLinker::Attribute(const std::string& id, const std::string& key) {
  Find(id);
  auto [it, fresh] = first_with_.emplace(key, id);
  if (!fresh) Link(it->second, id, key);
}

void AccountLinker::AddProfile(const v1::CustomerProfile& p) {
  const std::string& id = p.customer_id();
  Find(id);
  auto attribute = [&](const std::string& what, const std::string& value) {
    if (!value.empty()) Attribute(id, absl::StrCat(what, " ", value));
  };
  attribute("payment instrument", p.payment_instrument_fingerprint());
  for (const std::string& d : p.contact_domains()) {
    const std::string domain = Clean(d);
    if (!IsFreeMailDomain(domain)) attribute("contact domain", domain);
  }
  for (const std::string& e : p.contact_emails()) attribute("contact email", Clean(e));
  for (const std::string& phone : p.contact_phones()) {
    std::string digits;
    for (char c : phone) {
      if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
    }
    if (digits.size() >= 6) attribute("phone", digits);
  }
  for (const v1::Person& b : p.beneficial_owners()) {
    attribute("beneficial owner", absl::AsciiStrToLower(absl::StripAsciiWhitespace(b.name())));
  }
  attribute("ultimate parent",
            absl::AsciiStrToLower(absl::StripAsciiWhitespace(p.ultimate_parent_name())));
  for (const std::string& other : p.linked_accounts()) Link(id, other, "declared linked account");
}

void AccountLinker::AddCheckpointUse(const std::string& from, const std::string& to,
                                     const std::string& model) {
  Find(from);
  Find(to);
  Link(from, to, absl::StrCat("trains on a checkpoint of model ", model));
}

void AccountLinker::AddCheckpoint(const std::string& customer, const std::string& checkpoint) {
  const std::string c = absl::AsciiStrToLower(absl::StripAsciiWhitespace(checkpoint));
  if (!c.empty()) Attribute(customer, absl::StrCat("checkpoint ", c));
}

void AccountLinker::AddSourceAddress(const std::string& customer, const std::string& address) {
  const std::string a = absl::AsciiStrToLower(absl::StripAsciiWhitespace(address));
  if (!a.empty()) Attribute(customer, absl::StrCat("source address ", a));
}

std::vector<AccountGroup> AccountLinker::Groups() const {
  std::map<std::string, AccountGroup> by_root;
  for (const auto& [id, unused] : parent_) by_root[Find(id)].members.push_back(id);
  for (const AccountLink& l : links_) by_root[Find(l.a)].links.push_back(l);
  std::vector<AccountGroup> out;
  for (auto& [root, g] : by_root) {
    if (g.members.size() < 2) continue;
    std::sort(g.members.begin(), g.members.end());
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace redflag::detectors

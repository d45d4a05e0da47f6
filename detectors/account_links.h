// Which customer accounts belong together (R6): accounts that share a
// payment-instrument fingerprint, a contact domain, email or phone, a
// beneficial owner, an ultimate parent, are declared linked, train on each
// other's checkpoints or start jobs from the same checkpoint (by its hash or
// URI) are grouped (union-find), and every link keeps its reason. Free-mail
// domains link nobody. Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "redflag/v1/customers.pb.h"

namespace redflag::detectors {

struct AccountLink {
  std::string a, b;    // customer ids, a < b
  std::string reason;  // "payment instrument fp-77", "beneficial owner ivan petrov", ...
};

struct AccountGroup {
  std::vector<std::string> members;  // sorted
  std::vector<AccountLink> links;    // the links that joined them
};

class AccountLinker {
 public:
  void AddProfile(const v1::CustomerProfile& profile);
  // A model of `to` was trained from a checkpoint of `from`'s.
  void AddCheckpointUse(const std::string& from, const std::string& to, const std::string& model);
  // A job of `customer` starts from `checkpoint` (JobSpec.parent_checkpoint:
  // a content hash or URI, compared as written, without case or surrounding
  // space): accounts starting from the same one are linked.
  void AddCheckpoint(const std::string& customer, const std::string& checkpoint);
  // `customer` was accessed from `address` (an IP address as the access
  // event carries it): accounts sharing one are linked. For access events
  // once they carry a source address.
  void AddSourceAddress(const std::string& customer, const std::string& address);

  // Groups of two or more accounts, by their smallest member.
  std::vector<AccountGroup> Groups() const;

 private:
  void Link(const std::string& a, const std::string& b, const std::string& reason);
  // Links `id` to the first account seen with `key` ("payment instrument fp-77").
  void Attribute(const std::string& id, const std::string& key);
  const std::string& Find(const std::string& id) const;

  mutable std::map<std::string, std::string> parent_;  // union-find
  std::vector<AccountLink> links_;
  // Attribute ("payment instrument fp-77") -> the first account seen with it.
  std::map<std::string, std::string> first_with_;
};

}  // namespace redflag::detectors

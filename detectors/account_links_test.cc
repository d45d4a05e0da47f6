#include "detectors/account_links.h"

#include "gtest/gtest.h"

namespace redflag::detectors {
namespace {

v1::CustomerProfile Profile(const std::string& id) {
  v1::CustomerProfile p;
  p.set_customer_id(id);
  return p;
}

TEST(AccountLinks, SharedAttributesGroupAccountsWithTheirReasons) {
  AccountLinker linker;
  v1::CustomerProfile a = Profile("a"), b = Profile("b"), c = Profile("c"), d = Profile("d");
  a.set_payment_instrument_fingerprint("fp-77");
  b.set_payment_instrument_fingerprint("fp-77");
  b.add_contact_phones("+65 6123-4567");
  c.add_contact_phones("(65) 61234567");
  d.add_contact_domains("gmail.com");  // free mail links nobody
  c.add_contact_domains("Gmail.com");
  for (const auto& p : {a, b, c, d}) linker.AddProfile(p);
  std::vector<AccountGroup> groups = linker.Groups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].members, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(groups[0].links.size(), 2u);
  EXPECT_EQ(groups[0].links[0].reason, "payment instrument fp-77");
  EXPECT_EQ(groups[0].links[1].reason, "phone 6561234567");
}

TEST(AccountLinks, OwnersParentsDeclarationsAndCheckpointsLinkToo) {
  AccountLinker linker;
  v1::CustomerProfile a = Profile("a"), b = Profile("b"), c = Profile("c"), d = Profile("d"),
                      e = Profile("e"), f = Profile("f");
  a.add_beneficial_owners()->set_name("Ivan Petrov");
  b.add_beneficial_owners()->set_name(" ivan petrov ");
  c.set_ultimate_parent_name("Dragon Holdings");
  d.set_ultimate_parent_name("DRAGON HOLDINGS");
  e.add_linked_accounts(std::string("c"));
  for (const auto& p : {a, b, c, d, e, f}) linker.AddProfile(p);
  const std::string from = "b", to = "f", model = "base-70b";
  linker.AddCheckpointUse(from, to, model);
  std::vector<AccountGroup> groups = linker.Groups();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].members, (std::vector<std::string>{"a", "b", "f"}));
  EXPECT_EQ(groups[1].members, (std::vector<std::string>{"c", "d", "e"}));
  EXPECT_EQ(groups[0].links.back().reason, "trains on a checkpoint of model base-70b");
}

TEST(AccountLinks, UnlinkedAccountsFormNoGroup) {
  AccountLinker linker;
  v1::CustomerProfile a = Profile("a"), b = Profile("b");
  a.set_payment_instrument_fingerprint("fp-1");
  b.set_payment_instrument_fingerprint("fp-2");
  linker.AddProfile(a);
  linker.AddProfile(b);
  EXPECT_TRUE(linker.Groups().empty());
}

// Two accounts whose jobs start from the same checkpoint are linked by it,
// written in any case or with surrounding space; different checkpoints, or
// none, link nobody. So do two accounts reached from one source address.
TEST(AccountLinks, ASharedCheckpointOrSourceAddressLinksAccounts) {
  AccountLinker linker;
  for (const char* id : {"a", "b", "c", "d", "e"}) linker.AddProfile(Profile(id));
  linker.AddCheckpoint("a", "sha256:9f86d081884c7d65");
  linker.AddCheckpoint("b", " SHA256:9F86D081884C7D65 ");
  linker.AddCheckpoint("c", "sha256:9f86d081884c7d66");  // a near miss: one digit apart
  linker.AddCheckpoint("c", "");
  linker.AddCheckpoint("d", "");
  linker.AddSourceAddress("d", "203.0.113.7");
  linker.AddSourceAddress("e", "203.0.113.7");
  linker.AddSourceAddress("c", "203.0.113.8");
  std::vector<AccountGroup> groups = linker.Groups();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].members, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(groups[0].links.size(), 1u);
  EXPECT_EQ(groups[0].links[0].reason, "checkpoint sha256:9f86d081884c7d65");
  EXPECT_EQ(groups[1].members, (std::vector<std::string>{"d", "e"}));
  EXPECT_EQ(groups[1].links[0].reason, "source address 203.0.113.7");
}

}  // namespace
}  // namespace redflag::detectors

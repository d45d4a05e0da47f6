#include "detectors/screening/contacts.h"

#include "detectors/screening/screening_index.h"
#include "detectors/screening/test_lists.h"
#include "gtest/gtest.h"

namespace redflag::screening {
namespace {

using testing::CslIndex;
using testing::MixedOfacIndex;

TEST(Contacts, DomainsPhonesAndAddressesAreWrittenOneWay) {
  EXPECT_EQ(DomainOf("https://www.IRISL.net/en/index.html"), "irisl.net");
  EXPECT_EQ(DomainOf("www.irisl.net"), "irisl.net");
  EXPECT_EQ(DomainOf("Info@Irisl.net"), "irisl.net");
  EXPECT_EQ(DomainOf("someone@gmail.com"), "");  // free mail says nothing
  EXPECT_EQ(DomainOf("not a domain"), "");
  EXPECT_EQ(DomainOf("irisl"), "");
  // Prefixes vary: the last nine digits do not.
  EXPECT_EQ(PhoneKey("Telephone No. 009613679153"), "613679153");
  EXPECT_EQ(PhoneKey("+961 3 679 153"), "613679153");
  EXPECT_EQ(PhoneKey("03679153"), "03679153");
  EXPECT_EQ(PhoneKey("12-34"), "");  // too short to mean anything
  EXPECT_EQ(
      AddressWords("Room 704-6, Wheelock Hse., 20 Pedder Street, No. 3"),
      (std::vector<std::string>{"rm", "704", "6", "wheelock", "hse", "20", "pedder", "st", "3"}));
}

TEST(Contacts, TheListsFreeTextGivesWebSitesAndTelephones) {
  ListEntry e;
  AddContactsFromText(
      "Website www.irisl.net; IFCA Determination - Involved in the Shipping Sector; "
      "Email Address info@aqsatv.ps; Telephone No. 009613679153; Telephone: 0097282851500.",
      e);
  EXPECT_EQ(e.domains, (std::vector<std::string>{"irisl.net", "aqsatv.ps"}));
  EXPECT_EQ(e.phones, (std::vector<std::string>{"009613679153", "0097282851500"}));
  ListEntry csl;
  AddContactsFromText(
      "Registration ID, 1027739609391, RU; Website, www.vtb.com; SWIFT/BIC, VTBRRUMM", csl);
  EXPECT_EQ(csl.domains, std::vector<std::string>{"vtb.com"});
  EXPECT_TRUE(csl.phones.empty());
}

TEST(Contacts, TheRealListsCarryThem) {
  size_t with_domain = 0, with_phone = 0, with_address = 0;
  for (const ListEntry& e : MixedOfacIndex().entries()) {
    with_domain += e.domains.empty() ? 0 : 1;
    with_phone += e.phones.empty() ? 0 : 1;
    with_address += e.addresses.empty() ? 0 : 1;
  }
  EXPECT_GT(with_domain, 500u);
  EXPECT_GT(with_phone, 50u);
  EXPECT_GT(with_address, 10000u);
}

// A customer's address written otherwise than the list writes it still
// matches; one house number off does not.
TEST(Contacts, AnAddressMatchesTheListedOneWrittenOtherwise) {
  std::vector<ContactHit> hits =
      MixedOfacIndex().ScreenAddress("Room 704-6 Wheelock House, 20 Pedder Street, Hong Kong");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().entry->id, "25578");  // BANK MELLI IRAN
  EXPECT_EQ(hits.front().kind, "address");
  EXPECT_EQ(hits.front().listed, "Room 704-6, Wheelock Hse, 20 Pedder St, Hong Kong");
  EXPECT_GE(hits.front().score, ScreeningIndex::kAddressThreshold);
  // Near misses: another house number; another street in the same city.
  for (const ContactHit& h :
       MixedOfacIndex().ScreenAddress("Room 704-6 Wheelock House, 21 Pedder Street, Hong Kong")) {
    EXPECT_NE(h.entry->id, "25578") << h.listed;
  }
  for (const ContactHit& h : MixedOfacIndex().ScreenAddress("20 Queen's Road Central, Hong Kong")) {
    EXPECT_NE(h.entry->id, "25578") << h.listed;
  }
  // Ordinary addresses, some in cities full of listed parties, match nothing.
  for (const char* address :
       {"1600 Amphitheatre Parkway, Mountain View, CA 94043, US", "10 Downing Street, London",
        "1 Tverskaya Street, Moscow, Russia", "15 Valiasr Avenue, Tehran, Iran", "Tehran, Iran",
        "100 Nanjing Road, Shanghai, China"}) {
    for (const ContactHit& h : MixedOfacIndex().ScreenAddress(address)) {
      ADD_FAILURE() << address << " -> " << h.entry->id << " " << h.listed << " " << h.score;
    }
  }
  // The CSL carries addresses too.
  hits = CslIndex().ScreenAddress("29 Bolshaya Morskaya Street, St. Petersburg 190000, Russia");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().entry->id, "17013");  // VTB BANK
}

TEST(Contacts, PhonesAndDomainsMatchExactlyOnce) {
  std::vector<ContactHit> hits = MixedOfacIndex().ScreenDomain("https://irisl.net/contact");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().entry->id, "25396");  // ISLAMIC REPUBLIC OF IRAN SHIPPING LINES
  EXPECT_TRUE(MixedOfacIndex().ScreenDomain("irisl.com").empty());
  hits = MixedOfacIndex().ScreenPhone("+961 3 679 153");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().entry->id, "11346");  // WAAD PROJECT
  EXPECT_TRUE(MixedOfacIndex().ScreenPhone("+961 3 679 154").empty());
}

}  // namespace
}  // namespace redflag::screening

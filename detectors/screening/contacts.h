// The contact details restricted-party lists give beside names (addresses,
// telephone numbers, web sites, e-mail addresses), written one way each so
// that a customer's contacts can be compared with them (rule entity_overlap,
// R11), and found in the lists' free-text cells.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "detectors/screening/party_list.h"

namespace redflag::screening {

// "https://www.IRISL.net/en/" and "info@irisl.net" -> "irisl.net"; empty for
// something that is not a host name, and for free-mail domains (gmail.com):
// sharing one says nothing.
std::string DomainOf(absl::string_view url_or_email);

// The last nine digits of a telephone number ("+98 (21) 2384-5000" ->
// "821238450"), which survive the ways prefixes are written (00, +, a
// national 0); empty with fewer than eight digits.
std::string PhoneKey(absl::string_view phone);

// An address as words, lower case, street words written one way ("Str.",
// "Street" -> "st"; "Bldg" -> "building"), "No." dropped.
std::vector<std::string> AddressWords(absl::string_view address);

// The web sites, e-mail domains and telephone numbers named in a list's
// free-text cell ("Website www.x.ir; Email Address a@x.ir; Telephone No.
// 0098..." in OFAC remarks, "Website, www.x.ru; ..." in CSL ids), appended
// to `entry`.
void AddContactsFromText(absl::string_view text, ListEntry& entry);

}  // namespace redflag::screening

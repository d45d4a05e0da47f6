// How redflagctl prints screening for a person: hits with their reasons and
// the listing to check (`screen`), the lists in use (`screening lists`), and
// a customer with every finding and its evidence (`customers show`).
#pragma once

#include <string>
#include <vector>

#include "redflag/v1/alerts.pb.h"
#include "redflag/v1/customers.pb.h"
#include "redflag/v1/screening.pb.h"

namespace redflag::cli {

std::string FormatScreenResponse(const std::string& name, const std::string& country,
                                 const redflag::v1::ScreenResponse& response);
std::string FormatLists(const redflag::v1::ListListsResponse& response);
// `screenings`: the latest screening records, newest first (may be empty).
std::string FormatCustomer(const redflag::v1::Customer& customer,
                           const std::vector<redflag::v1::ScreeningRecord>& screenings,
                           const std::vector<redflag::v1::Alert>& findings);

}  // namespace redflag::cli
